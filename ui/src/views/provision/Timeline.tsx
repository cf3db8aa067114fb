// One person's provisioning on demand as Entra reports it: each step (import, scoping,
// matching, action, export) coloured by how it ended, the verdict in plain words with the fix,
// and the step details and the raw answer one click away.
import {
  Badge,
  Body1,
  Body1Strong,
  Caption1,
  makeStyles,
  mergeClasses,
  shorthands,
  tokens,
} from '@fluentui/react-components';
import type { ReactElement } from 'react';
import type { OnDemandStep, ProvisionOnDemandOutcome, Verification } from '../../ipc';

const useStyles = makeStyles({
  card: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalM,
    borderRadius: tokens.borderRadiusMedium,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  header: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalM },
  steps: { listStyleType: 'none', margin: 0, padding: 0, display: 'flex', flexWrap: 'wrap', alignItems: 'center', rowGap: tokens.spacingVerticalXS },
  step: {
    display: 'flex',
    alignItems: 'center',
    columnGap: tokens.spacingHorizontalXS,
    paddingBlock: tokens.spacingVerticalXXS,
    paddingInline: tokens.spacingHorizontalS,
    borderRadius: tokens.borderRadiusCircular,
    border: `${tokens.strokeWidthThin} solid`,
    fontSize: tokens.fontSizeBase200,
  },
  arrow: { color: tokens.colorNeutralForeground3, paddingInline: tokens.spacingHorizontalXS },
  good: { ...shorthands.borderColor(tokens.colorPaletteGreenBorder2), color: tokens.colorPaletteGreenForeground1, backgroundColor: tokens.colorPaletteGreenBackground1 },
  warn: { ...shorthands.borderColor(tokens.colorPaletteMarigoldBorder2), color: tokens.colorPaletteMarigoldForeground1, backgroundColor: tokens.colorPaletteMarigoldBackground1 },
  bad: { ...shorthands.borderColor(tokens.colorPaletteRedBorder2), color: tokens.colorPaletteRedForeground1, backgroundColor: tokens.colorPaletteRedBackground1 },
  neutral: { ...shorthands.borderColor(tokens.colorNeutralStroke1), color: tokens.colorNeutralForeground2 },
  fail: { color: tokens.colorPaletteRedForeground1 },
  differences: { margin: 0, paddingInlineStart: tokens.spacingHorizontalL },
  summary: {
    cursor: 'pointer',
    color: tokens.colorBrandForegroundLink,
    ':focus-visible': { outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}`, borderRadius: tokens.borderRadiusSmall },
  },
  pre: {
    margin: 0,
    padding: tokens.spacingHorizontalS,
    backgroundColor: tokens.colorNeutralBackground3,
    borderRadius: tokens.borderRadiusMedium,
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-all',
    maxHeight: '280px',
    overflowY: 'auto',
  },
  table: { borderCollapse: 'collapse', fontSize: tokens.fontSizeBase200, '& td, & th': { textAlign: 'start', paddingInline: tokens.spacingHorizontalS, verticalAlign: 'top' } },
});

type Tone = 'good' | 'warn' | 'bad' | 'neutral';

export function stepTone(status: string): Tone {
  const s = status.toLowerCase();
  if (s.startsWith('success')) return 'good';
  if (s.startsWith('fail') || s.startsWith('error')) return 'bad';
  if (s.startsWith('skip') || s.startsWith('warn')) return 'warn';
  return 'neutral';
}

/** Whether a successful outcome created the person in Unity (else it updated them). */
export function wasCreated(outcome: ProvisionOnDemandOutcome): boolean {
  return (outcome.action ?? '').toLowerCase().includes('create');
}

/** The portal's names for Entra's four steps ("Import user", "Perform action"). */
export function stepTitle(step: OnDemandStep, kind: ProvisionOnDemandOutcome['subject']['kind']): string {
  const noun = kind === 'group' ? 'group' : 'user';
  switch ((step.stepType || step.name).toLowerCase()) {
    case 'import':
      return `Import ${noun}`;
    case 'scoping':
      return `Determine if ${noun} is in scope`;
    case 'matching':
      return `Match ${noun} between source and target system`;
    case 'export':
      return 'Perform action';
    default:
      return step.stepType || step.name;
  }
}

/** A step's status in words: "Success" reads as done, "Skipped" as not needed. */
function statusWord(status: string): string {
  const tone = stepTone(status);
  return tone === 'good' ? 'done' : tone === 'bad' ? 'failed' : tone === 'warn' ? 'skipped' : status.toLowerCase();
}

const VERDICT: Record<ProvisionOnDemandOutcome['verdict'], { label: string; color: 'success' | 'warning' | 'danger' | 'informative' }> = {
  success: { label: 'Updated', color: 'success' },
  alreadyInSync: { label: 'Already in sync', color: 'success' },
  skipped: { label: 'Skipped', color: 'warning' },
  failure: { label: 'Failed', color: 'danger' },
  unknown: { label: 'Unknown', color: 'informative' },
};

export function Timeline({ outcome, index }: { outcome: ProvisionOnDemandOutcome; index: number }): ReactElement {
  const styles = useStyles();
  const verdict =
    outcome.verdict === 'success' && outcome.subject.kind === 'group'
      ? { label: 'Group in Unity', color: 'success' as const }
      : outcome.verdict === 'success' && wasCreated(outcome)
        ? { label: 'Created', color: 'success' as const }
        : VERDICT[outcome.verdict];
  const bad = outcome.verdict === 'failure' || outcome.verdict === 'skipped';
  return (
    <article className={styles.card} data-testid="timeline" data-verdict={outcome.verdict} aria-label={`${outcome.subject.label}: ${verdict.label}`}>
      <div className={styles.header}>
        <Body1Strong>{outcome.subject.label}</Body1Strong>
        <Badge appearance="filled" color={verdict.color} data-testid="timeline-verdict">
          {verdict.label}
        </Badge>
        {outcome.subject.memberOf && <Caption1 data-testid="timeline-member-of">member of {outcome.subject.memberOf}</Caption1>}
      </div>
      {outcome.steps.length > 0 && (
        <ol className={styles.steps} aria-label="Entra’s steps">
          {outcome.steps.map((step, stepIndex) => (
            <StepChip
              key={`${index}-${stepIndex}`}
              step={step}
              title={stepTitle(step, outcome.subject.kind)}
              first={stepIndex === 0}
              inSync={outcome.verdict === 'alreadyInSync'}
            />
          ))}
          {outcome.verification && <ArrivalChip verification={outcome.verification} />}
        </ol>
      )}
      {outcome.verification && outcome.verification.differences.length > 0 && (
        <ul className={styles.differences} data-testid="timeline-differences" aria-label="Attributes that differ in Unity">
          {outcome.verification.differences.map((difference) => (
            <li key={difference.attribute}>
              <Caption1>
                {difference.attribute}: Entra wrote {difference.exported ?? '(nothing)'}, Unity holds {difference.inUnity ?? '(nothing)'}
              </Caption1>
            </li>
          ))}
        </ul>
      )}
      <Body1 className={bad ? styles.fail : undefined} data-testid="timeline-cause">
        {outcome.cause}
      </Body1>
      {outcome.fix && (
        <Body1 data-testid="timeline-fix">
          <strong>Fix:</strong> {outcome.fix}
        </Body1>
      )}
      {outcome.errorMessage && (
        <details data-testid="timeline-entra-message">
          <summary className={styles.summary}>Entra’s message</summary>
          <pre className={styles.pre}>{outcome.errorMessage}</pre>
        </details>
      )}
      {outcome.steps.length > 0 && (
        <details>
          <summary className={styles.summary}>Details of each step</summary>
          <table className={styles.table}>
            <thead>
              <tr>
                <th scope="col">Step</th>
                <th scope="col">Status</th>
                <th scope="col">What Entra did</th>
              </tr>
            </thead>
            <tbody>
              {outcome.steps.map((step, stepIndex) => (
                <tr key={stepIndex}>
                  <td>{stepTitle(step, outcome.subject.kind)}</td>
                  <td>{step.status}</td>
                  <td>
                    {step.description}
                    {Object.entries(step.details).map(([key, value]) => (
                      <div key={key}>
                        <Caption1>
                          {key}: {value}
                        </Caption1>
                      </div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
      <details>
        <summary className={styles.summary}>Entra’s answer as it came (for a support ticket)</summary>
        <pre className={styles.pre}>{JSON.stringify(outcome, null, 2)}</pre>
      </details>
      {outcome.changeId && <Caption1 data-testid="timeline-change-id">Change ID (for Microsoft support): {outcome.changeId}</Caption1>}
    </article>
  );
}

function StepChip({ step, title, first, inSync }: { step: OnDemandStep; title: string; first: boolean; inSync: boolean }): ReactElement {
  const styles = useStyles();
  // An export skipped because both sides already agree is good news, not a warning.
  const tone = inSync && stepTone(step.status) === 'warn' ? 'neutral' : stepTone(step.status);
  return (
    <li className={styles.header} data-testid="timeline-step" data-tone={tone}>
      {!first && (
        <span className={styles.arrow} aria-hidden="true">
          →
        </span>
      )}
      <span className={mergeClasses(styles.step, styles[tone])} title={step.description}>
        {title}: {statusWord(step.status)}
      </span>
    </li>
  );
}

/**
 * The fifth step, ours: the person read back from Unity's SCIM server after Entra's export.
 * Passed when the account is there with what Entra wrote; failed when it is missing or
 * differs; not checked (with why) when Unity could not be read.
 */
function ArrivalChip({ verification }: { verification: Verification }): ReactElement {
  const styles = useStyles();
  const tone: Tone = verification.notChecked
    ? 'neutral'
    : verification.found && verification.differences.length === 0
      ? 'good'
      : 'bad';
  const word = tone === 'good' ? 'passed' : tone === 'bad' ? 'failed' : 'not checked';
  const why = verification.notChecked ?? (verification.found ? undefined : 'Unity has no account with this user name.');
  return (
    <li className={styles.header} data-testid="timeline-arrival" data-tone={tone}>
      <span className={styles.arrow} aria-hidden="true">
        →
      </span>
      <span className={mergeClasses(styles.step, styles[tone])} title={why}>
        Arrived in Unity: {word}
      </span>
    </li>
  );
}

export interface ProvisionTally {
  created: number;
  updated: number;
  /** Groups now in Unity with their memberships (their members are counted as people). */
  groups: number;
  inSync: number;
  skipped: ProvisionOnDemandOutcome[];
  failed: ProvisionOnDemandOutcome[];
}

/** Counts per outcome, decided exactly as each card's badge is, so both always agree. */
export function tally(outcomes: ProvisionOnDemandOutcome[]): ProvisionTally {
  const result: ProvisionTally = { created: 0, updated: 0, groups: 0, inSync: 0, skipped: [], failed: [] };
  for (const outcome of outcomes) {
    if (outcome.verdict === 'success' && outcome.subject.kind === 'group') result.groups += 1;
    else if (outcome.verdict === 'success') {
      if (wasCreated(outcome)) result.created += 1;
      else result.updated += 1;
    } else if (outcome.verdict === 'alreadyInSync') result.inSync += 1;
    else if (outcome.verdict === 'skipped') result.skipped.push(outcome);
    else result.failed.push(outcome);
  }
  return result;
}
