// A diagnosis check by check as it runs: a spinner while a check runs, then pass, warning,
// failure (with cause, fix and the evidence one click away) or skipped with the reason.
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
import type { ReactElement } from 'react';
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
  pre: {
    margin: 0,
    padding: tokens.spacingHorizontalS,
    backgroundColor: tokens.colorNeutralBackground3,
    borderRadius: tokens.borderRadiusMedium,
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-all',
    maxHeight: '240px',
    overflowY: 'auto',
  },
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
}

export function CheckList({ rows, label, testId = 'checklist' }: CheckListProps): ReactElement {
  const styles = useStyles();
  return (
    <ul className={styles.list} aria-label={label} aria-live="polite" data-testid={testId}>
      {rows.map((row) => (
        <CheckLine key={row.id} row={row} styles={styles} />
      ))}
    </ul>
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
            <summary className={styles.summary}>Evidence</summary>
            <pre className={styles.pre}>{JSON.stringify({ facts: result.facts, evidence: result.evidence }, null, 2)}</pre>
          </details>
        )}
      </span>
      <Caption1 className={mergeClasses(styles.muted)}>{result ? `${result.elapsedMs} ms` : ''}</Caption1>
    </li>
  );
}
