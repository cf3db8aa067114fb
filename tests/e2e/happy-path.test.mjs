// Journey: from an empty data folder to a user provisioned on demand, every step in the real
// window against a sandbox, sign-ins included (the sandbox consents by itself).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { logLines, secretLines } from './logs.mjs';
import { byTestId, appOnSandbox, screenshot } from './session.mjs';
import { connectorStep, entraSignInAndApp, entraTestAndStart, provisionPerson, show, unityStep, waitFor } from './steps.mjs';

const journey = appOnSandbox();

test('an admin gets from nothing to a user provisioned on demand', { timeout: 420_000 }, async () => {
  const { browser, sandbox, dataDir } = journey;
  await waitFor(browser, 'view-start');
  await screenshot(browser, 'happy-01-start');

  await unityStep(browser);
  await show(browser, 'unity-result');
  await screenshot(browser, 'happy-02-unity');

  await connectorStep(browser);
  await show(browser, 'connector-checks-summary');
  await screenshot(browser, 'happy-03-connector');

  assert.match(await entraSignInAndApp(browser), /provisioning job/i);
  await entraTestAndStart(browser);
  await show(browser, 'entra-started');
  await screenshot(browser, 'happy-04-entra');

  const summary = await provisionPerson(browser, sandbox.profile.sandbox.sampleUserUpns[0]);
  assert.match(summary, /1 created|1 updated|1 already in sync/, summary);
  assert.match(summary, /0 failed/, summary);
  const verdict = await browser.$(`${byTestId('timeline')}`);
  assert.match(await verdict.getAttribute('data-verdict'), /success|alreadyInSync/);
  await show(browser, 'provision-summary');
  await screenshot(browser, 'happy-05-provisioned');

  const state = await sandbox.state();
  assert.ok(state.scimUsers >= 1 || (Array.isArray(state.scimUsers) && state.scimUsers.length >= 1), 'the user arrived in Unity');

  // The log saw the journey's HTTP calls, and no secret: tokens, codes, verifiers.
  const lines = logLines(dataDir);
  assert.ok(lines.some((line) => line.includes(' http ') && line.includes('status=200')), `every HTTP call is logged: ${lines.length} lines`);
  const leaks = secretLines(lines, [sandbox.profile.sandbox.scimBearerToken]);
  assert.deepEqual(leaks, [], 'secrets in the log');
});
