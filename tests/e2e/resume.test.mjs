// Journey: quit during step 3 and start again with the same sandbox and data folder: the
// window offers to resume at step 3, and the sandbox shows nothing was created twice.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startSandbox } from './sandbox.mjs';
import { openApp, screenshot } from './session.mjs';
import { click, connectorStep, entraSignInAndApp, text, unityStep, waitFor } from './steps.mjs';

let sandbox;
let browser;
before(async () => {
  sandbox = await startSandbox();
});
after(async () => {
  await browser?.deleteSession().catch(() => undefined);
  sandbox?.stop();
});

function counts(state) {
  const n = (value) => (Array.isArray(value) ? value.length : Number(value ?? 0));
  return {
    serviceAccounts: n(state.serviceAccounts),
    tokens: (state.serviceAccounts ?? []).reduce((sum, account) => sum + n(account.tokens), 0),
    servicePrincipals: n(state.servicePrincipals),
    syncJobs: n(state.syncJobs),
  };
}

test('quitting during step 3 and relaunching resumes there, creating nothing twice', { timeout: 420_000 }, async () => {
  const first = await openApp(['--profile', sandbox.profileFile], { sandbox: false });
  browser = first.browser;
  await unityStep(browser);
  await connectorStep(browser);
  await entraSignInAndApp(browser);
  const before = counts(await sandbox.state());
  await browser.deleteSession();
  browser = undefined;

  ({ browser } = await openApp(['--profile', sandbox.profileFile], { sandbox: false, dataDir: first.dataDir }));
  assert.match(await text(browser, 'start-resume-bar'), /step 3/);
  await screenshot(browser, 'resume-01-start');
  await click(browser, 'start-resume');
  await waitFor(browser, 'view-entra');
  // The saved Microsoft session signs in quietly; the app and job from last time are found.
  await waitFor(browser, 'entra-account');
  assert.match(await text(browser, 'entra-app-saved'), /provisioning job/);
  await click(browser, 'entra-use-app');
  assert.match(await text(browser, 'entra-app-result'), /found/);
  await screenshot(browser, 'resume-02-entra');

  // Step 1 again reuses the service account and its token from the keychain.
  await click(browser, 'nav-unity');
  await click(browser, 'unity-sign-in');
  await waitFor(browser, 'unity-signed-in');
  await click(browser, 'unity-ensure');
  assert.match(await text(browser, 'unity-result'), /found/);

  const afterRelaunch = counts(await sandbox.state());
  assert.deepEqual(afterRelaunch, before, 'nothing was created twice');
  assert.equal(afterRelaunch.servicePrincipals >= 1, true);
});
