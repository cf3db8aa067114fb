// Journey: the window opens on the sandbox, lists the four steps in order, and choosing
// Diagnose shows the Diagnose view.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { byTestId, openApp, screenshot } from './session.mjs';

let browser;
before(async () => {
  ({ browser } = await openApp());
});
after(async () => {
  await browser?.deleteSession();
});

test('the window opens on the sandbox and lists the four steps', async () => {
  const badge = await browser.$(byTestId('sandbox-badge'));
  await badge.waitForDisplayed({ timeout: 15_000 });
  assert.match(await badge.getText(), /sandbox/i);

  const steps = [];
  for (const id of ['nav-unity', 'nav-connector', 'nav-entra', 'nav-provision']) {
    const item = await browser.$(byTestId(id));
    assert.ok(await item.isDisplayed(), `${id} is visible`);
    steps.push(await item.getText());
  }
  assert.match(steps[0], /Unity service account/);
  assert.match(steps[1], /SCIM connector URL/);
  assert.match(steps[2], /Entra provisioning/);
  assert.match(steps[3], /Provision on demand/);

  const profile = await browser.$(byTestId('status-profile'));
  assert.match(await profile.getText(), /sandbox/i);
  await screenshot(browser, '01-start');
});

test('choosing Diagnose shows the Diagnose view', async () => {
  await (await browser.$(byTestId('nav-diagnose'))).click();
  const view = await browser.$(byTestId('view-diagnose'));
  await view.waitForDisplayed({ timeout: 5_000 });
  assert.match(await view.getText(), /Diagnose/);
  await screenshot(browser, '02-diagnose');
});
