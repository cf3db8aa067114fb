// The provisioning job at a glance, as the portal's Overview shows it, refreshed by itself
// every few seconds while shown: its state and schedule in plain words (from the engine), when
// the next cycle is due, what the last cycle did for users and groups, the scope, a
// quarantine's reason with the fix, the deletions the threshold held back, and (where the view
// passes them) Pause, Restart, Start, the scope and "Allow these deletions", each confirmed first.
import {
  Badge,
  Body1,
  Button,
  Caption1,
  makeStyles,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Radio,
  RadioGroup,
  tokens,
} from '@fluentui/react-components';
import { ArrowClockwiseRegular, PauseRegular, PlayRegular, ArrowResetRegular } from '@fluentui/react-icons';
import { useCallback, useEffect, useState, type ReactElement, type ReactNode } from 'react';
import {
  newOperationId,
  toProblem,
  type CycleCounts,
  type EntryTally,
  type HeldBackDeletions as Held,
  type JobStatus,
  type Problem,
  type ProvisioningScope,
} from '../../ipc';
import { ConfirmButton } from './ConfirmButton';
import { HeldBackDeletions } from './HeldBackDeletions';
import { formatTime } from './jobTimes';
import { watchOperationWait } from './operationWait';
import { Panel } from './Panel';
import { ProblemBar } from './ProblemBar';
import { WaitingLine } from './WaitingLine';

const useStyles = makeStyles({
  grid: { display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: tokens.spacingHorizontalL, rowGap: tokens.spacingVerticalXS, margin: 0 },
  term: { color: tokens.colorNeutralForeground3 },
  value: { margin: 0 },
  row: { display: 'flex', alignItems: 'center', flexWrap: 'wrap', columnGap: tokens.spacingHorizontalM, rowGap: tokens.spacingVerticalS },
  stack: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXS },
  counts: { borderCollapse: 'collapse', fontSize: tokens.fontSizeBase200, '& th, & td': { textAlign: 'end', paddingInline: tokens.spacingHorizontalS }, '& th:first-child, & td:first-child': { textAlign: 'start' } },
});

function badgeColor(status: JobStatus): 'success' | 'danger' | 'warning' | 'informative' {
  if (status.quarantine || status.code === 'Quarantine') return 'danger';
  if (status.code === 'Paused' || status.scheduleState === 'Paused') return 'warning';
  if (status.scheduleState === 'Active') return 'success';
  return 'informative';
}

/** Pause, Restart, Start and the scope: each takes an operation id and returns the new state. */
export interface JobActions {
  pause: (operationId: string) => Promise<JobStatus>;
  restart: (operationId: string) => Promise<JobStatus>;
  start: (operationId: string) => Promise<JobStatus>;
  setScope: (operationId: string, scope: ProvisioningScope) => Promise<JobStatus>;
  /** The deletions a quarantine held back (empty when the quarantine is another one's). */
  heldBack?: (operationId: string) => Promise<Held>;
  /** "Allow these deletions": a restart with ForceDeletes. */
  allowDeletions?: (operationId: string) => Promise<JobStatus>;
}

export interface JobCardProps {
  load: (operationId: string) => Promise<JobStatus>;
  /** Milliseconds between refreshes; 0 turns the self-refresh off. */
  refreshEvery?: number;
  initial?: JobStatus;
  actions?: JobActions;
  /** Extra rows under the card's facts, for other panels to mount into. */
  children?: ReactNode;
}

/** The portal's words for a scope. */
function scopeWords(scope: ProvisioningScope): string {
  return scope === 'allUsers' ? 'All users and groups in the directory' : 'Only assigned users and groups';
}

function tallyTotal(tally: EntryTally): number {
  return tally.created + tally.updated + tally.removed + tally.skipped + tally.failed;
}

function CycleTable({ counts }: { counts: CycleCounts }): ReactElement {
  const styles = useStyles();
  const rows: [string, EntryTally][] = [
    ['Users', counts.users],
    ['Groups', counts.groups],
  ];
  if (rows.every(([, tally]) => tallyTotal(tally) === 0)) {
    return <Body1 data-testid="job-last-cycle">Nothing changed: everyone in scope was already in sync.</Body1>;
  }
  return (
    <table className={styles.counts} data-testid="job-last-cycle">
      <thead>
        <tr>
          <th scope="col">Of</th>
          <th scope="col">Created</th>
          <th scope="col">Updated</th>
          <th scope="col">Disabled or deleted</th>
          <th scope="col">Skipped</th>
          <th scope="col">Failed</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([kind, tally]) => (
          <tr key={kind}>
            <th scope="row">{kind}</th>
            <td>{tally.created}</td>
            <td>{tally.updated}</td>
            <td>{tally.removed}</td>
            <td>{tally.skipped}</td>
            <td>{tally.failed}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function JobCard({ load, refreshEvery = 10_000, initial, actions, children }: JobCardProps): ReactElement {
  const styles = useStyles();
  const [status, setStatus] = useState<JobStatus | undefined>(initial);
  const [problem, setProblem] = useState<Problem | undefined>();
  const [checkedAt, setCheckedAt] = useState<Date | undefined>(initial ? new Date() : undefined);
  const [busy, setBusy] = useState<string | undefined>();
  const [waiting, setWaiting] = useState<string | undefined>();
  const [done, setDone] = useState<string | undefined>();

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
    // The first read happens at once; later ones on the timer, but not while the window is
    // hidden or minimised: each read is three Graph calls, and nobody is looking. Coming back
    // into view reads at once.
    const first = window.setTimeout(() => void refresh(), 0);
    const timer =
      refreshEvery > 0
        ? window.setInterval(() => {
            if (!document.hidden) void refresh();
          }, refreshEvery)
        : undefined;
    const onVisible = () => {
      if (!document.hidden && refreshEvery > 0) void refresh();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.clearTimeout(first);
      if (timer) window.clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [refresh, refreshEvery]);

  const act = async (what: string, action: (operationId: string) => Promise<JobStatus>, said: string) => {
    setBusy(what);
    setDone(undefined);
    const id = newOperationId('job');
    // Pause, Start, Restart and the scope have no progress channel: ask what they wait for.
    const stopWatching = watchOperationWait(id, setWaiting);
    try {
      setStatus(await action(id));
      setProblem(undefined);
      setCheckedAt(new Date());
      setDone(said);
    } catch (error) {
      setProblem(toProblem(error, what));
    } finally {
      stopWatching();
      setBusy(undefined);
    }
  };

  const paused = status && (status.code === 'Paused' || status.scheduleState === 'Paused');
  const running = status && status.scheduleState === 'Active' && !paused;
  const nextRun = status?.nextRun ? formatTime(status.nextRun) : undefined;
  return (
    <Panel title="Provisioning job" testId="job-card">
      {status && (
        <>
          <div className={styles.row}>
            <Badge appearance="filled" color={badgeColor(status)} data-testid="job-state" data-code={status.code}>
              {status.stateLabel || status.code}
            </Badge>
            <Body1 data-testid="job-summary">{status.summary}</Body1>
          </div>
          <dl className={styles.grid}>
            <dt className={styles.term}>Schedule</dt>
            <dd className={styles.value} data-testid="job-schedule">
              {status.scheduleLabel}
            </dd>
            <dt className={styles.term}>Last cycle</dt>
            <dd className={styles.value}>
              {status.lastExecution?.timeBegan && !status.lastExecution.timeBegan.startsWith('0001')
                ? `Began ${formatTime(status.lastExecution.timeBegan)}${
                    status.lastExecution.timeEnded ? `, ended ${formatTime(status.lastExecution.timeEnded)}` : ', still running'
                  }`
                : 'None yet'}
            </dd>
            <dt className={styles.term}>Next cycle</dt>
            <dd className={styles.value} data-testid="job-next-run">
              {[nextRun, status.nextRunLabel].filter(Boolean).join(' · ') || 'Not known'}
            </dd>
            <dt className={styles.term}>Scope</dt>
            <dd className={styles.value} data-testid="job-scope">
              {status.scope ? scopeWords(status.scope) : 'Not set by this app (the portal’s default: only assigned users and groups)'}
            </dd>
            {status.tenantName && (
              <>
                <dt className={styles.term}>Tenant</dt>
                <dd className={styles.value}>{status.tenantName}</dd>
              </>
            )}
          </dl>
          {status.lastCycle && (
            <div className={styles.stack}>
              <Caption1 className={styles.term}>What the last cycle did</Caption1>
              <CycleTable counts={status.lastCycle} />
            </div>
          )}
          {status.quarantine && (
            <MessageBar intent="error" layout="multiline" data-testid="job-quarantine">
              <MessageBarBody>
                <MessageBarTitle>In quarantine</MessageBarTitle>
                <div data-testid="job-quarantine-cause">{status.quarantine.cause}</div>
                <div data-testid="job-quarantine-fix">
                  <strong>Fix:</strong> {status.quarantine.fix}
                </div>
                <Caption1 className={styles.term}>
                  Entra’s reason code: {status.quarantine.reason}
                  {status.quarantine.currentBegan ? ` · since ${formatTime(status.quarantine.currentBegan)}` : ''}
                </Caption1>
              </MessageBarBody>
            </MessageBar>
          )}
          {status.quarantine && actions?.heldBack && actions.allowDeletions && (
            <HeldBackDeletions
              key={status.quarantine.currentBegan ?? status.quarantine.reason}
              load={actions.heldBack}
              disabled={Boolean(busy)}
              onAllow={() => {
                const allow = actions.allowDeletions;
                if (allow) void act('Allowing the held-back deletions', allow, 'Allowed. Entra disables or deletes them in Unity on its next cycle.');
              }}
            />
          )}
          {children}
          {actions && (
            <JobButtons
              actions={actions}
              status={status}
              running={Boolean(running)}
              paused={Boolean(paused)}
              busy={busy}
              onAct={(what, action, said) => void act(what, action, said)}
            />
          )}
          {busy && <WaitingLine waiting={waiting} testId="job-waiting" />}
        </>
      )}
      {done && (
        <Body1 role="status" data-testid="job-action-done">
          {done}
        </Body1>
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

interface JobButtonsProps {
  actions: JobActions;
  status: JobStatus;
  running: boolean;
  paused: boolean;
  busy?: string;
  onAct: (what: string, action: (operationId: string) => Promise<JobStatus>, said: string) => void;
}

function JobButtons({ actions, status, running, paused, busy, onAct }: JobButtonsProps): ReactElement {
  const styles = useStyles();
  const [scope, setScope] = useState<ProvisioningScope>(status.scope ?? 'assignedOnly');
  const scopeChanged = scope !== (status.scope ?? 'assignedOnly');
  return (
    <>
      <div className={styles.row}>
        {running && (
          <ConfirmButton
            icon={<PauseRegular />}
            testId="job-pause"
            disabled={Boolean(busy)}
            title="Pause provisioning?"
            body="Entra stops running cycles until you start it again; a cycle that is running finishes first. Nothing is changed or removed in Unity, and what Entra knows about each person is kept."
            confirm="Pause provisioning"
            onConfirm={() => onAct('Pausing provisioning', actions.pause, 'Paused. Start resumes where it stopped.')}
          >
            Pause
          </ConfirmButton>
        )}
        {(paused || !running || status.quarantine) && status.code !== 'NotConfigured' && (
          <ConfirmButton
            icon={<PlayRegular />}
            appearance="primary"
            testId="job-start"
            disabled={Boolean(busy)}
            title="Start provisioning?"
            body="Entra resumes its cycles: it provisions the people in scope into Unity and disables those who left it."
            confirm="Start provisioning"
            onConfirm={() => onAct('Starting provisioning', actions.start, 'Started. The next cycle begins within a few minutes.')}
          >
            Start
          </ConfirmButton>
        )}
        {status.code !== 'NotConfigured' && (
          <ConfirmButton
            icon={<ArrowResetRegular />}
            testId="job-restart"
            disabled={Boolean(busy)}
            title="Restart provisioning?"
            body={
              <>
                Like the portal’s Restart provisioning: Entra clears its memory of the last run (the watermark), stops
                retrying the people who failed (escrows) and lifts a quarantine, then runs a full initial cycle over
                everyone in scope. Nobody is removed from Unity by the restart itself; the full cycle can take longer.
              </>
            }
            confirm="Restart provisioning"
            onConfirm={() => onAct('Restarting provisioning', actions.restart, 'Restarted. A full cycle over everyone in scope begins shortly.')}
          >
            Restart
          </ConfirmButton>
        )}
      </div>
      <RadioGroup
        layout="horizontal"
        value={scope}
        onChange={(_event, data) => setScope(data.value as ProvisioningScope)}
        aria-label="Who Entra provisions"
        data-testid="job-scope-choice"
      >
        <Radio value="assignedOnly" label={scopeWords('assignedOnly')} />
        <Radio value="allUsers" label={scopeWords('allUsers')} />
      </RadioGroup>
      {scopeChanged && (
        <div className={styles.row}>
          <ConfirmButton
            testId="job-scope-save"
            disabled={Boolean(busy)}
            title="Change who Entra provisions?"
            body={
              scope === 'allUsers'
                ? 'Entra will provision every user and group in your directory into Unity on its next cycles, assigned or not. In a large directory that is many Unity accounts.'
                : 'Entra will provision only the users and groups assigned to the app. On its next cycle, people who are not assigned are disabled in Unity.'
            }
            confirm="Change the scope"
            onConfirm={() =>
              onAct('Changing the scope', (id) => actions.setScope(id, scope), `Scope changed: ${scopeWords(scope).toLowerCase()}.`)
            }
          >
            Save the scope
          </ConfirmButton>
        </div>
      )}
    </>
  );
}
