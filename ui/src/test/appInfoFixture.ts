// AppInfo values for component tests, shaped exactly like the generated binding.
import type { AppInfo } from '../ipc';
import { previewAppInfo } from '../ipc/previewAppInfo';

export function appInfoFixture(
  overrides: { sandbox?: boolean; simulatedSignIn?: boolean; profileName?: string; unityClientId?: string | null } = {},
): AppInfo {
  const sandbox = overrides.sandbox ?? true;
  const name = overrides.profileName ?? (sandbox ? 'sandbox' : 'global');
  return {
    version: '0.1.0',
    sandbox,
    simulatedSignIn: overrides.simulatedSignIn ?? sandbox,
    secretStore: sandbox ? 'memory (this run only)' : 'the OS keychain',
    dataDir: '/tmp/scim-setup-test/data',
    reportsDir: '/tmp/scim-setup-test/data/reports',
    startupProblems: [],
    // The engine's catalogue as the preview mock writes it down once.
    dashboard: previewAppInfo.dashboard,
    maxGroupMembers: previewAppInfo.maxGroupMembers,
    profile: {
      name,
      microsoftAuthority: sandbox ? 'http://127.0.0.1:41001' : 'https://login.example.test',
      graph: sandbox ? 'http://127.0.0.1:41001/v1.0' : 'https://graph.example.test/v1.0',
      microsoftClientId: 'client-1',
      unityAuth: 'http://127.0.0.1:41002',
      unityApi: 'http://127.0.0.1:41002',
      unityScim: 'http://127.0.0.1:41002/scim/v2',
      unityClientId: overrides.unityClientId === undefined ? (sandbox ? 'unity-client' : null) : overrides.unityClientId,
      scimBaseUrl: sandbox ? 'http://127.0.0.1:41002/scim/v2/tenants/t-1' : null,
    },
  };
}
