// Journey: the guided road with a wrong Unity token: the window explains why and what to do.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appOnSandbox, screenshot } from './session.mjs';
import { chooseRadio, click, show, text, typeInto, waitFor } from './steps.mjs';

const journey = appOnSandbox();

test('a wrong token on the guided road is explained on screen', { timeout: 120_000 }, async () => {
  const { browser, sandbox } = journey;
  await click(browser, 'nav-unity');
  await chooseRadio(browser, 'Paste a token from the Unity Dashboard');
  await typeInto(browser, 'guided-connector', sandbox.profile.sandbox.scimBaseUrl);
  await typeInto(browser, 'guided-token', 'not-the-right-token-0000');
  await click(browser, 'guided-submit');
  await waitFor(browser, 'guided-problem');
  const cause = await text(browser, 'guided-problem-cause');
  const fix = await text(browser, 'guided-problem-fix');
  assert.match(cause, /401|token/i, cause);
  assert.ok(fix.length > 10, fix);
  await show(browser, 'guided-problem');
  await screenshot(browser, 'wrong-token');
  // Nothing secret is echoed, and nothing was stored.
  assert.doesNotMatch(await (await browser.$('body')).getText(), /not-the-right-token/);
});
