// Journeys through the window's less-travelled paths, in the real window against a sandbox: the app chooser's no-match path
// (an error bound to the name it was about, Create offered directly and confirmed), the job
// card in plain words, a group provisioned on demand as one result per member, and finding a
// person's entries in the provisioning logs.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startSandbox } from './sandbox.mjs';
import { byTestId, openApp, screenshot } from './session.mjs';
import { click, clickAndConfirm, connectorStep, entraTestAndStart, retype, searchPicker, show, text, unityStep, waitFor } from './steps.mjs';

let browser;
let sandbox;
before(async () => {
  sandbox = await startSandbox();
  ({ browser } = await openApp(['--profile', sandbox.profileFile], { sandbox: false }));
});
after(async () => {
  await browser?.deleteSession();
  sandbox?.stop();
});

async function isShown(id) {
  return (await browser.$(byTestId(id))).isDisplayed();
}

test('the app chooser, the job card and a group provisioned member by member', {
  timeout: 600_000,
}, async () => {
  await waitFor(browser, 'view-start');
  await unityStep(browser);
  await connectorStep(browser);

  await click(browser, 'nav-entra');
  await click(browser, 'entra-sign-in-browser');
  await waitFor(browser, 'entra-account');

  // A name that does not exist: the error names it, and its Create button is about it.
  await retype(browser, 'entra-app-search', 'Zebra Payroll');
  await click(browser, 'entra-use-app');
  assert.equal(await text(browser, 'entra-create-app'), 'Create “Zebra Payroll”');
  await show(browser, 'entra-app-problem');
  await screenshot(browser, 'window-01-app-not-found');
  // Typing another name takes the stale error and its button away; the apps it matches show.
  await retype(browser, 'entra-app-search', 'Unity');
  await browser.waitUntil(async () => !(await isShown('entra-app-problem')), { timeout: 10_000 });
  assert.equal(await isShown('entra-create-app'), false);
  await waitFor(browser, 'entra-app-list');

  // A name nothing matches: creating it is offered right there, and confirmed.
  await retype(browser, 'entra-app-search', 'Unity Payroll');
  await waitFor(browser, 'entra-app-none');
  assert.equal(await text(browser, 'entra-create-app-direct'), 'Create “Unity Payroll”');
  await show(browser, 'entra-create-app-direct');
  await screenshot(browser, 'window-02-app-none-create-offered');
  await clickAndConfirm(browser, 'entra-create-app-direct');
  assert.match(await text(browser, 'entra-app-result', 120_000), /created/);

  await entraTestAndStart(browser);
  // Step 2's replay stands for this computer's half of Test Connection: not repeated.
  assert.equal(await isShown('entra-replay-reference'), true);
  const state = await text(browser, 'job-state');
  assert.doesNotMatch(state, /NotRun|NotConfigured/);
  assert.doesNotMatch(await text(browser, 'job-next-run'), /^—$/);
  await show(browser, 'job-card');
  await screenshot(browser, 'window-03-job-card');

  // A group: one result per member with the portal's steps, then the group itself.
  await click(browser, 'nav-provision');
  const option = await searchPicker(browser, 'Unity Pilot');
  await option.click();
  await waitFor(browser, 'picker-selected');
  // Nobody is assigned to the app just created: assigning the group is asked first.
  await clickAndConfirm(browser, 'provision-run');
  const summary = await text(browser, 'provision-summary', 240_000);
  assert.match(summary, /1 group in Unity/, summary);
  assert.match(summary, /0 failed/, summary);
  const members = await browser.$$(byTestId('timeline-member-of'));
  assert.equal(members.length, 5, 'the five members of Unity Pilot, each on its own card');
  const steps = await browser.$$(`${byTestId('timeline')} ${byTestId('timeline-step')}`);
  assert.match(await steps[0].getText(), /Import user/);
  await show(browser, 'provision-summary');
  await screenshot(browser, 'window-04-group-per-member');

  // The provisioning logs in Diagnose: the last 24 hours hold the on-demand runs just made,
  // marked as such; one person by name finds only theirs; an unknown UPN says what was searched.
  await click(browser, 'nav-diagnose');
  await click(browser, 'logs-search');
  await waitFor(browser, 'logs-table', 120_000);
  const badges = await browser.$$(`${byTestId('logs-row')} ${byTestId('logs-on-demand')}`);
  assert.ok(badges.length > 0, 'the on-demand runs are in the logs, marked');
  const who = await text(browser, 'logs-who');
  await retype(browser, 'logs-person', who);
  await click(browser, 'logs-search');
  await waitFor(browser, 'logs-table', 120_000);
  for (const cell of await browser.$$(byTestId('logs-who'))) assert.equal(await cell.getText(), who);
  assert.match(await text(browser, 'logs-caption'), new RegExp(`for “${who}”, in the last 24 hours`));
  await show(browser, 'logs-table');
  await screenshot(browser, 'window-05-logs-for-a-person');
  await retype(browser, 'logs-person', 'nobody@contoso.com');
  await click(browser, 'logs-search');
  assert.equal(
    await text(browser, 'logs-none', 120_000),
    'Nothing found for “nobody@contoso.com”, in the last 24 hours: no user with that user principal name exists in the directory.',
  );
});
