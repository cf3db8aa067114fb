// Preview: progress while the engine reads, counts that filter the list, export by Rust,
// cancel while running, and a failure with its cause and fix.
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { cancelOperation, operationWaiting, previewExport, previewProvisioning, type PreviewProgress, type PreviewReport } from '../../ipc';
import { deferred, problem } from '../../test/renderView';
import { PreviewPanel } from './PreviewPanel';

vi.mock('../../ipc', async (original) => (await import('../../test/ipcMock')).mockedIpc(await original()));

const REPORT: PreviewReport = {
  summary: { create: 2, update: 1, inSync: 0, conflict: 0, skip: 1, remove: 0 },
  users: [
    { userPrincipalName: 'adele@contoso.com', displayName: 'Adele Vance', action: 'create', reason: 'Not in Unity yet.', changes: [] },
    { userPrincipalName: 'alex@contoso.com', displayName: null, action: 'create', reason: 'Not in Unity yet.', changes: [] },
    {
      userPrincipalName: 'megan@contoso.com',
      displayName: 'Megan Bowen',
      action: 'update',
      reason: 'In Unity with different attributes.',
      changes: [{ attribute: 'displayName', from: 'Megan B', to: 'Megan Bowen' }],
    },
    { userPrincipalName: 'ex@fabrikam.com', displayName: null, action: 'skip', reason: 'fabrikam.com is not a validated domain in Unity.', changes: [] },
  ],
  syncAll: false,
  inScope: 4,
  unityAccounts: 1,
  notes: [],
  generatedAt: '2026-11-30T09:15:00Z',
};

function renderPanel() {
  const user = userEvent.setup();
  render(
    <FluentProvider theme={webLightTheme}>
      <PreviewPanel enabled />
    </FluentProvider>,
  );
  return user;
}

describe('PreviewPanel', () => {
  it('shows progress, then counts that filter the list, and exports through Rust', async () => {
    const pending = deferred<PreviewReport>();
    let send: (event: PreviewProgress) => void = () => undefined;
    vi.mocked(previewProvisioning).mockImplementation((_id, onProgress) => {
      send = onProgress;
      return pending.promise;
    });
    vi.mocked(previewExport).mockResolvedValue({ path: '/data/reports/scim-preview-20261130-091500.csv' });
    const user = renderPanel();
    await user.click(screen.getByTestId('preview-run'));
    act(() => send({ stage: 'readingUnity', done: 200, total: 1000 }));
    expect(screen.getByTestId('preview-progress')).toHaveTextContent('Reading Unity’s accounts (200 of 1,000)');
    await act(async () => pending.resolve(REPORT));

    expect(screen.getByTestId('preview-scope')).toHaveTextContent('4 people in scope (assigned users and groups), 1 Unity account read.');
    expect(screen.getByTestId('preview-count-create')).toHaveTextContent('Create: 2');
    const list = screen.getByTestId('preview-users');
    expect(within(list).getAllByRole('listitem')).toHaveLength(4);
    expect(list).toHaveTextContent('displayName: Megan B → Megan Bowen');

    await user.click(screen.getByTestId('preview-count-skip'));
    expect(within(list).getAllByRole('listitem')).toHaveLength(1);
    expect(list).toHaveTextContent('fabrikam.com is not a validated domain');
    await user.click(screen.getByTestId('preview-count-skip'));
    expect(within(list).getAllByRole('listitem')).toHaveLength(4);

    await user.click(screen.getByTestId('preview-export-csv'));
    expect(previewExport).toHaveBeenCalledWith('csv');
    expect(await screen.findByTestId('preview-exported')).toHaveTextContent('scim-preview-20261130-091500.csv');
  });

  it('says what its calls wait for, each wait replacing the last, nothing between waits, and nothing once it returns', async () => {
    // The stages carry no waits: the engine's sentence comes from operation_waiting, asked every second.
    const waits: (string | null)[] = [
      'Graph.microsoft.com is throttling requests (429 Too Many Requests); trying again after a 4 s wait (try 2 of 5), 110 s left',
      'The SCIM endpoint (127.0.0.1:4100) is unavailable for the moment (HTTP 503); trying again after a 1 s wait (try 3 of 5), 96 s left',
      null,
      'Waiting for the SCIM endpoint (127.0.0.1:4100) to answer GET /scim/v2/Users, try 1 of 5, 80 s left',
    ];
    let asked = 0;
    vi.mocked(operationWaiting).mockImplementation(async () => waits[Math.min(asked++, waits.length - 1)] ?? null);
    const pending = deferred<PreviewReport>();
    vi.mocked(previewProvisioning).mockReturnValue(pending.promise);
    const user = renderPanel();
    await user.click(screen.getByTestId('preview-run'));
    const line = await screen.findByTestId('preview-waiting', {}, { timeout: 3000 });
    expect(line).toHaveAttribute('role', 'status');
    expect(line).toHaveAttribute('aria-live', 'polite');
    expect(line).toHaveTextContent('throttling requests (429 Too Many Requests)');
    await waitFor(() => expect(screen.getByTestId('preview-waiting')).toHaveTextContent('(HTTP 503)'), { timeout: 3000 });
    expect(screen.getByTestId('preview-waiting')).not.toHaveTextContent('429');
    // The wait is over while the preview goes on: the line goes, the progress stays.
    await waitFor(() => expect(screen.queryByTestId('preview-waiting')).not.toBeInTheDocument(), { timeout: 3000 });
    expect(screen.getByTestId('preview-progress')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('preview-waiting')).toHaveTextContent('to answer GET /scim/v2/Users'), { timeout: 3000 });
    expect(screen.getAllByRole('status')).toHaveLength(1);
    const previewCall = vi.mocked(previewProvisioning).mock.calls[0];
    expect(vi.mocked(operationWaiting)).toHaveBeenCalledWith(previewCall?.[0]);
    await act(async () => pending.resolve(REPORT));
    expect(screen.queryByTestId('preview-waiting')).not.toBeInTheDocument();
    expect(screen.getByTestId('preview-scope')).toBeInTheDocument();
    const askedWhenDone = vi.mocked(operationWaiting).mock.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(vi.mocked(operationWaiting).mock.calls.length, 'no more asking once it returned').toBe(askedWhenDone);
    vi.mocked(operationWaiting).mockResolvedValue(null);
  }, 20_000);

  it('can be cancelled while it reads, and shows a failure with its cause and fix', async () => {
    const pending = deferred<PreviewReport>();
    vi.mocked(previewProvisioning).mockReturnValue(pending.promise);
    const user = renderPanel();
    await user.click(screen.getByTestId('preview-run'));
    await user.click(screen.getByTestId('preview-cancel'));
    expect(cancelOperation).toHaveBeenCalled();
    await act(async () =>
      pending.reject(problem('cancelled', 'The preview was cancelled.', 'Run it again when you are ready.', 'Previewing what Start will do')),
    );
    expect(await screen.findByTestId('preview-problem')).toHaveTextContent('The preview was cancelled.');
    expect(screen.queryByTestId('preview-users')).not.toBeInTheDocument();
  });
});
