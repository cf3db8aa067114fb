// Diagnose: the checks of a pasted URL and token live, a failure with its fix, Cancel, the
// token never echoed, the job and logs, and the exported report's paths.
import { act, screen } from '@testing-library/react';
import {
  cancelOperation,
  exportReport,
  openReportsFolder,
  runDiagnosis,
  saveReportAs,
  searchProvisioningLogs,
  type DiagnoseProgress,
  type DiagnoseReport,
} from '../../ipc';
import { seriousAxeViolations } from '../../test/axe';
import { journalFixture } from '../../test/journalFixture';
import { deferred, problem, renderView } from '../../test/renderView';
import { DiagnoseView } from './DiagnoseView';

vi.mock('../../ipc', async (original) => (await import('../../test/ipcMock')).mockedIpc(await original()));

const URL = 'https://scim.example.test/scim/v2/tenants/42';

describe('Diagnose', () => {
  it('runs the checks on a pasted URL and token, live, with the failure’s cause and fix', async () => {
    const pending = deferred<DiagnoseReport>();
    let send: (event: DiagnoseProgress) => void = () => undefined;
    vi.mocked(runDiagnosis).mockImplementation((_id, target, _write, onProgress) => {
      expect(target).toEqual({ source: 'pasted', url: URL, token: 'tok-1234567' });
      send = onProgress;
      return pending.promise;
    });
    const { user } = await renderView(<DiagnoseView />);
    await user.type(screen.getByTestId('diagnose-url'), URL);
    await user.type(screen.getByTestId('diagnose-token'), 'tok-1234567');
    await user.click(screen.getByTestId('diagnose-run'));

    act(() => send({ event: 'planned', checks: [{ id: 'tcp-connect', title: 'The server accepts a connection' }] }));
    expect(screen.getByTestId('check-tcp-connect')).toHaveAttribute('data-outcome', 'pending');
    await user.click(screen.getByTestId('diagnose-cancel'));
    expect(cancelOperation).toHaveBeenCalled();
    act(() =>
      send({
        event: 'checkFinished',
        result: {
          id: 'tcp-connect',
          title: 'The server accepts a connection',
          outcome: 'fail',
          failure: 'unreachable-host',
          cause: 'Nothing answers on scim.example.test:443.',
          fix: 'Check the URL; if it is right, ask whether a firewall blocks it.',
          evidence: [],
          facts: [],
          elapsedMs: 5,
        },
      }),
    );
    await act(async () =>
      pending.resolve({
        url: URL,
        tokenHint: '…4567',
        writeChecks: false,
        startedAt: '',
        elapsedMs: 40,
        cancelled: false,
        summary: { passed: 0, warned: 0, failed: 1, skipped: 20 },
        checks: [],
      }),
    );
    expect(screen.getByTestId('check-tcp-connect-cause')).toHaveTextContent('Nothing answers');
    expect(screen.getByTestId('check-tcp-connect-fix')).toHaveTextContent('firewall');
    expect(screen.getByTestId('diagnose-summary')).toHaveTextContent('0 passed, 0 warnings, 1 failed, 20 skipped');
    expect(document.body).not.toHaveTextContent('tok-1234567');
    expect(await seriousAxeViolations()).toEqual([]);
  });

  it('starts with the configured app once steps 1 and 2 gave it a URL and a token', async () => {
    vi.mocked(runDiagnosis).mockImplementation((_id, target) => {
      expect(target).toEqual({ source: 'configured' });
      return new Promise(() => undefined);
    });
    const { user } = await renderView(<DiagnoseView />, {
      journal: journalFixture({ unity: { scimUrl: URL, tokenLastFour: '4567' } }),
    });
    expect(await screen.findByRole('radio', { name: 'The configured app (steps 1–3)' })).toBeChecked();
    expect(screen.queryByTestId('diagnose-url')).not.toBeInTheDocument();
    expect(screen.queryByTestId('diagnose-run-hint')).not.toBeInTheDocument();
    await user.click(screen.getByTestId('diagnose-run'));
    expect(runDiagnosis).toHaveBeenCalledTimes(1);
  });

  it('says why Run is disabled while the URL or the token is missing', async () => {
    const { user } = await renderView(<DiagnoseView />);
    expect(screen.getByRole('radio', { name: 'A URL and token' })).toBeChecked();
    expect(screen.getByTestId('diagnose-run')).toBeDisabled();
    expect(screen.getByTestId('diagnose-run-hint')).toHaveTextContent('Fill in the URL and the token to run the checks.');
    await user.type(screen.getByTestId('diagnose-url'), URL);
    expect(screen.getByTestId('diagnose-run-hint')).toBeInTheDocument();
    await user.type(screen.getByTestId('diagnose-token'), 'tok-1234567');
    expect(screen.getByTestId('diagnose-run')).toBeEnabled();
    expect(screen.queryByTestId('diagnose-run-hint')).not.toBeInTheDocument();
  });

  it('reads logs for a person, explains a failure, and shows where the report was written', async () => {
    vi.mocked(searchProvisioningLogs).mockRejectedValueOnce(
      problem('signInRequired', 'You are not signed in to Microsoft.', 'Sign in to Microsoft in step 3 (Entra provisioning).', 'Calling Microsoft Graph'),
    );
    vi.mocked(exportReport).mockResolvedValue({
      htmlPath: '/data/reports/scim-diagnosis-1.html',
      jsonPath: '/data/reports/scim-diagnosis-1.json',
    });
    const { user } = await renderView(<DiagnoseView />);
    await user.type(screen.getByTestId('logs-person'), 'ada@contoso.com');
    await user.click(screen.getByTestId('logs-search'));
    expect(searchProvisioningLogs).toHaveBeenCalledWith(
      expect.any(String),
      { person: 'ada@contoso.com', window: 'last24Hours', status: null },
      null,
    );
    expect(await screen.findByTestId('logs-problem-fix')).toHaveTextContent('Sign in to Microsoft in step 3');

    await user.click(screen.getByTestId('diagnose-export'));
    const paths = await screen.findByTestId('diagnose-export-paths');
    expect(paths).toHaveTextContent('/data/reports/scim-diagnosis-1.html');
    expect(paths).toHaveTextContent('/data/reports/scim-diagnosis-1.json');
    expect(await seriousAxeViolations()).toEqual([]);
  });

  it('saves the report where the system’s Save dialog says, and opens the reports folder', async () => {
    vi.mocked(saveReportAs).mockResolvedValueOnce(null).mockResolvedValueOnce('/home/ann/ticket-4711.html');
    vi.mocked(openReportsFolder).mockRejectedValueOnce(
      problem('server', 'The file manager could not be opened: no handler.', 'Open /data/reports yourself.', 'Opening the reports folder'),
    );
    const { user } = await renderView(<DiagnoseView />);
    // Cancelled in the dialog: nothing is said.
    await user.click(screen.getByTestId('diagnose-save-as'));
    expect(saveReportAs).toHaveBeenCalledWith();
    expect(screen.queryByTestId('diagnose-saved-path')).not.toBeInTheDocument();
    await user.click(screen.getByTestId('diagnose-save-as'));
    expect(await screen.findByTestId('diagnose-saved-path')).toHaveTextContent('/home/ann/ticket-4711.html');
    // The folder is the app's own: the window passes no path.
    await user.click(screen.getByTestId('diagnose-open-folder'));
    expect(openReportsFolder).toHaveBeenCalledWith();
    expect(await screen.findByTestId('export-problem-fix')).toHaveTextContent('Open /data/reports yourself.');
    expect(screen.queryByTestId('diagnose-saved-path')).not.toBeInTheDocument();
  });

  it('explains a logged failure in Unity’s terms, with Entra’s message behind a disclosure', async () => {
    const raw = 'SCIM error: {"status":"400","detail":"Domain fabrikam.com is not validated"}';
    vi.mocked(searchProvisioningLogs).mockResolvedValueOnce({
      groups: [
        {
          count: 1,
          firstAt: '2026-11-30T07:00:00Z',
          entry: {
            id: 'log-1',
            activityDateTime: '2026-11-30T07:00:00Z',
            sourceDisplayName: 'Ann Vance',
            provisioningAction: 'create',
            status: 'failure',
            errorCode: 'SystemForCrossDomainIdentityManagementBadRequest',
            reason: raw,
            steps: [],
            onDemand: true,
            unity: {
              case: 'domainNotValidated',
              cause: 'Unity has not validated the domain fabrikam.com.',
              fix: 'Validate fabrikam.com in the Unity Dashboard.',
            },
          },
        },
      ],
      entriesRead: 1,
      nextLink: null,
      searched: 'for everyone, in the last 24 hours',
    });
    const { user } = await renderView(<DiagnoseView />);
    await user.click(screen.getByTestId('logs-search'));
    expect(await screen.findByTestId('log-unity-cause')).toHaveTextContent('Unity has not validated the domain fabrikam.com.');
    expect(screen.getByTestId('log-unity-fix')).toHaveTextContent('Fix: Validate fabrikam.com in the Unity Dashboard.');
    const disclosure = screen.getByTestId('log-entra-message');
    expect(disclosure).not.toHaveAttribute('open');
    expect(disclosure).toHaveTextContent('Entra’s message');
    expect(disclosure).toHaveTextContent('"status":"400"');
  });
});
