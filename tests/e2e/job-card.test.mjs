// Journey: the job afterwards, as an admin runs it from the window against a sandbox. Step 3's
// job card is paused, started again and restarted (each confirmed); in step 4 a person in no
// group assigned to the app is assigned and provisioned, then unassigned (the dialog for a
// person an assigned group keeps in scope names that group instead). The second test sees the
// cycles that follow disable them in Unity, and the provisioning logs say so.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startSandbox } from './sandbox.mjs';
import { byTestId, openApp, screenshot } from './session.mjs';
import {
  click,
  clickAndConfirm,
  connectorStep,
  entraSignInAndApp,
  entraTestAndStart,
  provisionPerson,
  retype,
  settle,
  show,
  text,
  unityStep,
  waitFor,
} from './steps.mjs';

const LONG = 120_000;

let browser;
let dataDir;
let sandbox;
let unassigned = false;
before(async () => {
  sandbox = await startSandbox();
  ({ browser, dataDir } = await openApp(['--profile', sandbox.profileFile], { sandbox: false }));
});
after(async () => {
  await browser?.deleteSession();
  sandbox?.stop();
});

async function waitForText(id, pattern, timeout = LONG) {
  const element = await waitFor(browser, id, timeout);
  await browser.waitUntil(async () => pattern.test(await element.getText()), {
    timeout,
    timeoutMsg: `${id} never said ${pattern}`,
  });
  return element.getText();
}

test('an admin pauses, starts and restarts the job, then unassigns a person, each confirmed', { timeout: 600_000 }, async () => {
  await waitFor(browser, 'view-start');
  await unityStep(browser);
  await connectorStep(browser);
  await entraSignInAndApp(browser);
  // The deletion safeguards are shown, filled in, before Start.
  assert.match(await (await waitFor(browser, 'deletion-threshold')).getValue(), /^\d+$/);
  await show(browser, 'deletion-protection');
  await screenshot(browser, 'job-00-safeguards');
  await entraTestAndStart(browser);
  await waitForText('job-summary', /\S/);
  await show(browser, 'job-card');
  await screenshot(browser, 'job-01-card');

  await clickAndConfirm(browser, 'job-pause');
  await waitForText('job-state', /^Paused$/);
  assert.match(await text(browser, 'job-next-run'), /Not while paused/);
  await show(browser, 'job-card');
  await screenshot(browser, 'job-02-paused');

  // Another process holds the data folder's writer lock (as a script's `scim-setup setup`
  // would) for a few seconds: Start waits for it, and the card says so while it waits.
  const holder = spawn('flock', [path.join(dataDir, 'writer.lock'), 'sleep', '12'], { stdio: 'ignore' });
  const released = new Promise((resolve) => holder.on('exit', resolve));
  await new Promise((resolve) => setTimeout(resolve, 500));
  await clickAndConfirm(browser, 'job-start');
  assert.match(await waitForText('job-waiting', /Waiting for another scim-setup.* s left/, 10_000), /this data folder/);
  await show(browser, 'job-card');
  await screenshot(browser, 'job-02b-waiting-for-the-data-folder');
  await released;
  await browser.waitUntil(async () => !/^Paused$/.test(await text(browser, 'job-state')), { timeout: LONG });
  await clickAndConfirm(browser, 'job-restart');
  assert.match(await waitForText('job-action-done', /Restarted/), /full cycle/);
  await show(browser, 'token-panel');
  await screenshot(browser, 'job-03-restarted');

  // Step 4: assign and provision one person who is in no group assigned to the app (so
  // nothing else keeps them in scope), then unassign them.
  const upn = sandbox.profile.sandbox.outOfScopeUserUpn;
  assert.match(await provisionPerson(browser, upn), /0 failed/);
  assert.equal((await sandbox.unityUser(upn))?.active, true, 'provisioned and active in Unity');

  // A person assigned directly and through the Unity Pilot group stays in scope when their
  // own assignment goes: the dialog names the group and promises no disable. Not confirmed.
  const grouped = await browser.$(`//li[@data-testid="assigned-item"][.//*[text()="${sandbox.profile.sandbox.sampleUserUpns[1]}"]]`);
  await grouped.waitForDisplayed({ timeout: LONG });
  const groupedUnassign = await grouped.$('[data-testid^="unassign-"]');
  const groupedId = await groupedUnassign.getAttribute('data-testid');
  await groupedUnassign.click();
  const groupedDialog = await text(browser, `${groupedId}-dialog`);
  assert.match(groupedDialog, /stays in scope through the group “Unity Pilot”/);
  assert.doesNotMatch(groupedDialog, /disable or delete/);
  await settle(browser);
  await screenshot(browser, 'job-04-unassign-names-the-group');
  await browser.keys('Escape');
  await (await browser.$(byTestId(`${groupedId}-dialog`))).waitForDisplayed({ reverse: true, timeout: LONG });

  const item = await browser.$(`//li[@data-testid="assigned-item"][.//*[text()="${upn}"]]`);
  await item.waitForDisplayed({ timeout: LONG });
  const unassign = await item.$('[data-testid^="unassign-"]');
  const unassignId = await unassign.getAttribute('data-testid');
  await unassign.click();
  const dialog = await text(browser, `${unassignId}-dialog`);
  assert.match(dialog, /disable or delete/);
  assert.doesNotMatch(dialog, /stays in scope/);
  await click(browser, `${unassignId}-confirm`);
  await waitForText('unassign-result', /unassigned/);
  unassigned = true;
  await show(browser, 'unassign-result');
  await screenshot(browser, 'job-05-unassigned');

  // Back on step 3, the card says what the cycles since did.
  await click(browser, 'nav-entra');
  await waitForText('job-state', /\S/);
  await show(browser, 'job-card');
  await screenshot(browser, 'job-06-card-after');
});

test('the cycles after the unassignment disable the person in Unity', { timeout: 300_000 }, async () => {
  const upn = sandbox.profile.sandbox.outOfScopeUserUpn;
  assert.ok(unassigned, 'the first journey unassigned them');
  // The next cycle takes them out of Unity (the sandbox's cycles come every few seconds).
  const gone = await browser
    .waitUntil(async () => (await sandbox.unityUser(upn))?.active !== true, { timeout: LONG, interval: 1_000 })
    .catch(() => false);
  assert.ok(gone, `${upn} was still active in Unity after the cycles that followed the unassignment: ${JSON.stringify(await sandbox.state())}`);
  const record = await sandbox.unityUser(upn);
  assert.ok(record === undefined || record.active === false, JSON.stringify(record));

  // The provisioning logs in Diagnose say what the cycle did to them.
  await click(browser, 'nav-diagnose');
  await retype(browser, 'logs-person', upn);
  await click(browser, 'logs-search');
  await waitFor(browser, 'logs-table', LONG);
  const words = [];
  for (const cell of await browser.$$(`${byTestId('logs-row')} td:nth-child(3)`)) words.push(await cell.getText());
  assert.ok(words.some((word) => /disable|delete/i.test(word)), `the logs show the disable: ${words.join(', ')}`);
  await show(browser, 'logs-table');
  await screenshot(browser, 'job-07-disabled-in-the-logs');
});
