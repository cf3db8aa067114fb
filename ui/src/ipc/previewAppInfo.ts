// Sample data for `vite build --mode preview-mock` only: lets the frame be screenshotted in a
// plain browser. Never imported by a normal build (see getAppInfo).
import type { AppInfo } from './bindings/AppInfo';

export const previewAppInfo: AppInfo = {
  version: '0.1.0-preview',
  sandbox: true,
  simulatedSignIn: true,
  secretStore: 'memory (this run only)',
  reportsDir: '/home/admin/.local/share/com.unity.scim-setup/reports',
  startupProblems: [],
  dashboard: {
    scimAuthenticator: 'SCIM Authenticator',
    ssoMenu: 'Administration > Single sign on',
    ssoScimMenu: 'Administration > Single sign on > SCIM',
    ssoDomainsMenu: 'Administration > Single sign on > Domains',
    bearerTokensMenu: 'Administration > Service accounts > the account > Bearer tokens',
    organizationRolesMenu: 'Administration > Service accounts > the account > Manage organization roles',
  },
  maxGroupMembers: 50,
  dataDir: '/home/admin/.local/share/com.unity.scim-setup',
  profile: {
    name: 'sandbox',
    microsoftAuthority: 'http://127.0.0.1:41001',
    graph: 'http://127.0.0.1:41001/v1.0',
    microsoftClientId: 'sandbox-client',
    unityClientId: 'sandbox-unity-client',
    unityAuth: 'http://127.0.0.1:41002',
    unityApi: 'http://127.0.0.1:41002',
    unityScim: 'http://127.0.0.1:41002/scim/v2',
    scimBaseUrl: 'http://127.0.0.1:41002/scim/v2/tenants/8d1c0a5e',
  },
};
