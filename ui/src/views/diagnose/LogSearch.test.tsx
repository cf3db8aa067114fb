// The log search: what is asked, folded repeats, on-demand runs marked, paging with Graph's
// link, and the exact search said when nothing is found.
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { LogGroup, ProvisioningLogPage } from '../../ipc';
import { LogSearch, type LoadLogPage } from './LogSearch';

vi.mock('../../ipc', async (original) => (await import('../../test/ipcMock')).mockedIpc(await original()));

function group(id: string, who: string, status: string, count = 1, onDemand = false): LogGroup {
  return {
    entry: { id, activityDateTime: '2026-11-30T10:40:00Z', sourceDisplayName: who, provisioningAction: 'other', status, steps: [], onDemand },
    count,
    firstAt: '2026-11-30T10:01:00Z',
  };
}

describe('LogSearch', () => {
  it('asks by person, time and status, folds repeats, marks on-demand runs and pages on', async () => {
    const user = userEvent.setup();
    const first: ProvisioningLogPage = {
      groups: [group('1', 'Disabled Dan', 'skipped', 37), group('2', 'Adele Vance', 'failure', 1, true)],
      entriesRead: 38,
      nextLink: 'http://127.0.0.1/v1.0/auditLogs/provisioning?$skiptoken=abc',
      searched: 'for everyone, in the last 24 hours',
    };
    const second: ProvisioningLogPage = { groups: [group('3', 'Alex Wilber', 'success')], entriesRead: 1, nextLink: null, searched: first.searched };
    const load = vi.fn<LoadLogPage>().mockResolvedValueOnce(first).mockResolvedValueOnce(second);
    render(
      <FluentProvider theme={webLightTheme}>
        <LogSearch load={load} />
      </FluentProvider>,
    );
    await user.click(screen.getByTestId('logs-search'));
    expect(load).toHaveBeenCalledWith(expect.any(String), { person: null, window: 'last24Hours', status: null }, null);
    const rows = await screen.findAllByTestId('logs-row');
    expect(rows[0]).toHaveTextContent('× 37');
    expect(within(rows[1] as HTMLElement).getByText('on demand')).toBeInTheDocument();
    await user.click(screen.getByTestId('logs-more'));
    expect(load).toHaveBeenLastCalledWith(expect.any(String), expect.anything(), first.nextLink);
    expect(await screen.findAllByTestId('logs-row')).toHaveLength(3);
    expect(screen.queryByTestId('logs-more')).not.toBeInTheDocument();
  });

  it('says exactly what was searched when nothing is found, and forgets old rows when the search changes', async () => {
    const user = userEvent.setup();
    const load = vi.fn<LoadLogPage>().mockResolvedValue({
      groups: [],
      entriesRead: 0,
      nextLink: null,
      searched: 'for “adele@contoso.com”, in the last hour, with status failure',
    });
    render(
      <FluentProvider theme={webLightTheme}>
        <LogSearch load={load} />
      </FluentProvider>,
    );
    await user.type(screen.getByTestId('logs-person'), 'adele@contoso.com');
    await user.click(screen.getByTestId('logs-search'));
    expect(await screen.findByTestId('logs-none')).toHaveTextContent(
      'Nothing found for “adele@contoso.com”, in the last hour, with status failure.',
    );
    await user.type(screen.getByTestId('logs-person'), 'x');
    expect(screen.queryByTestId('logs-none')).not.toBeInTheDocument();
  });
});
