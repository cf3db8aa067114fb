// Journey: a 429 storm hits step 3's Test Connection. The window shows each wait with its
// reason while Graph throttles, then Entra's verdict; nothing is lost and no step repeats.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { byTestId, appOnSandbox, screenshot } from './session.mjs';
import { click, connectorStep, entraSignInAndApp, show, unityStep, waitFor } from './steps.mjs';

const journey = appOnSandbox();

test('Test Connection waits out Graph’s throttling on screen, then passes', { timeout: 300_000 }, async () => {
  const { browser, sandbox } = journey;
  await unityStep(browser);
  await connectorStep(browser);
  await entraSignInAndApp(browser);

  // Two 429s with Retry-After: 4 s on Entra's validateCredentials, then the real answer.
  await sandbox.fault('status:429:4@*/validateCredentials#2');
  await click(browser, 'entra-test');
  const notes = await browser.$(byTestId('entra-verdict-notes'));
  await browser.waitUntil(async () => /throttling requests \(429 Too Many Requests\)/.test(await notes.getText().catch(() => '')), {
    timeout: 30_000,
    timeoutMsg: 'no wait was shown while Graph throttled Test Connection',
  });
  const waiting = await notes.getText();
  // The wait's length, which try comes next, and the time left before the call's deadline.
  assert.match(waiting, /trying again after a 4 s wait \(try 2 of \d\), \d+ s left/, waiting);
  await notes.scrollIntoView({ block: 'center' });
  await screenshot(browser, 'throttled-test-connection-waiting');

  await waitFor(browser, 'entra-verdict', 120_000);
  await show(browser, 'entra-verdict');
  await screenshot(browser, 'throttled-test-connection-passed');
});
