// AppInfo values for component tests, shaped exactly like the generated binding.
import type { AppInfo } from '../ipc';

export function appInfoFixture(overrides: { sandbox?: boolean; profileName?: string } = {}): AppInfo {
  const sandbox = overrides.sandbox ?? true;
  const name = overrides.profileName ?? (sandbox ? 'sandbox' : 'global');
  return {
    version: '0.1.0',
    sandbox,
    dataDir: '/tmp/scim-setup-test/data',
    profile: {
      name,
      microsoftAuthority: sandbox ? 'http://127.0.0.1:41001' : 'https://login.example.test',
      graph: sandbox ? 'http://127.0.0.1:41001/v1.0' : 'https://graph.example.test/v1.0',
      unityAuth: 'http://127.0.0.1:41002',
      unityApi: 'http://127.0.0.1:41002',
      unityScim: 'http://127.0.0.1:41002/scim/v2',
      scimBaseUrl: sandbox ? 'http://127.0.0.1:41002/scim/v2/tenants/t-1' : null,
    },
  };
}
