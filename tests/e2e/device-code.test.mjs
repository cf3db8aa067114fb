// Journey: the "code on another device" road of the Microsoft sign-in, previewed on the
// window's own sandbox: the code is shown (the sandbox waits a few seconds before it approves
// it, as a person typing it would), then the sign-in completes by itself.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openApp, screenshot } from './session.mjs';
import { click, show, text, waitFor } from './steps.mjs';

let browser;
before(async () => {
  ({ browser } = await openApp());
});
after(async () => {
  await browser?.deleteSession();
});

test('the device-code road shows its code on the sandbox, then signs in', { timeout: 180_000 }, async () => {
  await waitFor(browser, 'view-start');
  await click(browser, 'nav-entra');
  await click(browser, 'entra-sign-in-device');
  const code = await text(browser, 'device-code', 30_000);
  assert.match(code, /^[A-Z2-9]{9}$/, code);
  assert.match(await text(browser, 'device-code-box'), /devicelogin/);
  await show(browser, 'device-code-box');
  await screenshot(browser, 'device-code-shown');
  assert.match(await text(browser, 'entra-account', 60_000), /Signed in as admin@contoso\.com/);
});
