// Journey: beyond the portal. Preview what Start will do before pressing it (counts, a
// filter, an export written by the app), then a person provisioned on demand and read back
// from Unity: the timeline's fifth step, "Arrived in Unity", passed. Then the SCIM token is
// rotated from step 3: the new one is saved in Entra and works, the old one is revoked.
// (The deletion threshold's journey is deletions.test.mjs: it needs its own threshold before Start.)
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { appOnSandbox, byTestId, screenshot } from './session.mjs';
import {
  click,
  clickAndConfirm,
  connectorStep,
  entraSignInAndApp,
  entraTestAndStart,
  provisionPerson,
  settle,
  show,
  text,
  unityStep,
  waitFor,
} from './steps.mjs';

const journey = appOnSandbox();

test('a preview before Start, then a provisioned person verified in Unity', { timeout: 420_000 }, async () => {
  const { browser, sandbox } = journey;
  await unityStep(browser);
  await connectorStep(browser);
  await entraSignInAndApp(browser);

  await click(browser, 'entra-preview-run');
  const scope = await text(browser, 'entra-preview-scope', 180_000);
  assert.match(scope, /in scope \(assigned users and groups\)/, scope);
  // WebKitGTK's WebDriver reads a Fluent button's text as empty; its textContent is what shows.
  const creates = await (await waitFor(browser, 'entra-preview-count-create')).getProperty('textContent');
  assert.match(creates, /^Create: [\d,]+$/, creates);
  await click(browser, 'entra-preview-count-create');
  const rows = await browser.$$(`${byTestId('entra-preview-users')} li`);
  for (const row of rows) assert.equal(await row.getAttribute('data-action'), 'create');
  await click(browser, 'entra-preview-export-csv');
  const saved = await text(browser, 'entra-preview-exported');
  const file = saved.replace(/^Saved to\s*/, '').trim();
  assert.match(file, /scim-preview-\d{8}-\d{6}(-\d+)?\.csv$/, saved);
  assert.ok(existsSync(file), `${file} exists`);
  await (await browser.$(byTestId('entra-preview'))).scrollIntoView({ block: 'start' });
  await settle(browser);
  await screenshot(browser, 'beyond-01-preview');

  await entraTestAndStart(browser);

  await provisionPerson(browser, sandbox.profile.sandbox.sampleUserUpns[1]);
  const arrival = await browser.$(byTestId('timeline-arrival'));
  await arrival.waitForDisplayed({ timeout: 60_000 });
  assert.match(await arrival.getText(), /Arrived in Unity: passed$/);
  await show(browser, 'timeline-arrival');
  await screenshot(browser, 'beyond-02-verified');
});

/** The service account's token that ends in `lastFour`, as the sandbox's Unity holds it. */
async function unityToken(sandbox, lastFour) {
  const state = await sandbox.state();
  const tokens = state.serviceAccounts.flatMap((account) => account.bearerTokens ?? []);
  const found = tokens.filter((token) => token.lastFour === lastFour);
  assert.equal(found.length, 1, `one token ends in ${lastFour}: ${JSON.stringify(tokens.map((t) => t.lastFour))}`);
  return found[0];
}

test('the SCIM token is rotated from the window and the old one stops working', { timeout: 240_000 }, async () => {
  const { browser, sandbox } = journey;
  await click(browser, 'nav-entra');
  // The panel names the token in use by its last four characters and says how old it is.
  const facts = await waitFor(browser, 'token-last-four');
  await browser.waitUntil(async () => (await facts.getText()).startsWith('Ends in'), {
    timeout: 30_000,
    timeoutMsg: 'the panel never named the token in use',
  });
  const lastFour = await facts.getText();
  const old = /Ends in …(\S{4})/.exec(lastFour)?.[1];
  assert.ok(old, lastFour);
  assert.match(lastFour, /made by this app through Unity’s API/);
  assert.match(await text(browser, 'token-age'), /^Made today/);
  const checkedBefore = await text(browser, 'token-checked');
  const before = await unityToken(sandbox, old);
  assert.equal(before.revoked, false);
  assert.equal((await sandbox.scim('/Users?count=1', before.token)).status, 200, 'the old token works before');
  assert.equal((await sandbox.state()).syncJobs[0].secretTokenLastFour, old, 'Entra sends the old token');

  await show(browser, 'token-rotate');
  await clickAndConfirm(browser, 'token-rotate');
  const rotated = await waitFor(browser, 'token-rotated', 120_000);
  const said = await rotated.getText();
  const fresh = /Entra now uses …(\S{4})/.exec(said)?.[1];
  assert.ok(fresh && fresh !== old, said);
  assert.match(said, new RegExp(`The old token …${old} is revoked`));
  // The panel reads the facts again: the new token, made today.
  await browser.waitUntil(async () => (await text(browser, 'token-last-four')).includes(`…${fresh}`), {
    timeout: 30_000,
    timeoutMsg: 'the panel never named the new token',
  });
  assert.match(await text(browser, 'token-age'), /^Made today/);
  // Tested again during the rotation (by Unity, then by Entra's Test Connection).
  assert.notEqual(await text(browser, 'token-checked'), checkedBefore);
  await show(browser, 'token-panel');
  await screenshot(browser, 'beyond-03-token-rotated');

  // Unity: the new token is live and works, the old one is revoked and refused.
  const now = await unityToken(sandbox, fresh);
  assert.equal(now.revoked, false);
  assert.equal((await sandbox.scim('/Users?count=1', now.token)).status, 200, 'the new token works');
  assert.equal((await unityToken(sandbox, old)).revoked, true, 'the old token is revoked in Unity');
  assert.equal((await sandbox.scim('/Users?count=1', before.token)).status, 401, 'the old token is refused');
  // Entra: the job's secrets hold the new token.
  assert.equal((await sandbox.state()).syncJobs[0].secretTokenLastFour, fresh, 'Entra sends the new token');
});
