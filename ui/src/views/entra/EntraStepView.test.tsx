// Step 3: the device code shown large with a copy button, an app that does not exist offered
// for creation, Test Connection with Entra's verdict, and the job card with its quarantine.
import { act, screen, waitFor } from '@testing-library/react';
import {
  entraDeletionProtection,
  entraJobStatus,
  entraSaveAndStart,
  entraSignIn,
  entraTestConnection,
  entraSearchApps,
  entraUseApp,
  entraAccount,
  pauseProvisioning,
  runDiagnosis,
  type WizardProgress,
} from '../../ipc';
import { seriousAxeViolations } from '../../test/axe';
import { jobFixture } from '../../test/jobFixture';
import { journalFixture } from '../../test/journalFixture';
import { deferred, problem, renderView } from '../../test/renderView';
import { EntraStepView } from './EntraStepView';

vi.mock('../../ipc', async (original) => (await import('../../test/ipcMock')).mockedIpc(await original()));

const noop = () => undefined;
const ACCOUNT = { tenantId: 'tenant-1', account: 'admin@contoso.com', resumed: false };

const job = jobFixture;
/** Our replay of Entra's calls (step 2's test), all passed. */
const REPLAY_PASSED = {
  url: 'u',
  tokenHint: '…7Q2a',
  writeChecks: false,
  startedAt: '',
  elapsedMs: 90,
  cancelled: false,
  summary: { passed: 12, warned: 0, failed: 0, skipped: 0 },
  checks: [],
};

describe('step 3', () => {
  it('shows a device code large, with a copy button, until the sign-in ends', async () => {
    const pending = deferred<typeof ACCOUNT>();
    let send: (event: WizardProgress) => void = noop;
    vi.mocked(entraSignIn).mockImplementation((_id, method, tenant, onProgress) => {
      expect(method).toBe('deviceCode');
      expect(tenant).toBe('contoso.com');
      send = onProgress;
      return pending.promise;
    });
    const { user } = await renderView(<EntraStepView onNavigate={noop} />);
    // A partner admin signs in to the customer's tenant by its verified domain.
    const tenantField = screen.getByTestId('entra-tenant');
    await waitFor(() => expect(tenantField).toHaveValue('organizations'));
    await user.clear(tenantField);
    await user.type(tenantField, 'contoso.com');
    await user.click(screen.getByTestId('entra-sign-in-device'));
    act(() =>
      send({
        type: 'deviceCode',
        prompt: { userCode: 'GH7-K2P', verificationUri: 'https://login.example.test/device', expiresInSecs: 900, message: '' },
      }),
    );
    expect(await screen.findByTestId('device-code')).toHaveTextContent('GH7-K2P');
    expect(screen.getByTestId('device-code-copy')).toHaveTextContent('Copy code');
    expect(screen.getByText('https://login.example.test/device')).toBeInTheDocument();
    expect(await seriousAxeViolations()).toEqual([]);

    await act(async () => pending.resolve(ACCOUNT));
    expect(await screen.findByTestId('entra-account')).toHaveTextContent('admin@contoso.com');
    expect(screen.getByTestId('entra-account')).toHaveTextContent('tenant-1');
    expect(screen.queryByTestId('device-code')).not.toBeInTheDocument();
  });

  it('offers to create the app when none has the name, and reports the job', async () => {
    vi.mocked(entraAccount).mockResolvedValue(ACCOUNT);
    vi.mocked(entraUseApp)
      .mockRejectedValueOnce(
        problem('notFound', 'No enterprise app named “Unity” exists in this tenant.', 'Check the name, or let the app create one.', 'Looking for the enterprise app “Unity”'),
      )
      .mockResolvedValueOnce({
        app: { servicePrincipalId: 'sp-1', appId: 'app-1', displayName: 'Unity', created: true, fromTemplate: true },
        job: { jobId: 'scim.abc', templateId: 'scim', created: true, status: job({ code: 'NotConfigured' }) },
      });
    const { user } = await renderView(<EntraStepView onNavigate={noop} />);
    await screen.findByTestId('entra-account');
    await user.click(screen.getByTestId('entra-use-app'));
    expect(await screen.findByText('No enterprise app named “Unity” exists in this tenant.')).toBeInTheDocument();
    await user.click(screen.getByTestId('entra-create-app'));
    // Creating an app in the tenant is confirmed first.
    expect(await screen.findByTestId('entra-create-app-dialog')).toHaveTextContent('non-gallery enterprise app named “Unity”');
    expect(entraUseApp).toHaveBeenCalledTimes(1);
    await user.click(screen.getByTestId('entra-create-app-confirm'));
    expect(entraUseApp).toHaveBeenLastCalledWith(expect.any(String), 'Unity', true, expect.any(Function));
    expect(await screen.findByTestId('entra-app-result')).toHaveTextContent('“Unity” created');
    expect(screen.getByTestId('entra-app-result')).toHaveTextContent('provisioning job was created');
  });

  it('keeps a failed app choice bound to its name and clears it when the search changes', async () => {
    vi.mocked(entraAccount).mockResolvedValue(ACCOUNT);
    vi.mocked(entraUseApp).mockRejectedValueOnce(
      problem('notFound', 'No enterprise app named “Zebra Payroll” exists in this tenant.', 'Check the name.', 'Looking for the enterprise app “Zebra Payroll”'),
    );
    const { user } = await renderView(<EntraStepView onNavigate={noop} />);
    await screen.findByTestId('entra-account');
    const search = screen.getByTestId('entra-app-search');
    await user.clear(search);
    await user.type(search, 'Zebra Payroll');
    await user.click(screen.getByTestId('entra-use-app'));
    expect(await screen.findByTestId('entra-create-app')).toHaveTextContent('Create “Zebra Payroll”');
    await user.clear(search);
    await user.type(search, 'uni');
    // The error was about Zebra Payroll: it goes with its button, and nothing offers to create “uni”.
    expect(screen.queryByTestId('entra-app-problem')).not.toBeInTheDocument();
    expect(screen.queryByTestId('entra-create-app')).not.toBeInTheDocument();
  });

  it('offers Create directly, confirmed, when no app matches the search', async () => {
    vi.mocked(entraAccount).mockResolvedValue(ACCOUNT);
    vi.mocked(entraSearchApps).mockResolvedValue([]);
    vi.mocked(entraUseApp).mockResolvedValueOnce({
      app: { servicePrincipalId: 'sp-1', appId: 'app-1', displayName: 'Unity SSO', created: true, fromTemplate: true },
      job: { jobId: 'scim.abc', templateId: 'scim', created: true, status: job({ code: 'NotConfigured' }) },
    });
    const { user } = await renderView(<EntraStepView onNavigate={noop} />);
    await screen.findByTestId('entra-account');
    const search = screen.getByTestId('entra-app-search');
    await user.clear(search);
    await user.type(search, 'Unity SSO');
    expect(await screen.findByTestId('entra-app-none', {}, { timeout: 5000 })).toHaveTextContent('No enterprise app matches “Unity SSO”');
    await user.click(screen.getByTestId('entra-create-app-direct'));
    await user.click(await screen.findByTestId('entra-create-app-direct-confirm'));
    expect(entraUseApp).toHaveBeenLastCalledWith(expect.any(String), 'Unity SSO', true, expect.any(Function));
    expect(await screen.findByTestId('entra-app-result')).toHaveTextContent('“Unity SSO” created');
  });

  it('offers Create once for a name nothing matches, even after Use failed on it, and rebinds it to a new search', async () => {
    vi.mocked(entraAccount).mockResolvedValue(ACCOUNT);
    vi.mocked(entraSearchApps).mockResolvedValue([]);
    vi.mocked(entraUseApp)
      .mockRejectedValueOnce(
        problem('notFound', 'No enterprise app named “Zebra Payroll” exists in this tenant.', 'Check the name, or let the app create one.', 'Looking for the enterprise app “Zebra Payroll”'),
      )
      .mockResolvedValueOnce({
        app: { servicePrincipalId: 'sp-2', appId: 'app-2', displayName: 'Zebra HR', created: true, fromTemplate: true },
        job: { jobId: 'scim.def', templateId: 'scim', created: true, status: job({ code: 'NotConfigured' }) },
      });
    const { user } = await renderView(<EntraStepView onNavigate={noop} />);
    await screen.findByTestId('entra-account');
    const search = screen.getByTestId('entra-app-search');
    await user.clear(search);
    await user.type(search, 'Zebra Payroll');
    await screen.findByTestId('entra-app-none', {}, { timeout: 5000 });
    await user.click(screen.getByTestId('entra-use-app'));
    await screen.findByTestId('entra-app-problem');
    // The picker's "none match" and the error are about the same name: one button between them.
    const offers = () => screen.queryAllByRole('button', { name: /^Create “/ });
    expect(offers()).toHaveLength(1);
    expect(offers()[0]).toHaveTextContent('Create “Zebra Payroll”');
    expect(screen.queryByTestId('entra-create-app-direct')).not.toBeInTheDocument();

    // Another name: the error goes, and the one offer is now about the new name, confirmed first.
    await user.clear(search);
    await user.type(search, 'Zebra HR');
    expect(screen.queryByTestId('entra-app-problem')).not.toBeInTheDocument();
    expect(await screen.findByTestId('entra-app-none', {}, { timeout: 5000 })).toHaveTextContent('No enterprise app matches “Zebra HR”');
    expect(offers()).toHaveLength(1);
    expect(offers()[0]).toHaveTextContent('Create “Zebra HR”');
    await user.click(screen.getByTestId('entra-create-app-direct'));
    expect(entraUseApp).toHaveBeenCalledTimes(1);
    await user.click(await screen.findByTestId('entra-create-app-direct-confirm'));
    expect(entraUseApp).toHaveBeenLastCalledWith(expect.any(String), 'Zebra HR', true, expect.any(Function));
    expect(await screen.findByTestId('entra-app-result')).toHaveTextContent('“Zebra HR” created');
  });

  it('shows our replay and then Entra’s own verdict, and the job card with a quarantine and its fix', async () => {
    vi.mocked(entraAccount).mockResolvedValue(ACCOUNT);
    vi.mocked(runDiagnosis).mockResolvedValue(REPLAY_PASSED);
    vi.mocked(entraTestConnection).mockRejectedValue(
      problem('credentialsRejected', 'Entra could not reach the endpoint with the token.', 'Save a new token and test again.', 'Entra’s Test Connection'),
    );
    vi.mocked(entraJobStatus).mockResolvedValue(
      job({
        code: 'Quarantine',
        stateLabel: 'In quarantine',
        summary: 'In quarantine: the token was refused.',
        quarantine: { reason: 'EncounteredQuarantineException', cause: 'The SCIM endpoint refused the token.', fix: 'Create a new bearer token and save it.' },
      }),
    );
    const { user } = await renderView(<EntraStepView onNavigate={noop} />, {
      journal: journalFixture({ done: ['unityCredentials', 'connectorUrl', 'provisioningJob'], entra: { jobId: 'scim.abc', appName: 'Unity' } }),
    });
    await screen.findByTestId('entra-account');
    await user.click(screen.getByTestId('entra-test'));
    expect(await screen.findByTestId('entra-replay-summary')).toHaveTextContent('12 passed');
    expect(await screen.findByTestId('entra-verdict-problem')).toHaveTextContent('Entra could not reach the endpoint');

    await waitFor(() => expect(screen.getByTestId('job-state')).toHaveTextContent('In quarantine'));
    expect(screen.getByTestId('job-quarantine')).toHaveTextContent('Create a new bearer token and save it.');
    expect(screen.getByTestId('job-schedule')).toHaveTextContent('Every 40 minutes');
    expect(await seriousAxeViolations()).toEqual([]);
  });

  it('shows Graph’s throttling as a wait with its reason while Entra’s verdict is pending', async () => {
    vi.mocked(entraAccount).mockResolvedValue(ACCOUNT);
    vi.mocked(runDiagnosis).mockResolvedValue(REPLAY_PASSED);
    const pending = deferred<{ url: string; tokenLastFour: string; checkedAt: string }>();
    let send: (event: WizardProgress) => void = noop;
    vi.mocked(entraTestConnection).mockImplementation((_id, onProgress) => {
      send = onProgress;
      return pending.promise;
    });
    const { user } = await renderView(<EntraStepView onNavigate={noop} />, {
      journal: journalFixture({ done: ['unityCredentials', 'connectorUrl', 'provisioningJob'], entra: { jobId: 'scim.abc', appName: 'Unity' } }),
    });
    await screen.findByTestId('entra-account');
    await user.click(screen.getByTestId('entra-test'));
    await waitFor(() => expect(entraTestConnection).toHaveBeenCalled());
    const reason = 'graph.microsoft.com is throttling requests (429 Too Many Requests); trying again after the wait (try 2 of 5)';
    act(() => send({ type: 'waiting', step: 'testConnection', reason, seconds: 4, leftSeconds: null }));
    expect(await screen.findByText(`${reason} (4 s)`)).toBeInTheDocument();
    await act(async () => pending.resolve({ url: 'https://scim.example/v2', tokenLastFour: '7Q2a', checkedAt: '' }));
    expect(await screen.findByTestId('entra-verdict')).toHaveTextContent('Entra reached https://scim.example/v2');
    expect(screen.queryByText(`${reason} (4 s)`)).not.toBeInTheDocument();
  });

  it('pauses the job from its card, confirmed, through the engine', async () => {
    vi.mocked(entraAccount).mockResolvedValue(ACCOUNT);
    vi.mocked(entraJobStatus).mockResolvedValue(job({ tenantName: 'Contoso' }));
    vi.mocked(pauseProvisioning).mockResolvedValue(
      job({ code: 'Paused', scheduleState: 'Paused', stateLabel: 'Paused', nextRun: null, nextRunLabel: 'Not while paused', tenantName: 'Contoso' }),
    );
    const { user } = await renderView(<EntraStepView onNavigate={noop} />, {
      journal: journalFixture({ done: ['startProvisioning'], entra: { jobId: 'scim.abc', appName: 'Unity' } }),
    });
    await user.click(await screen.findByTestId('job-pause'));
    expect(pauseProvisioning).not.toHaveBeenCalled();
    await user.click(await screen.findByTestId('job-pause-confirm'));
    await waitFor(() => expect(screen.getByTestId('job-state')).toHaveTextContent('Paused'));
    expect(pauseProvisioning).toHaveBeenCalledTimes(1);
    expect(screen.getByText('Contoso')).toBeInTheDocument();
  });

  it('shows the suggested deletion safeguards before Start and saves what the admin chose', async () => {
    vi.mocked(entraAccount).mockResolvedValue(ACCOUNT);
    vi.mocked(entraJobStatus).mockResolvedValue(job());
    vi.mocked(entraDeletionProtection).mockResolvedValue({ deleteThreshold: 12, notify: 'admin@contoso.com', skipOutOfScopeDeletions: false });
    vi.mocked(entraSaveAndStart).mockResolvedValue({ status: job(), started: true });
    const { user } = await renderView(<EntraStepView onNavigate={noop} />, {
      journal: journalFixture({ done: ['provisioningJob'], entra: { jobId: 'scim.abc', appName: 'Unity' } }),
    });
    const threshold = await screen.findByTestId('deletion-threshold');
    expect(threshold).toHaveValue('12');
    expect(screen.getByTestId('deletion-notify')).toHaveValue('admin@contoso.com');
    expect(screen.getByTestId('deletion-skip-out-of-scope')).not.toBeChecked();

    await user.clear(threshold);
    await user.type(threshold, 'ten');
    expect(screen.getByText('A whole number of users, 0 or more.')).toBeInTheDocument();
    expect(screen.getByTestId('entra-save-start')).toBeDisabled();
    await user.clear(threshold);
    await user.type(threshold, '25');
    await user.type(screen.getByTestId('deletion-notify'), '; ops@contoso.com');
    await user.click(screen.getByTestId('deletion-skip-out-of-scope'));
    await user.click(screen.getByTestId('entra-save-start'));
    await waitFor(() =>
      expect(entraSaveAndStart).toHaveBeenCalledWith(
        expect.any(String),
        { deleteThreshold: 25, notify: 'admin@contoso.com; ops@contoso.com', skipOutOfScopeDeletions: true },
        expect.any(Function),
      ),
    );
    expect(await screen.findByTestId('entra-started')).toHaveTextContent(
      'at most 25 deletions a cycle, notices to admin@contoso.com; ops@contoso.com, out-of-scope deletions skipped',
    );
  });
});
