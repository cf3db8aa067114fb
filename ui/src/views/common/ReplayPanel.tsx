// Entra's calls replayed from this computer against the configured URL and token, check by
// check as they run. Used by step 2 (Test) and step 3 (Test Connection, our half).
import { Body1, Button, makeStyles, tokens } from '@fluentui/react-components';
import type { ReactElement } from 'react';
import { runDiagnosis, type DiagnoseReport } from '../../ipc';
import { CheckList } from './CheckList';
import { ProblemBar } from './ProblemBar';
import { useChecks } from './useChecks';
import { useOperation, type Operation } from './useOperation';

const useStyles = makeStyles({
  row: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalM },
});

export function summaryLine(report: DiagnoseReport): string {
  const s = report.summary;
  if (report.cancelled) return 'Cancelled.';
  return `${s.passed} passed, ${s.warned} warning${s.warned === 1 ? '' : 's'}, ${s.failed} failed, ${s.skipped} skipped in ${report.elapsedMs} ms.`;
}

/** The replay as a hook, so a view can start it from its own button. */
export function useReplay(): { operation: Operation<DiagnoseReport>; checks: ReturnType<typeof useChecks>; start: () => Promise<DiagnoseReport | undefined> } {
  const operation = useOperation<DiagnoseReport>('Replaying Entra’s test query');
  const checks = useChecks();
  const start = async () => {
    checks.reset();
    return operation.run((id) => runDiagnosis(id, { source: 'configured' }, false, checks.onEvent));
  };
  return { operation, checks, start };
}

export function ReplayResults({ replay, testId }: { replay: ReturnType<typeof useReplay>; testId: string }): ReactElement {
  const styles = useStyles();
  const { operation, checks } = replay;
  return (
    <>
      {operation.running && (
        <div className={styles.row}>
          <Button onClick={operation.cancel}>Cancel</Button>
        </div>
      )}
      {checks.rows.length > 0 && <CheckList rows={checks.rows} label="Entra’s calls, replayed" testId={testId} />}
      {operation.result && <Body1 data-testid={`${testId}-summary`}>{summaryLine(operation.result)}</Body1>}
      {operation.problem && <ProblemBar problem={operation.problem} />}
    </>
  );
}
