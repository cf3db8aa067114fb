// Journey: beyond the portal. Preview what Start will do before pressing it (counts, a
// filter, an export written by the app), then a person provisioned on demand and read back
// from Unity: the timeline's fifth step, "Arrived in Unity", passed.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { appOnSandbox, byTestId, screenshot } from './session.mjs';
import { click, connectorStep, entraSignInAndApp, entraTestAndStart, settle, show, text, typeInto, unityStep, waitFor } from './steps.mjs';

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

  const upn = sandbox.profile.sandbox.sampleUserUpns[1];
  await click(browser, 'nav-provision');
  await typeInto(browser, 'picker-search', upn.split('@')[0]);
  const option = await browser.$(`${byTestId('picker-results')} [role="option"]`);
  await option.waitForDisplayed({ timeout: 60_000 });
  await option.click();
  await waitFor(browser, 'picker-selected');
  await click(browser, 'provision-run');
  const confirm = await browser.$(byTestId('provision-run-confirm'));
  if (await confirm.waitForClickable({ timeout: 5_000 }).catch(() => false)) await confirm.click();
  await text(browser, 'provision-summary', 180_000);
  const arrival = await browser.$(byTestId('timeline-arrival'));
  await arrival.waitForDisplayed({ timeout: 60_000 });
  assert.match(await arrival.getText(), /Arrived in Unity: passed$/);
  await show(browser, 'timeline-arrival');
  await screenshot(browser, 'beyond-02-verified');
});
