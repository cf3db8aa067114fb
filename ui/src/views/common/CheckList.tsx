// A diagnosis check by check as it runs: a spinner while a check runs, then pass, warning,
// failure (with cause, fix and the evidence one click away) or skipped with the reason. Once
// every check has finished, the verdict comes first, the failures and warnings follow, and the
// passed and skipped checks fold away under one line.
import {
  Body1,
  Body1Strong,
  Caption1,
  makeStyles,
  mergeClasses,
  Spinner,
  tokens,
} from '@fluentui/react-components';
import {
  CheckmarkCircleFilled,
  CircleRegular,
  DismissCircleFilled,
  SubtractCircleRegular,
  WarningFilled,
} from '@fluentui/react-icons';
import type { ReactElement, ReactNode } from 'react';
import { EvidenceList } from './Evidence';
import type { CheckRow } from './useChecks';

const useStyles = makeStyles({
  list: { listStyleType: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXS },
  row: { display: 'grid', gridTemplateColumns: '20px minmax(0, 1fr) auto', columnGap: tokens.spacingHorizontalS, alignItems: 'start' },
  icon: { fontSize: '20px', lineHeight: '20px', display: 'inline-flex' },
  pass: { color: tokens.colorPaletteGreenForeground1 },
  warn: { color: tokens.colorPaletteMarigoldForeground1 },
  fail: { color: tokens.colorPaletteRedForeground1 },
  muted: { color: tokens.colorNeutralForeground3 },
  text: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXXS, minWidth: 0 },
  details: { marginTop: tokens.spacingVerticalXXS },
  summary: {
    cursor: 'pointer',
    color: tokens.colorBrandForegroundLink,
    ':focus-visible': { outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}`, borderRadius: tokens.borderRadiusSmall },
  },
});

export interface CheckListProps {
  rows: CheckRow[];
  label: string;
  testId?: string;
  /** The verdict, shown above the checks once they have all finished. */
  verdict?: ReactNode;
}

/** Passed and skipped checks, which need no attention, in words: "19 passed and 2 skipped". */
export function quietCount(rows: CheckRow[]): string {
  const passed = rows.filter((row) => outcomeOf(row) === 'pass').length;
  const skipped = rows.filter((row) => outcomeOf(row) === 'skipped').length;
  return [passed ? `${passed} passed` : '', skipped ? `${skipped} skipped` : ''].filter(Boolean).join(' and ');
}

export function CheckList({ rows, label, testId = 'checklist', verdict }: CheckListProps): ReactElement {
  const styles = useStyles();
  // A verdict means the run is over, even if a check never reported its end (cancelled).
  const finished = rows.length > 0 && (verdict !== undefined || rows.every((row) => row.state === 'finished'));
  if (!finished) {
    return (
      <ul className={styles.list} aria-label={label} aria-live="polite" data-testid={testId}>
        {rows.map((row) => (
          <CheckLine key={row.id} row={row} styles={styles} />
        ))}
      </ul>
    );
  }
  const quiet = (row: CheckRow) => ['pass', 'skipped'].includes(outcomeOf(row));
  const loud = rows.filter((row) => !quiet(row));
  const calm = rows.filter(quiet);
  return (
    <div className={styles.list} data-testid={testId}>
      {verdict}
      {loud.length > 0 && (
        <ul className={styles.list} aria-label={`${label}: needs attention`}>
          {loud.map((row) => (
            <CheckLine key={row.id} row={row} styles={styles} />
          ))}
        </ul>
      )}
      {calm.length > 0 && (
        <details data-testid={`${testId}-quiet`}>
          <summary className={styles.summary}>Show the {quietCount(calm)} checks</summary>
          <ul className={styles.list} aria-label={`${label}: passed and skipped`}>
            {calm.map((row) => (
              <CheckLine key={row.id} row={row} styles={styles} />
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

function outcomeOf(row: CheckRow): string {
  if (row.state !== 'finished') return row.state;
  return row.result.outcome;
}

function CheckLine({ row, styles }: { row: CheckRow; styles: ReturnType<typeof useStyles> }): ReactElement {
  const outcome = outcomeOf(row);
  const result = row.state === 'finished' ? row.result : undefined;
  const icon =
    outcome === 'running' ? (
      <Spinner size="extra-tiny" aria-label="Running" />
    ) : outcome === 'pass' ? (
      <CheckmarkCircleFilled className={styles.pass} aria-label="Passed" />
    ) : outcome === 'warn' ? (
      <WarningFilled className={styles.warn} aria-label="Warning" />
    ) : outcome === 'fail' ? (
      <DismissCircleFilled className={styles.fail} aria-label="Failed" />
    ) : outcome === 'skipped' ? (
      <SubtractCircleRegular className={styles.muted} aria-label="Skipped" />
    ) : (
      <CircleRegular className={styles.muted} aria-label="Waiting" />
    );
  return (
    <li className={styles.row} data-testid={`check-${row.id}`} data-outcome={outcome}>
      <span className={styles.icon}>{icon}</span>
      <span className={styles.text}>
        <Body1Strong>{row.title}</Body1Strong>
        {row.state === 'running' && row.waiting && (
          <Caption1 className={styles.muted} data-testid={`check-${row.id}-waiting`}>
            {row.waiting}
          </Caption1>
        )}
        {result?.outcome === 'skipped' && <Caption1 className={styles.muted}>Skipped: {result.reason}</Caption1>}
        {result?.cause && (
          <Body1 className={outcome === 'fail' ? styles.fail : undefined} data-testid={`check-${row.id}-cause`}>
            {result.cause}
          </Body1>
        )}
        {result?.fix && (
          <Body1 data-testid={`check-${row.id}-fix`}>
            <strong>Fix:</strong> {result.fix}
          </Body1>
        )}
        {result && (result.evidence.length > 0 || result.facts.length > 0) && (
          <details className={styles.details}>
            <summary className={styles.summary}>Evidence: the request and the response</summary>
            <EvidenceList facts={result.facts} evidence={result.evidence} />
          </details>
        )}
      </span>
      <Caption1 className={mergeClasses(styles.muted)}>{result ? `${result.elapsedMs} ms` : ''}</Caption1>
    </li>
  );
}
