// Journey: the job afterwards, as an admin runs it from the window against a sandbox. Step 3's
// job card is paused, started again and restarted (each confirmed); in step 4 a person is
// assigned and provisioned, then unassigned. That the next cycle then disables them in Unity
// is a second test, marked todo: against `scim-setup sandbox` it has not happened yet (the
// sandbox's cycles leave the person active), so it reports without failing the suite.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startSandbox } from './sandbox.mjs';
import { byTestId, openApp, screenshot } from './session.mjs';
import {
  click,
  clickAndConfirm,
  connectorStep,
  entraSignInAndApp,
  entraTestAndStart,
  show,
  text,
  typeInto,
  unityStep,
  waitFor,
} from './steps.mjs';

const LONG = 120_000;

let browser;
let sandbox;
let unassigned = false;
before(async () => {
  sandbox = await startSandbox();
  ({ browser } = await openApp(['--profile', sandbox.profileFile], { sandbox: false }));
});
after(async () => {
  await browser?.deleteSession();
  sandbox?.stop();
});

/** The person as Unity's SCIM server has them (read with the sandbox's own token), or undefined. */
async function unityUser(upn) {
  const facts = sandbox.profile.sandbox;
  const filter = encodeURIComponent(`userName eq "${upn}"`);
  const response = await fetch(`${facts.scimBaseUrl}/Users?filter=${filter}`, {
    headers: { authorization: `Bearer ${facts.scimBearerToken}` },
  });
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()).Resources?.[0];
}

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

  await clickAndConfirm(browser, 'job-start');
  await browser.waitUntil(async () => !/^Paused$/.test(await text(browser, 'job-state')), { timeout: LONG });
  await clickAndConfirm(browser, 'job-restart');
  assert.match(await waitForText('job-action-done', /Restarted/), /full cycle/);
  await show(browser, 'token-panel');
  await screenshot(browser, 'job-03-restarted');

  // Step 4: assign and provision one person, then unassign them.
  const upn = sandbox.profile.sandbox.sampleUserUpns[1];
  await click(browser, 'nav-provision');
  await typeInto(browser, 'picker-search', upn.split('@')[0]);
  const option = await browser.$(`${byTestId('picker-results')} [role="option"]`);
  await option.waitForDisplayed({ timeout: LONG });
  await option.click();
  await waitFor(browser, 'picker-selected');
  await click(browser, 'provision-run');
  const confirm = await browser.$(byTestId('provision-run-confirm'));
  if (await confirm.waitForClickable({ timeout: 5_000 }).catch(() => false)) await confirm.click();
  assert.match(await text(browser, 'provision-summary', 180_000), /0 failed/);
  assert.equal((await unityUser(upn))?.active, true, 'provisioned and active in Unity');

  const item = await browser.$(`//li[@data-testid="assigned-item"][.//*[text()="${upn}"]]`);
  await item.waitForDisplayed({ timeout: LONG });
  const unassign = await item.$('[data-testid^="unassign-"]');
  const unassignId = await unassign.getAttribute('data-testid');
  await unassign.click();
  assert.match(await text(browser, `${unassignId}-dialog`), /disable or delete/);
  await click(browser, `${unassignId}-confirm`);
  await waitForText('unassign-result', /unassigned/);
  unassigned = true;
  await show(browser, 'unassign-result');
  await screenshot(browser, 'job-04-unassigned');

  // Back on step 3, the card says what the cycles since did.
  await click(browser, 'nav-entra');
  await waitForText('job-state', /\S/);
  await show(browser, 'job-card');
  await screenshot(browser, 'job-05-card-after');
});

test('the cycles after the unassignment disable the person in Unity', { timeout: 180_000, todo: 'the sandbox’s cycles have not disabled a person unassigned after provisioning on demand' }, async () => {
  const upn = sandbox.profile.sandbox.sampleUserUpns[1];
  assert.ok(unassigned, 'the first journey unassigned them');
  // The next cycle takes them out of Unity (the sandbox's cycles come every few seconds).
  const gone = await browser
    .waitUntil(async () => (await unityUser(upn))?.active !== true, { timeout: LONG, interval: 1_000 })
    .catch(() => false);
  assert.ok(gone, `${upn} was still active in Unity after the cycles that followed the unassignment: ${JSON.stringify(await sandbox.state())}`);
});
