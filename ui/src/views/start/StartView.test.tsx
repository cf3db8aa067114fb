// Start: resume where the journal stopped, and the prerequisites as checked live.
import { screen } from '@testing-library/react';
import { checkPrerequisites, signOut } from '../../ipc';
import { seriousAxeViolations } from '../../test/axe';
import { journalFixture } from '../../test/journalFixture';
import { problem, renderView } from '../../test/renderView';
import { StartView } from './StartView';

vi.mock('../../ipc', async (original) => (await import('../../test/ipcMock')).mockedIpc(await original()));

describe('Start', () => {
  it('offers to resume at the step the journal stopped at, with the live prerequisites', async () => {
    vi.mocked(checkPrerequisites).mockResolvedValue([
      { id: 'unitySso', title: 'Unity: single sign-on is on', state: 'ok', detail: 'SSO is enabled for the organization.' },
      { id: 'unityDomains', title: 'Unity: domains validated', state: 'missing', detail: 'No validated domain.' },
      { id: 'entraApp', title: 'Entra: an enterprise app for Unity', state: 'unknown', detail: 'Checked once you sign in to Microsoft in step 3.' },
    ]);
    const onNavigate = vi.fn();
    const { user } = await renderView(<StartView profileName="sandbox" onNavigate={onNavigate} />, {
      journal: journalFixture({ done: ['unityCredentials', 'connectorUrl', 'signInMicrosoft'], resumeAt: 'entra' }),
    });
    const live = await screen.findByTestId('start-prerequisites-live');
    expect(live.querySelector('[data-state="ok"]')).toHaveTextContent('SSO is enabled');
    expect(live.querySelector('[data-state="missing"]')).toHaveTextContent('No validated domain');
    await user.click(await screen.findByTestId('start-resume'));
    expect(onNavigate).toHaveBeenCalledWith('entra');
    expect(screen.getByText('Cloud profile: sandbox')).toBeInTheDocument();
    expect(await seriousAxeViolations()).toEqual([]);
  });

  it('names the admin role once: the live check, not yet run, says which roles will do', async () => {
    vi.mocked(checkPrerequisites).mockResolvedValue([
      { id: 'entraApp', title: 'Entra: an enterprise app for Unity', state: 'unknown', detail: 'Checked once you sign in to Microsoft in step 3.' },
      {
        id: 'entraAdminRole',
        title: 'Entra: an admin role that may set up provisioning',
        state: 'unknown',
        detail: 'Checked once you sign in to Microsoft in step 3.',
      },
    ]);
    await renderView(<StartView onNavigate={vi.fn()} />);
    const live = await screen.findByTestId('start-prerequisites-live');
    expect(live.querySelectorAll('li')).toHaveLength(2);
    expect(live).toHaveTextContent(
      'Checked once you sign in to Microsoft in step 3. You need Application Administrator, Cloud Application Administrator or Global Administrator.',
    );
    expect(screen.queryByText('Entra: an admin role')).not.toBeInTheDocument();
    expect(screen.getAllByText(/an admin role/)).toHaveLength(1);
  });

  it('keeps the static admin-role line while the live checks do not cover it', async () => {
    vi.mocked(checkPrerequisites).mockResolvedValue([
      { id: 'unitySso', title: 'Unity: single sign-on is on', state: 'ok', detail: 'SSO is enabled for the organization.' },
    ]);
    await renderView(<StartView onNavigate={vi.fn()} />);
    await screen.findByTestId('start-prerequisites-live');
    expect(screen.getByText('Entra: an admin role')).toBeInTheDocument();
  });

  it('says the sign-ins are kept when the network is down, and signs nobody out', async () => {
    vi.mocked(checkPrerequisites).mockRejectedValue(
      problem('unreachable', 'Could not reach login.microsoftonline.com: the connection was refused.', 'Check the network, then try again.', 'Signing in to Microsoft'),
    );
    await renderView(<StartView profileName="global" onNavigate={vi.fn()} />);
    const offline = await screen.findByTestId('start-offline');
    expect(offline).toHaveTextContent('Offline: your sign-ins are kept');
    expect(offline).toHaveTextContent('Could not reach login.microsoftonline.com');
    expect(signOut).not.toHaveBeenCalled();
  });

  it('shows any other failure of the checks with its cause and fix', async () => {
    vi.mocked(checkPrerequisites).mockRejectedValue(
      problem('forbidden', 'Your account may not read the directory.', 'Ask an administrator for the Application Administrator role.', 'Checking the prerequisites'),
    );
    await renderView(<StartView onNavigate={vi.fn()} />);
    const shown = await screen.findByTestId('start-check-problem');
    expect(shown).toHaveTextContent('Your account may not read the directory.');
    expect(shown).toHaveTextContent('Application Administrator role');
  });
});
