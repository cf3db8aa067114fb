// Start: resume where the journal stopped, and the prerequisites as checked live.
import { screen } from '@testing-library/react';
import { checkPrerequisites } from '../../ipc';
import { seriousAxeViolations } from '../../test/axe';
import { journalFixture } from '../../test/journalFixture';
import { renderView } from '../../test/renderView';
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
});
