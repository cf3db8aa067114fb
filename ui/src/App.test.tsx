// The window's frame, as a person meets it: the navigation, moving between views with the mouse
// and the keyboard, the sandbox warning, the status bar and the state with no engine behind it.
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from './App';
import { getAppInfo, NotInAppError, type Problem } from './ipc';
import { seriousAxeViolations } from './test/axe';
import { appInfoFixture } from './test/appInfoFixture';
import { preloadViews } from './views/SectionView';

vi.mock('./ipc', async (importOriginal) => ({
  ...(await importOriginal<typeof import('./ipc')>()),
  getAppInfo: vi.fn(),
}));

const mockedGetAppInfo = vi.mocked(getAppInfo);

async function renderApp(options: { sandbox?: boolean; simulatedSignIn?: boolean; profileName?: string } = {}) {
  mockedGetAppInfo.mockResolvedValue(appInfoFixture(options));
  const user = userEvent.setup();
  render(<App />);
  await screen.findByText(/^Profile: (?!…)/);
  return user;
}

function currentView(): HTMLElement {
  const panel = document.getElementById('view-panel');
  if (!panel) throw new Error('no view panel');
  const view = panel.querySelector<HTMLElement>('[data-testid^="view-"]');
  if (!view) throw new Error('no view in the panel');
  return view;
}

describe('the frame', () => {
  // The views past Start are lazy chunks; loaded up front, a click shows its view at once, as in
  // the window once Start has painted.
  beforeAll(async () => {
    await preloadViews();
  });

  it('lists Start, the four steps in order, then Diagnose and Settings', async () => {
    await renderApp();
    const navigation = screen.getByRole('navigation', { name: 'Setup steps and tools' });
    const tabs = within(navigation).getAllByRole('tab');
    expect(tabs.map((tab) => tab.dataset.testid)).toEqual([
      'nav-start',
      'nav-unity',
      'nav-connector',
      'nav-entra',
      'nav-provision',
      'nav-diagnose',
      'nav-settings',
    ]);
    const steps = tabs.slice(1, 5);
    expect(steps[0]).toHaveAccessibleName('Step 1: Unity service account, not started');
    expect(steps[1]).toHaveAccessibleName('Step 2: SCIM connector URL, not started');
    expect(steps[2]).toHaveAccessibleName('Step 3: Entra provisioning, not started');
    expect(steps[3]).toHaveAccessibleName('Step 4: Provision on demand, not started');
    for (const [index, step] of steps.entries()) {
      expect(step).toHaveTextContent(`${index + 1}`);
      expect(step).toHaveTextContent('Not started');
    }
  });

  it('opens on Start, with the prerequisites and a Begin button that goes to step 1', async () => {
    const user = await renderApp();
    expect(currentView()).toHaveAttribute('data-testid', 'view-start');
    expect(screen.getByText('Unity: single sign-on is on')).toBeInTheDocument();
    expect(screen.getByText('Entra: an enterprise app for Unity sign-in')).toBeInTheDocument();
    expect(screen.getByText('Entra: an admin role')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Begin' }));

    expect(currentView()).toHaveAttribute('data-testid', 'view-unity');
    const heading = screen.getByRole('heading', { level: 1, name: 'Unity service account' });
    expect(heading).toHaveFocus();
    expect(screen.getByTestId('nav-unity')).toHaveAttribute('aria-selected', 'true');
  });

  it('switches views when a navigation item is clicked', async () => {
    const user = await renderApp();

    await user.click(screen.getByTestId('nav-diagnose'));
    expect(currentView()).toHaveAttribute('data-testid', 'view-diagnose');
    expect(screen.getByRole('heading', { level: 1, name: 'Diagnose a connection' })).toHaveFocus();

    await user.click(screen.getByTestId('nav-entra'));
    expect(currentView()).toHaveAttribute('data-testid', 'view-entra');
    expect(screen.getByText('Step 3 of 4')).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 2, name: 'Sign in to Microsoft' })).toBeInTheDocument();
  });

  it('moves with the arrow keys and opens the focused item with Enter or Space', async () => {
    const user = await renderApp();
    const start = screen.getByTestId('nav-start');

    await user.click(start);
    // Tabster (Fluent's keyboard navigation) moves focus asynchronously.
    await user.keyboard('{ArrowDown}');
    await waitFor(() => expect(screen.getByTestId('nav-unity')).toHaveFocus());
    // Arrowing alone does not open a step: its work must not start by accident.
    expect(currentView()).toHaveAttribute('data-testid', 'view-start');

    await user.keyboard('{ArrowDown}');
    await waitFor(() => expect(screen.getByTestId('nav-connector')).toHaveFocus());
    await user.keyboard('{Enter}');
    expect(currentView()).toHaveAttribute('data-testid', 'view-connector');
    // The opened view starts at its heading, so reading starts where the new content does.
    expect(screen.getByRole('heading', { level: 1, name: 'SCIM connector URL' })).toHaveFocus();

    await user.click(screen.getByTestId('nav-connector'));
    await user.keyboard('{End}');
    await waitFor(() => expect(screen.getByTestId('nav-settings')).toHaveFocus());
    await user.keyboard('{ArrowUp}');
    await waitFor(() => expect(screen.getByTestId('nav-diagnose')).toHaveFocus());
    await user.keyboard(' ');
    expect(currentView()).toHaveAttribute('data-testid', 'view-diagnose');
  });

  it('walks the steps with Next and Back', async () => {
    const user = await renderApp();
    await user.click(screen.getByTestId('nav-unity'));

    await user.click(screen.getByRole('button', { name: 'Next: SCIM connector URL' }));
    expect(currentView()).toHaveAttribute('data-testid', 'view-connector');
    await user.click(screen.getByRole('button', { name: 'Back: Unity service account' }));
    expect(currentView()).toHaveAttribute('data-testid', 'view-unity');
    await user.click(screen.getByRole('button', { name: 'Back: Start' }));
    expect(currentView()).toHaveAttribute('data-testid', 'view-start');
  });

  it('shows the Sandbox warning when the app runs on simulated clouds', async () => {
    await renderApp({ sandbox: true });
    expect(screen.getByTestId('sandbox-badge')).toHaveTextContent('Sandbox');
    expect(
      screen.getByText('Simulated clouds on this computer — nothing reaches Microsoft or Unity'),
    ).toBeVisible();
  });

  it("shows the Sandbox warning for a sandbox's profile file too, not only the embedded one", async () => {
    await renderApp({ sandbox: false, simulatedSignIn: true, profileName: 'sandbox' });
    expect(screen.getByTestId('sandbox-badge')).toHaveTextContent('Sandbox');
  });

  it('shows no Sandbox warning against the real clouds', async () => {
    await renderApp({ sandbox: false });
    expect(screen.queryByTestId('sandbox-badge')).not.toBeInTheDocument();
    expect(screen.queryByText(/Simulated clouds/)).not.toBeInTheDocument();
  });

  it('names the active cloud profile, the version and the data folder in the status bar', async () => {
    await renderApp({ sandbox: false, profileName: 'global' });
    expect(screen.getByTestId('status-profile')).toHaveTextContent('Profile: global');
    expect(screen.getByTestId('status-version')).toHaveTextContent('Version 0.1.0');
    expect(screen.getByTestId('status-data-dir')).toHaveTextContent('/tmp/scim-setup-test/data');
  });

  it('lists the profile’s endpoints in Settings', async () => {
    const user = await renderApp({ sandbox: true });
    await user.click(screen.getByTestId('nav-settings'));
    const facts = screen.getByTestId('settings-profile');
    expect(within(facts).getByText('http://127.0.0.1:41001/v1.0')).toBeInTheDocument();
    expect(within(facts).getByText('http://127.0.0.1:41002/scim/v2/tenants/t-1')).toBeInTheDocument();
  });

  it('says it is not running inside the app instead of showing a blank page', async () => {
    mockedGetAppInfo.mockRejectedValue(new NotInAppError());
    const user = userEvent.setup();
    render(<App />);

    const error = await screen.findByTestId('engine-unreachable');
    expect(error).toHaveTextContent('Not running inside the SCIM Setup app');
    expect(screen.getByTestId('status-profile')).toHaveTextContent('Profile: not available');
    expect(screen.queryByTestId('sandbox-badge')).not.toBeInTheDocument();
    // The frame still works, so the page can be looked at.
    await user.click(screen.getByTestId('nav-settings'));
    expect(currentView()).toHaveAttribute('data-testid', 'view-settings');
    expect(screen.getByText(/profile is not available/)).toBeInTheDocument();
  });

  it('shows the engine’s own words when the command fails', async () => {
    const problem: Problem = {
      kind: 'storage',
      action: 'Reading the app’s journal',
      cause: 'The data folder is read-only.',
      fix: 'Give your account write access to the data folder, then start the app again.',
      detail: {},
    };
    mockedGetAppInfo.mockRejectedValue(problem);
    render(<App />);
    const error = await screen.findByTestId('engine-unreachable');
    expect(error).toHaveTextContent('The app’s engine did not answer');
    expect(error).toHaveTextContent('The data folder is read-only.');
    expect(error).toHaveTextContent('Give your account write access to the data folder');
  });

  it.each(['start', 'unity', 'diagnose', 'settings'])(
    'has no serious accessibility violations on the %s view',
    async (section) => {
      const user = await renderApp({ sandbox: true });
      await user.click(screen.getByTestId(`nav-${section}`));
      await waitFor(() => expect(currentView()).toHaveAttribute('data-testid', `view-${section}`));
      // Let Fluent's selected-tab indicator finish its animation frame before axe looks.
      await act(() => new Promise((resolve) => requestAnimationFrame(resolve)));
      expect(await seriousAxeViolations()).toEqual([]);
    },
    // axe walks the whole document: seconds on a busy two-core machine.
    20_000,
  );

  it('opens on the defaults with a broken saved profile in view, and Settings one click away', async () => {
    mockedGetAppInfo.mockResolvedValue({
      ...appInfoFixture({ sandbox: false }),
      startupProblems: [
        {
          kind: 'profileMissing',
          path: '/home/admin/contoso.json',
          namedBy: '/home/admin/.local/share/scim-setup/settings.json',
          problem: {
            kind: 'badInput',
            action: 'Reading the cloud profile chosen in Settings',
            cause: 'The custom cloud profile chosen in Settings, /home/admin/contoso.json, is not there any more (moved, renamed or deleted).',
            fix: 'Put the file back or repair it, or choose another profile in Settings.',
            detail: {},
          },
          blocking: true,
          repairInSettings: true,
        },
      ],
    });
    const user = userEvent.setup();
    render(<App />);
    const notice = await screen.findByTestId('startup-problem-profileMissing');
    expect(notice).toHaveTextContent('The cloud profile chosen in Settings is missing');
    expect(notice).toHaveTextContent('/home/admin/contoso.json, is not there any more');
    expect(notice).toHaveTextContent('Until then the app uses the Global (Microsoft) cloud profile');
    await user.click(screen.getByTestId('startup-open-settings'));
    await waitFor(() => expect(currentView()).toHaveAttribute('data-testid', 'view-settings'));
  });
});
