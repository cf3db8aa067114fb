// Entra's calls replayed from this computer against the configured URL and token, check by
// check as they run. Step 2's own check; step 3 shows its result by reference instead of
// repeating the same list. The verdict comes first and scrolls into view when it arrives.
import { Button, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, tokens } from '@fluentui/react-components';
import { useEffect, type ReactElement } from 'react';
import { currentReplay, replayTarget, useWizardData } from '../../frame/journal';
import { runDiagnosis, type DiagnoseReport } from '../../ipc';
import { CheckList } from './CheckList';
import { ProblemBar } from './ProblemBar';
import { useChecks } from './useChecks';
import { useOperation, type Operation } from './useOperation';
import { useReveal } from './useReveal';

const useStyles = makeStyles({
  row: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalM },
  results: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalS, scrollMarginBlock: tokens.spacingVerticalXXL },
});

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function summaryLine(report: DiagnoseReport): string {
  const s = report.summary;
  if (report.cancelled) return 'Cancelled.';
  return `${s.passed} passed, ${plural(s.warned, 'warning', 'warnings')}, ${s.failed} failed, ${s.skipped} skipped in ${report.elapsedMs} ms.`;
}

/** The verdict of a replay in one bar: good, good with warnings, or what failed. */
export function ReplayVerdict({ report, testId }: { report: DiagnoseReport; testId: string }): ReactElement {
  const { failed, warned, passed, skipped } = report.summary;
  const total = failed + warned + passed + skipped;
  const intent = report.cancelled ? 'warning' : failed ? 'error' : warned ? 'warning' : 'success';
  const title = report.cancelled
    ? 'The replay was cancelled'
    : failed
      ? `${failed} of ${plural(total, 'check', 'checks')} failed: Entra’s calls will not all work`
      : warned
        ? `Entra’s calls work, with ${plural(warned, 'warning', 'warnings')}`
        : 'Entra’s calls work from this computer';
  return (
    <MessageBar intent={intent} layout="multiline" data-testid={`${testId}-verdict`} data-intent={intent}>
      <MessageBarBody>
        <MessageBarTitle>{title}</MessageBarTitle>
        <span data-testid={`${testId}-summary`}>{summaryLine(report)}</span>
      </MessageBarBody>
    </MessageBar>
  );
}

export interface Replay {
  operation: Operation<DiagnoseReport>;
  checks: ReturnType<typeof useChecks>;
  start: () => Promise<DiagnoseReport | undefined>;
  /** The finished replay to show: this view's run, or the one remembered from earlier. */
  report?: DiagnoseReport;
}

/** The replay as a hook, so a view can start it from its own button. */
export function useReplay(): Replay {
  const { journal, session, updateSession } = useWizardData();
  const operation = useOperation<DiagnoseReport>('Replaying Entra’s test query');
  const checks = useChecks();
  const remembered = currentReplay(journal, session);
  const target = replayTarget(journal);
  const { setFromResults, rows } = checks;

  // Coming back to the view shows the last replay of the same URL and token, not an empty panel.
  useEffect(() => {
    if (remembered && !rows.length && !operation.running) setFromResults(remembered.report.checks);
  }, [remembered, rows.length, operation.running, setFromResults]);

  const start = async () => {
    checks.reset();
    const report = await operation.run((id) => runDiagnosis(id, { source: 'configured' }, false, checks.onEvent));
    if (report) updateSession({ replay: { report, target, at: new Date() } });
    return report;
  };
  const report = operation.running ? undefined : (operation.result ?? remembered?.report);
  return { operation, checks, start, report };
}

export function ReplayResults({ replay, testId }: { replay: Replay; testId: string }): ReactElement {
  const styles = useStyles();
  const { operation, checks, report } = replay;
  const reveal = useReveal<HTMLDivElement>(operation.result ?? operation.problem);
  return (
    <div className={styles.results} ref={reveal}>
      {operation.running && (
        <div className={styles.row}>
          <Button onClick={operation.cancel}>Cancel</Button>
        </div>
      )}
      {operation.problem && <ProblemBar problem={operation.problem} />}
      {report && checks.rows.length === 0 && <ReplayVerdict report={report} testId={testId} />}
      {checks.rows.length > 0 && (
        <CheckList
          rows={checks.rows}
          label="Entra’s calls, replayed"
          testId={testId}
          verdict={report ? <ReplayVerdict report={report} testId={testId} /> : undefined}
        />
      )}
    </div>
  );
}
