// The provisioning job at a glance, refreshed by itself every few seconds while shown: its
// state, last and next run, and a quarantine's reason with the fix.
import {
  Badge,
  Body1,
  Button,
  Caption1,
  makeStyles,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  tokens,
} from '@fluentui/react-components';
import { ArrowClockwiseRegular } from '@fluentui/react-icons';
import { useCallback, useEffect, useState, type ReactElement } from 'react';
import { newOperationId, toProblem, type JobStatus, type Problem } from '../../ipc';
import { describeInterval, formatTime, nextRun } from './jobTimes';
import { Panel } from './Panel';
import { ProblemBar } from './ProblemBar';

const useStyles = makeStyles({
  grid: { display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: tokens.spacingHorizontalL, rowGap: tokens.spacingVerticalXS, margin: 0 },
  term: { color: tokens.colorNeutralForeground3 },
  value: { margin: 0 },
  row: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalM },
});

function badgeColor(status: JobStatus): 'success' | 'danger' | 'warning' | 'informative' {
  if (status.quarantine || status.code === 'Quarantine') return 'danger';
  if (status.code === 'Active') return 'success';
  if (status.code === 'Paused') return 'warning';
  return 'informative';
}

export interface JobCardProps {
  load: (operationId: string) => Promise<JobStatus>;
  /** Milliseconds between refreshes; 0 turns the self-refresh off. */
  refreshEvery?: number;
  initial?: JobStatus;
}

export function JobCard({ load, refreshEvery = 10_000, initial }: JobCardProps): ReactElement {
  const styles = useStyles();
  const [status, setStatus] = useState<JobStatus | undefined>(initial);
  const [problem, setProblem] = useState<Problem | undefined>();
  const [checkedAt, setCheckedAt] = useState<Date | undefined>(initial ? new Date() : undefined);

  const refresh = useCallback(async () => {
    try {
      const next = await load(newOperationId('job'));
      setStatus(next);
      setProblem(undefined);
      setCheckedAt(new Date());
    } catch (error) {
      setProblem(toProblem(error, 'Reading the provisioning job'));
    }
  }, [load]);

  useEffect(() => {
    // The first read happens at once; later ones on the timer.
    const first = window.setTimeout(() => void refresh(), 0);
    const timer = refreshEvery > 0 ? window.setInterval(() => void refresh(), refreshEvery) : undefined;
    return () => {
      window.clearTimeout(first);
      if (timer) window.clearInterval(timer);
    };
  }, [refresh, refreshEvery]);

  const next = status ? nextRun(status.lastExecution?.timeBegan, status.interval) : undefined;
  return (
    <Panel title="Provisioning job" testId="job-card">
      {status && (
        <>
          <div className={styles.row}>
            <Badge appearance="filled" color={badgeColor(status)} data-testid="job-state">
              {status.code}
            </Badge>
            <Body1 data-testid="job-summary">{status.summary}</Body1>
          </div>
          <dl className={styles.grid}>
            <dt className={styles.term}>Schedule</dt>
            <dd className={styles.value}>
              {status.scheduleState}
              {describeInterval(status.interval) ? `, ${describeInterval(status.interval)}` : ''}
            </dd>
            <dt className={styles.term}>Last run</dt>
            <dd className={styles.value}>
              {status.lastExecution
                ? `${status.lastExecution.state || 'Running'} · ${formatTime(status.lastExecution.timeBegan)}`
                : 'Not run yet'}
            </dd>
            <dt className={styles.term}>Next run</dt>
            <dd className={styles.value}>{next ? formatTime(next) : '—'}</dd>
            <dt className={styles.term}>Job</dt>
            <dd className={styles.value}>{status.jobId}</dd>
          </dl>
          {status.quarantine && (
            <MessageBar intent="error" layout="multiline" data-testid="job-quarantine">
              <MessageBarBody>
                <MessageBarTitle>In quarantine: {status.quarantine.reason}</MessageBarTitle>
                <div>{status.quarantine.cause}</div>
                <div>
                  <strong>Fix:</strong> {status.quarantine.fix}
                </div>
              </MessageBarBody>
            </MessageBar>
          )}
        </>
      )}
      {problem && <ProblemBar problem={problem} testId="job-problem" />}
      <div className={styles.row}>
        <Button icon={<ArrowClockwiseRegular />} onClick={() => void refresh()}>
          Refresh
        </Button>
        <Caption1 className={styles.term}>
          {checkedAt ? `Checked ${checkedAt.toLocaleTimeString()}` : 'Reading…'}
          {refreshEvery > 0 ? ' · refreshes by itself' : ''}
        </Caption1>
      </div>
    </Panel>
  );
}
