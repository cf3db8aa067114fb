// Settings: choosing another profile is saved for the next launch; a bad choice is explained;
// signing out says what was removed from the keychain.
import { screen } from '@testing-library/react';
import { chooseProfileFile, openLogFolder, settingsGet, settingsSave, signOut, signOutPlan, type SettingsView as Settings } from '../../ipc';
import { seriousAxeViolations } from '../../test/axe';
import { appInfoFixture } from '../../test/appInfoFixture';
import { problem, renderView } from '../../test/renderView';
import { SettingsView, signOutConsequences } from './SettingsView';

vi.mock('../../ipc', async (original) => (await import('../../test/ipcMock')).mockedIpc(await original()));

const VIEW: Settings = { saved: {}, activeProfile: 'global', overriddenByCommandLine: false, settingsPath: '/data/settings.json' };

describe('Settings', () => {
  it('saves a profile choice for the next launch and signs out', async () => {
    vi.mocked(settingsGet).mockResolvedValue(VIEW);
    vi.mocked(settingsSave).mockResolvedValue({ ...VIEW, saved: { profile: 'usgov' } });
    vi.mocked(signOut).mockResolvedValue({ removed: ['Microsoft sign-in', 'SCIM bearer token …7Q2a'], forgottenSteps: ['signInMicrosoft'], store: 'the OS keychain' });
    const { user } = await renderView(<SettingsView appInfo={appInfoFixture({ sandbox: false })} />);
    await user.click(await screen.findByRole('radio', { name: 'US Government' }));
    await user.click(screen.getByTestId('settings-save'));
    expect(settingsSave).toHaveBeenCalledWith(expect.objectContaining({ profile: 'usgov' }));
    expect(await screen.findByTestId('settings-saved')).toHaveTextContent('Restart the app');

    // Each sign-out says what it removes and asks first.
    vi.mocked(signOutPlan).mockResolvedValue({ removed: ['Unity sign-in'], forgottenSteps: ['signInUnity'], store: 'the OS keychain' });
    await user.click(screen.getByTestId('sign-out-unity'));
    expect(await screen.findByTestId('sign-out-ask')).toHaveTextContent(
      'This removes from the OS keychain: Unity sign-in. Step 1 stays done: the service account and its token keep working; sign in to Unity again only to change them.',
    );
    expect(signOutPlan).toHaveBeenCalledWith('unity');
    expect(signOut).not.toHaveBeenCalled();
    await user.click(screen.getByRole('button', { name: 'Keep it' }));
    expect(screen.queryByTestId('sign-out-ask')).not.toBeInTheDocument();

    vi.mocked(signOutPlan).mockResolvedValue({ removed: ['Microsoft sign-in', 'SCIM bearer token …7Q2a'], forgottenSteps: ['signInMicrosoft'], store: 'the OS keychain' });
    await user.click(screen.getByTestId('settings-sign-out'));
    await user.click(await screen.findByTestId('sign-out-confirm'));
    expect(signOut).toHaveBeenCalledWith('everything');
    expect(await screen.findByTestId('sign-out-result')).toHaveTextContent(
      'Removed from the OS keychain: Microsoft sign-in, SCIM bearer token …7Q2a.',
    );
    expect(await seriousAxeViolations()).toEqual([]);
  });

  it('says what the Unity client ID is, when to change it and where to find it', async () => {
    vi.mocked(settingsGet).mockResolvedValue(VIEW);
    vi.mocked(settingsSave).mockResolvedValue({ ...VIEW, saved: { unityClientId: 'unity-client-42' } });
    const { user } = await renderView(<SettingsView appInfo={appInfoFixture({ sandbox: false })} />);
    const field = await screen.findByRole('textbox', { name: 'Unity client ID' });
    // The help is the field's description, so a screen reader reads it with the field.
    const help = screen.getByTestId('settings-unity-client-id-help');
    expect(field).toHaveAccessibleDescription(expect.stringContaining('OAuth client ID of the Unity sign-in app registration'));
    expect(help).toHaveTextContent('When to change it: only when Unity has issued a registration for this app');
    expect(help).toHaveTextContent('Dashboard road');
    expect(help).toHaveTextContent('Where to find it: Unity has no Dashboard page to create one; it comes from Unity');
    expect(help).toHaveTextContent('unity.clientId');
    await user.type(field, 'unity-client-42');
    await user.click(screen.getByTestId('settings-save'));
    expect(settingsSave).toHaveBeenCalledWith(expect.objectContaining({ unityClientId: 'unity-client-42' }));
  });

  it('explains a custom profile file that cannot be used', async () => {
    vi.mocked(settingsGet).mockResolvedValue(VIEW);
    vi.mocked(settingsSave).mockRejectedValue(
      problem('badInput', 'Could not read /nowhere.json: No such file.', 'Check the path given.', 'Reading the cloud profile'),
    );
    const { user } = await renderView(<SettingsView appInfo={appInfoFixture({ sandbox: false })} />);
    await user.click(await screen.findByRole('radio', { name: 'A custom profile file' }));
    await user.type(screen.getByRole('textbox', { name: /Profile file/ }), '/nowhere.json');
    await user.click(screen.getByTestId('settings-save'));
    expect(await screen.findByTestId('settings-problem-cause')).toHaveTextContent('Could not read /nowhere.json');
  });

  it('fills the custom profile path from the system’s file picker and saves it', async () => {
    vi.mocked(settingsGet).mockResolvedValue(VIEW);
    vi.mocked(settingsSave).mockResolvedValue(VIEW);
    vi.mocked(chooseProfileFile).mockResolvedValueOnce(null).mockResolvedValueOnce('/home/ann/profiles/contoso.json');
    const { user } = await renderView(<SettingsView appInfo={appInfoFixture({ sandbox: false })} />);
    await user.click(await screen.findByRole('radio', { name: 'A custom profile file' }));
    const path = screen.getByRole('textbox', { name: /Profile file/ });
    // Cancelled: the field keeps what it had.
    await user.click(screen.getByTestId('settings-profile-choose'));
    expect(path).toHaveValue('');
    await user.click(screen.getByTestId('settings-profile-choose'));
    expect(path).toHaveValue('/home/ann/profiles/contoso.json');
    await user.click(screen.getByTestId('settings-save'));
    expect(settingsSave).toHaveBeenCalledWith(expect.objectContaining({ profile: 'custom', customProfilePath: '/home/ann/profiles/contoso.json' }));
    expect(await seriousAxeViolations()).toEqual([]);
  });

  it('saves a log level for the next launch and opens the log folder the app computed', async () => {
    vi.mocked(settingsGet).mockResolvedValue(VIEW);
    vi.mocked(settingsSave).mockResolvedValue({ ...VIEW, saved: { logLevel: 'debug' } });
    vi.mocked(openLogFolder).mockResolvedValue('/home/admin/.local/share/scim-setup/logs');
    const { user } = await renderView(<SettingsView appInfo={appInfoFixture({ sandbox: false })} />);
    await user.type(await screen.findByTestId('settings-log-level'), 'debug');
    await user.click(screen.getByTestId('settings-save'));
    expect(settingsSave).toHaveBeenCalledWith(expect.objectContaining({ logLevel: 'debug' }));
    await user.click(screen.getByTestId('settings-open-logs'));
    expect(openLogFolder).toHaveBeenCalledWith();
    expect(await screen.findByText('/home/admin/.local/share/scim-setup/logs')).toBeInTheDocument();
  });
});

describe('what a sign-out changes, in the window\'s words', () => {
  it('keeps a sign-in step\'s work and undoes steps 1 and 2 only when the token goes', () => {
    expect(signOutConsequences(['signInMicrosoft'])).toBe(
      'Provisioning keeps running in Entra; sign in to Microsoft again before steps 3 and 4 can change anything.',
    );
    expect(signOutConsequences(['unityCredentials', 'connectorUrl', 'signInUnity'])).toMatch(/^Steps 1 and 2 go back to not started/);
    expect(signOutConsequences([])).toBe('');
  });
});

