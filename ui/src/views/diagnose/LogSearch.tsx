// Finding things in the provisioning logs, as the portal's Provisioning logs blade does and
// better: by person (object id, UPN or name), by time (last hour, 24 hours, 7 days) and by
// status, a page at a time with Graph's own paging, identical repeats folded into one row
// ("skipped × 37, last at …"), on-demand runs marked, and when nothing is found, exactly what
// was searched.
import {
  Badge,
  Body1,
  Button,
  Caption1,
  Dropdown,
  Field,
  Input,
  makeStyles,
  Option,
  tokens,
} from '@fluentui/react-components';
import { useState, type ReactElement } from 'react';
import type { LogGroup, LogWindow, ProvisioningLogPage, ProvisioningLogQuery } from '../../ipc';
import { ProblemBar } from '../common/ProblemBar';
import { useOperation } from '../common/useOperation';
import { LogReason } from './LogReason';

const useStyles = makeStyles({
  form: { display: 'flex', alignItems: 'flex-end', flexWrap: 'wrap', columnGap: tokens.spacingHorizontalM, rowGap: tokens.spacingVerticalS },
  grow: { flexGrow: 1, minWidth: '240px' },
  table: {
    borderCollapse: 'collapse',
    width: '100%',
    fontSize: tokens.fontSizeBase200,
    '& th, & td': { textAlign: 'start', padding: `${tokens.spacingVerticalXXS} ${tokens.spacingHorizontalS}`, verticalAlign: 'top', borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}` },
  },
  muted: { color: tokens.colorNeutralForeground3 },
  // A small badge has a fixed height: wrapped in a narrow column, its second line spilled out.
  badge: { whiteSpace: 'nowrap' },
});

/** Loads one page: the query, and the next-page link of the page before (none for the first). */
export type LoadLogPage = (operationId: string, query: ProvisioningLogQuery, nextLink: string | null) => Promise<ProvisioningLogPage>;

const WINDOWS: { value: LogWindow | 'all'; label: string }[] = [
  { value: 'lastHour', label: 'Last hour' },
  { value: 'last24Hours', label: 'Last 24 hours' },
  { value: 'last7Days', label: 'Last 7 days' },
  { value: 'all', label: 'Everything Entra keeps' },
];

const STATUSES: { value: string; label: string }[] = [
  { value: 'all', label: 'Any status' },
  { value: 'failure', label: 'Failure' },
  { value: 'skipped', label: 'Skipped' },
  { value: 'success', label: 'Success' },
  { value: 'warning', label: 'Warning' },
];

/** "skipped × 37, from 10:01 to 10:40" for a folded run, the time alone for one entry. */
export function whenText(group: LogGroup): string {
  const last = new Date(group.entry.activityDateTime).toLocaleString();
  if (group.count === 1) return last;
  return `× ${group.count}, from ${new Date(group.firstAt).toLocaleString()} to ${last}`;
}

export function LogSearch({ load }: { load: LoadLogPage }): ReactElement {
  const styles = useStyles();
  const [person, setPerson] = useState('');
  const [since, setSince] = useState<LogWindow | 'all'>('last24Hours');
  const [status, setStatus] = useState('all');
  const [groups, setGroups] = useState<LogGroup[]>([]);
  const [searched, setSearched] = useState<ProvisioningLogQuery | undefined>();
  const page = useOperation<ProvisioningLogPage>('Reading the provisioning logs');
  const last = page.result;

  const query = (): ProvisioningLogQuery => ({
    person: person.trim() || null,
    window: since === 'all' ? null : since,
    status: status === 'all' ? null : status,
  });

  const search = async (more: boolean) => {
    const asked = more && searched ? searched : query();
    if (!more) setGroups([]);
    const found = await page.run((id) => load(id, asked, more ? (last?.nextLink ?? null) : null));
    if (!found) return;
    setSearched(asked);
    setGroups((current) => (more ? [...current, ...found.groups] : found.groups));
  };

  // A changed search makes the rows about something else: they go.
  const change = (apply: () => void) => {
    apply();
    if (!page.running) {
      setGroups([]);
      setSearched(undefined);
      page.reset();
    }
  };

  return (
    <>
      <form
        className={styles.form}
        onSubmit={(event) => {
          event.preventDefault();
          void search(false);
        }}
      >
        <Field label="Person or group (object id, user principal name, or part of the name)" className={styles.grow}>
          <Input value={person} onChange={(_e, data) => change(() => setPerson(data.value))} data-testid="logs-person" />
        </Field>
        <Field label="When">
          <Dropdown
            value={WINDOWS.find((w) => w.value === since)?.label}
            selectedOptions={[since]}
            onOptionSelect={(_e, data) => change(() => setSince(data.optionValue as LogWindow | 'all'))}
            data-testid="logs-window"
          >
            {WINDOWS.map((w) => (
              <Option key={w.value} value={w.value}>
                {w.label}
              </Option>
            ))}
          </Dropdown>
        </Field>
        <Field label="Status">
          <Dropdown
            value={STATUSES.find((s) => s.value === status)?.label}
            selectedOptions={[status]}
            onOptionSelect={(_e, data) => change(() => setStatus(data.optionValue ?? 'all'))}
            data-testid="logs-status"
          >
            {STATUSES.map((s) => (
              <Option key={s.value} value={s.value}>
                {s.label}
              </Option>
            ))}
          </Dropdown>
        </Field>
        <Button type="submit" appearance="primary" disabled={page.running} data-testid="logs-search">
          Search the logs
        </Button>
      </form>
      {page.problem && <ProblemBar problem={page.problem} testId="logs-problem" />}
      {last && groups.length === 0 && (
        <Body1 data-testid="logs-none">Nothing found {last.searched}.</Body1>
      )}
      {groups.length > 0 && last && (
        <>
          <Caption1 className={styles.muted} data-testid="logs-caption">
            Newest first, {last.searched}; identical entries in a row are folded into one.
          </Caption1>
          <table className={styles.table} data-testid="logs-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Status</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {groups.map((group) => (
                <tr key={group.entry.id} data-testid="logs-row" data-count={group.count} data-at={group.entry.activityDateTime} data-first-at={group.firstAt}>
                  <td>{whenText(group)}</td>
                  <td>
                    <span data-testid="logs-who">{group.entry.sourceDisplayName ?? group.entry.sourceId ?? ''}</span>
                    {group.entry.onDemand && (
                      <>
                        {' '}
                        <Badge appearance="tint" size="small" className={styles.badge} data-testid="logs-on-demand">
                          on demand
                        </Badge>
                      </>
                    )}
                  </td>
                  <td>{group.entry.provisioningAction ?? ''}</td>
                  <td>{group.entry.status ?? ''}</td>
                  <td>
                    <LogReason entry={group.entry} />
                    {group.entry.changeId && <Caption1 className={styles.muted}> · change ID {group.entry.changeId}</Caption1>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {last?.nextLink && groups.length > 0 && (
        <div>
          <Button disabled={page.running} onClick={() => void search(true)} data-testid="logs-more">
            Show older entries
          </Button>
        </div>
      )}
    </>
  );
}
