// Preview: what Start will do, before it does it. Read-only: the engine reads the job's
// mappings, everyone in scope and Unity's accounts, and classifies each person. Counts per
// class double as the filter; the list shows a page at a time; the export is written by Rust.
import {
  Badge,
  Body1,
  Body1Strong,
  Button,
  Caption1,
  makeStyles,
  MessageBar,
  MessageBarBody,
  ProgressBar,
  ToggleButton,
  tokens,
} from '@fluentui/react-components';
import { useMemo, useState, type ReactElement } from 'react';
import {
  previewExport,
  previewProvisioning,
  toProblem,
  type PreviewAction,
  type PreviewExportFormat,
  type PreviewProgress,
  type PreviewReport,
  type PreviewUser,
  type Problem,
} from '../../ipc';
import { Panel } from './Panel';
import { ProblemBar } from './ProblemBar';
import { useOperation } from './useOperation';
import { WaitingLine } from './WaitingLine';

const useStyles = makeStyles({
  row: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', columnGap: tokens.spacingHorizontalS, rowGap: tokens.spacingVerticalS },
  list: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalS,
    // A long scope scrolls inside the panel; Save and start stays a short scroll away.
    maxHeight: '420px',
    overflowY: 'auto',
  },
  user: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalXXS,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  muted: { color: tokens.colorNeutralForeground2 },
  disclosure: { cursor: 'pointer', color: tokens.colorBrandForegroundLink },
  change: { margin: 0 },
});

/** The classes in the order an admin reads them, with the portal-style words for each. */
const ACTIONS: { action: PreviewAction; label: string; color: 'success' | 'brand' | 'informative' | 'danger' | 'warning' | 'subtle' }[] = [
  { action: 'create', label: 'Create', color: 'success' },
  { action: 'update', label: 'Update', color: 'brand' },
  { action: 'inSync', label: 'In sync', color: 'informative' },
  { action: 'conflict', label: 'Conflict', color: 'danger' },
  { action: 'skip', label: 'Skip', color: 'warning' },
  { action: 'remove', label: 'Disable or delete', color: 'danger' },
];

const STAGE_WORDS: Record<PreviewProgress['stage'], string> = {
  readingMappings: 'Reading the job’s attribute mappings',
  readingScope: 'Reading who is in scope in Entra',
  readingUnity: 'Reading Unity’s accounts',
  classifying: 'Comparing each person with Unity',
  checkingRemovals: 'Looking for Unity accounts that left scope',
};

/** Rows shown per page of the list. */
const PAGE = 100;

export interface PreviewPanelProps {
  /** False until steps 1 to 3 have set up an app and its job. */
  enabled: boolean;
  testId?: string;
}

export function PreviewPanel({ enabled, testId = 'preview' }: PreviewPanelProps): ReactElement {
  const styles = useStyles();
  const run = useOperation<PreviewReport>('Previewing what Start will do');
  const [progress, setProgress] = useState<PreviewProgress | undefined>();
  const [filter, setFilter] = useState<PreviewAction | undefined>();
  const [shown, setShown] = useState(PAGE);
  const [exported, setExported] = useState<string | undefined>();
  const [exportProblem, setExportProblem] = useState<Problem | undefined>();

  const start = async () => {
    setProgress(undefined);
    setFilter(undefined);
    setShown(PAGE);
    setExported(undefined);
    setExportProblem(undefined);
    await run.run((id) => previewProvisioning(id, setProgress));
  };

  const save = async (format: PreviewExportFormat) => {
    setExported(undefined);
    setExportProblem(undefined);
    try {
      setExported((await previewExport(format)).path);
    } catch (error) {
      setExportProblem(toProblem(error, 'Exporting the preview'));
    }
  };

  const report = run.result;
  const users = useMemo(() => (report ? report.users.filter((user) => !filter || user.action === filter) : []), [report, filter]);

  return (
    <Panel
      title="Preview what Start will do"
      intro="Reads who is in scope in Entra and every account in Unity, and shows what provisioning would do to each person. Nothing is changed anywhere."
      testId={testId}
    >
      <div className={styles.row}>
        <Button appearance="secondary" disabled={!enabled || run.running} onClick={() => void start()} data-testid={`${testId}-run`}>
          {report ? 'Preview again' : 'Preview'}
        </Button>
        {run.running && (
          <Button appearance="subtle" onClick={run.cancel} data-testid={`${testId}-cancel`}>
            Cancel
          </Button>
        )}
      </div>
      {run.running && (
        <div data-testid={`${testId}-progress`}>
          <ProgressBar value={progress?.total ? progress.done / progress.total : undefined} thickness="large" />
          <Caption1 className={styles.muted}>
            {progress ? STAGE_WORDS[progress.stage] : 'Starting'}
            {progress?.total ? ` (${progress.done.toLocaleString()} of ${progress.total.toLocaleString()})` : '…'}
          </Caption1>
          {/* The stages carry no waits: a throttling or slow service is told here. */}
          <WaitingLine waiting={run.waiting} testId={`${testId}-waiting`} />
        </div>
      )}
      {run.problem && <ProblemBar problem={run.problem} testId={`${testId}-problem`} />}
      {report && (
        <>
          <Body1 data-testid={`${testId}-scope`}>
            {report.inScope.toLocaleString()} {report.inScope === 1 ? 'person' : 'people'} in scope (
            {report.syncAll ? 'all users of the tenant' : 'assigned users and groups'}), {report.unityAccounts.toLocaleString()} Unity{' '}
            {report.unityAccounts === 1 ? 'account' : 'accounts'} read.
          </Body1>
          <div className={styles.row} role="group" aria-label="Show only">
            {ACTIONS.map(({ action, label }) => (
              <ToggleButton
                key={action}
                size="small"
                checked={filter === action}
                onClick={() => {
                  setFilter(filter === action ? undefined : action);
                  setShown(PAGE);
                }}
                data-testid={`${testId}-count-${action}`}
              >
                {label}: {report.summary[action].toLocaleString()}
              </ToggleButton>
            ))}
          </div>
          {report.notes.map((note) => (
            <MessageBar key={note} intent="info" layout="multiline">
              <MessageBarBody>{note}</MessageBarBody>
            </MessageBar>
          ))}
          <ul className={styles.list} aria-label="People and what Start would do" data-testid={`${testId}-users`}>
            {users.slice(0, shown).map((user) => (
              <PreviewRow key={`${user.action}:${user.userPrincipalName}`} user={user} />
            ))}
          </ul>
          {users.length === 0 && <Body1 className={styles.muted}>Nobody in this class.</Body1>}
          <div className={styles.row}>
            {users.length > shown && (
              <Button appearance="subtle" onClick={() => setShown(shown + PAGE)}>
                Show {Math.min(PAGE, users.length - shown)} more of {users.length.toLocaleString()}
              </Button>
            )}
            <Button appearance="secondary" onClick={() => void save('csv')} data-testid={`${testId}-export-csv`}>
              Export as CSV
            </Button>
            <Button appearance="secondary" onClick={() => void save('json')} data-testid={`${testId}-export-json`}>
              Export as JSON
            </Button>
          </div>
          {exported && (
            <Body1 data-testid={`${testId}-exported`}>
              Saved to <code>{exported}</code>
            </Body1>
          )}
          {exportProblem && <ProblemBar problem={exportProblem} />}
        </>
      )}
    </Panel>
  );
}

function PreviewRow({ user }: { user: PreviewUser }): ReactElement {
  const styles = useStyles();
  const kind = ACTIONS.find((entry) => entry.action === user.action) ?? { label: user.action, color: 'subtle' as const };
  return (
    <li className={styles.user} data-action={user.action}>
      <div className={styles.row}>
        <Badge appearance="tint" color={kind.color}>
          {kind.label}
        </Badge>
        <Body1Strong>{user.userPrincipalName}</Body1Strong>
        {user.displayName && <Body1 className={styles.muted}>{user.displayName}</Body1>}
      </div>
      <Body1>{user.reason}</Body1>
      {user.action === 'create' && user.changes.length > 0 ? (
        // A new account gets every mapped attribute: listed on request, not by default.
        <details>
          <summary className={styles.disclosure}>
            <Caption1>What Entra would write ({user.changes.length} attributes)</Caption1>
          </summary>
          <Changes user={user} />
        </details>
      ) : (
        <Changes user={user} />
      )}
    </li>
  );
}

function Changes({ user }: { user: PreviewUser }): ReactElement {
  const styles = useStyles();
  return (
    <>
      {user.changes.map((change) => (
        <Caption1 key={change.attribute} as="p" className={styles.change}>
          {change.attribute}: {change.from ?? '(none)'} → {change.to ?? '(none)'}
        </Caption1>
      ))}
    </>
  );
}
