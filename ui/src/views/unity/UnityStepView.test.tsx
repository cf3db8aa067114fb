// Step 1 as an admin meets it: the guided road's paste box and its immediate check (success
// and a refused token), and the API road's live progress with Cancel.
import { act, screen, waitFor } from '@testing-library/react';
import {
  cancelOperation,
  unityAcceptPasted,
  unityEnsureCredentials,
  unityAccount,
  unitySignIn,
  type WizardProgress,
} from '../../ipc';
import { seriousAxeViolations } from '../../test/axe';
import { appInfoFixture } from '../../test/appInfoFixture';
import { journalFixture } from '../../test/journalFixture';
import { deferred, problem, renderView } from '../../test/renderView';
import { UnityStepView } from './UnityStepView';

vi.mock('../../ipc', async (original) => (await import('../../test/ipcMock')).mockedIpc(await original()));

const noop = () => undefined;

describe('step 1, the guided road', () => {
  it('checks the pasted token at once, then states only facts about it', async () => {
    vi.mocked(unityAcceptPasted).mockResolvedValue({
      url: 'https://scim.example.test/scim/v2/tenants/42',
      source: 'pasted',
      tokenLastFour: '7Q2a',
      check: { url: 'https://scim.example.test/scim/v2/tenants/42', status: 200, elapsedMs: 84, checkedAt: '2026-11-28T22:00:00Z' },
    });
    const { user } = await renderView(<UnityStepView onNavigate={noop} />, { appInfo: appInfoFixture({ unityClientId: null }) });

    await user.type(screen.getByTestId('guided-connector'), '42');
    await user.type(screen.getByTestId('guided-token'), 'secret-token-7Q2a');
    await user.click(screen.getByTestId('guided-submit'));

    expect(unityAcceptPasted).toHaveBeenCalledWith(expect.any(String), '42', 'secret-token-7Q2a', expect.any(Function));
    const result = await screen.findByTestId('guided-result');
    // Where the token is kept, in the same words as the rest of the window.
    expect(result).toHaveTextContent('Token kept in memory (this run only), ends in …7Q2a.');
    expect(result).not.toHaveTextContent('secret-token');
    expect(screen.getByTestId('guided-token')).toHaveValue('');
    expect(await seriousAxeViolations()).toEqual([]);
  });

  it('explains a refused token with its cause, fix and a copy-details button', async () => {
    vi.mocked(unityAcceptPasted).mockRejectedValue(
      problem(
        'credentialsRejected',
        'The SCIM endpoint does not know this token (401): it is mistyped, revoked or expired.',
        'Create a new bearer token and paste it again.',
        'Checking the SCIM endpoint with the token',
      ),
    );
    const { user } = await renderView(<UnityStepView onNavigate={noop} />, { appInfo: appInfoFixture({ unityClientId: null }) });
    await user.type(screen.getByTestId('guided-connector'), '42');
    await user.type(screen.getByTestId('guided-token'), 'wrong');
    await user.click(screen.getByTestId('guided-submit'));

    const bar = await screen.findByTestId('guided-problem');
    expect(bar).toHaveTextContent('Checking the SCIM endpoint with the token');
    expect(screen.getByTestId('guided-problem-cause')).toHaveTextContent('mistyped, revoked or expired');
    expect(screen.getByTestId('guided-problem-fix')).toHaveTextContent('Create a new bearer token');
    expect(bar).toHaveTextContent('HTTP 401');
    expect(screen.getByRole('button', { name: 'Copy details' })).toBeInTheDocument();
    expect(await seriousAxeViolations()).toEqual([]);
  });
});

describe('step 1, the API road', () => {
  it('shows each call live while it runs, can cancel, and ends with the token fact', async () => {
    vi.mocked(unitySignIn).mockResolvedValue({
      resumed: false,
      account: 'admin@contoso.com',
      organizations: [{ id: 'org-1', name: 'Contoso Games' }],
    });
    const pending = deferred<Awaited<ReturnType<typeof unityEnsureCredentials>>>();
    let report: (event: WizardProgress) => void = noop;
    vi.mocked(unityEnsureCredentials).mockImplementation((_id, _org, onProgress) => {
      report = onProgress;
      return pending.promise;
    });
    const { user } = await renderView(<UnityStepView onNavigate={noop} />, { journal: journalFixture() });

    expect(screen.getByTestId('simulated-sign-in')).toHaveTextContent('simulated');
    await user.click(screen.getByTestId('unity-sign-in'));
    expect(await screen.findByTestId('unity-signed-in')).toHaveTextContent('admin@contoso.com');
    expect(screen.getByText('Organization: Contoso Games')).toBeInTheDocument();

    await user.click(screen.getByTestId('unity-ensure'));
    act(() => report({ type: 'note', step: 'unityCredentials', message: 'Service account “Entra ID provisioning (scim-setup)” created' }));
    expect(await screen.findByText('Service account “Entra ID provisioning (scim-setup)” created')).toBeInTheDocument();
    expect(screen.getByText('Working…')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(cancelOperation).toHaveBeenCalled();

    await act(async () =>
      pending.resolve({
        orgId: 'org-1',
        orgName: 'Contoso Games',
        serviceAccountId: 'sa-1',
        serviceAccountName: 'Entra ID provisioning (scim-setup)',
        serviceAccountCreated: true,
        roleAdded: true,
        tokenId: 't-1',
        tokenLastFour: 'Zx9q',
        tokenCreated: true,
        tokenStoredIn: 'the OS keychain',
        reconciled: [],
      }),
    );
    await waitFor(() => expect(screen.getByTestId('unity-result')).toHaveTextContent('Token kept in memory (this run only), ends in …Zx9q'));
    expect(await seriousAxeViolations()).toEqual([]);
  });

  it('shows the saved Unity sign-in on a later visit, without the browser, and lets the step go on', async () => {
    vi.mocked(unityAccount).mockResolvedValue({
      resumed: true,
      account: 'admin@contoso.com',
      organizations: [{ id: 'org-1', name: 'Contoso Games' }],
    });
    await renderView(<UnityStepView onNavigate={noop} />, { journal: journalFixture() });

    expect(await screen.findByTestId('unity-signed-in')).toHaveTextContent('Signed in as admin@contoso.com (saved session).');
    expect(screen.getByText('Organization: Contoso Games')).toBeInTheDocument();
    expect(screen.getByTestId('unity-sign-in')).toHaveTextContent('Sign in again');
    expect(screen.getByTestId('unity-ensure')).toBeEnabled();
    expect(unitySignIn).not.toHaveBeenCalled();
  });

  it('asks for the sign-in when nothing is saved', async () => {
    vi.mocked(unityAccount).mockResolvedValue(null);
    await renderView(<UnityStepView onNavigate={noop} />, { journal: journalFixture() });
    await waitFor(() => expect(unityAccount).toHaveBeenCalled());
    expect(screen.queryByTestId('unity-signed-in')).not.toBeInTheDocument();
    expect(screen.getByTestId('unity-sign-in')).toHaveTextContent('Sign in to Unity');
    expect(screen.getByTestId('unity-ensure')).toBeDisabled();
  });
});
