// Journey: Diagnose against an endpoint whose service account lost its role (a sandbox
// fault): the failing check says why, and what to do, and the report can be exported.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startSandbox } from './sandbox.mjs';
import { byTestId, openApp, screenshot } from './session.mjs';
import { click, settle, text, typeInto } from './steps.mjs';

let browser;
let sandbox;
before(async () => {
  sandbox = await startSandbox();
  await sandbox.fault('drop-role');
  ({ browser } = await openApp(['--profile', sandbox.profileFile], { sandbox: false }));
});
after(async () => {
  await browser?.deleteSession();
  sandbox?.stop();
});

test('a broken endpoint shows the right failure and its fix', { timeout: 180_000 }, async () => {
  const { scimBaseUrl, scimBearerToken } = sandbox.profile.sandbox;
  await click(browser, 'nav-diagnose');
  await typeInto(browser, 'diagnose-url', scimBaseUrl);
  await typeInto(browser, 'diagnose-token', scimBearerToken);
  await click(browser, 'diagnose-run');
  const summary = await text(browser, 'diagnose-summary', 120_000);
  assert.doesNotMatch(summary, / 0 failed/, summary);
  const failed = await browser.$(`${byTestId('diagnose-checklist')} [data-outcome="fail"]`);
  await failed.waitForDisplayed({ timeout: 10_000 });
  const words = await failed.getText();
  assert.match(words, /403/, words);
  assert.match(words, /SCIM Authenticator/, words);
  await failed.scrollIntoView({ block: 'center' });
  await settle(browser);
  await screenshot(browser, 'diagnose-broken');

  await click(browser, 'diagnose-export');
  const paths = await text(browser, 'diagnose-export-paths');
  assert.match(paths, /reports\/scim-diagnosis-.*\.html/);
  assert.doesNotMatch(await (await browser.$('body')).getText(), new RegExp(scimBearerToken));
});
