// Journey: the accidental-deletion threshold, as an admin meets it in the window. A low
// threshold is set in step 3 before Start; the job's cycles provision everyone in scope; the
// admin unassigns the group that brought most of them, so the next cycle would disable more
// people than the threshold allows; the job card names them, held back, and still active in
// Unity; "Allow these deletions", confirmed, and the next cycle disables them in Unity.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appOnSandbox, screenshot } from './session.mjs';
import {
  click,
  connectorStep,
  entraSignInAndApp,
  entraTestAndStart,
  retype,
  show,
  text,
  unityStep,
  waitFor,
} from './steps.mjs';

const LONG = 120_000;
const THRESHOLD = 2;

const journey = appOnSandbox();

test('a low threshold holds deletions back until the admin allows them', { timeout: 480_000 }, async () => {
  const { browser, sandbox } = journey;
  const sampleUpns = sandbox.profile.sandbox.sampleUserUpns;
  await unityStep(browser);
  await connectorStep(browser);
  await entraSignInAndApp(browser);
  await retype(browser, 'deletion-threshold', String(THRESHOLD));
  await entraTestAndStart(browser);
  assert.match(await text(browser, 'entra-started'), new RegExp(`at most ${THRESHOLD} deletions a cycle`));

  // Step 4 lists who is assigned: people, and one group.
  await click(browser, 'nav-provision');
  const groupItem = await browser.$('//li[@data-testid="assigned-item"][.//*[@data-testid="assigned-detail"][starts-with(normalize-space(.), "Group")]]');
  await groupItem.waitForDisplayed({ timeout: LONG });
  // Its name is clipped with an ellipsis, which WebKitGTK's WebDriver reads as empty text.
  const groupName = (await groupItem.$('./span/*[1]').getProperty('textContent')).trim();
  assert.ok(groupName, 'the group has a name');

  // The cycles provision everyone in scope; the group arrives last, with its members.
  const filter = encodeURIComponent(`displayName eq "${groupName}"`);
  let unityGroup;
  await browser.waitUntil(
    async () => {
      unityGroup = (await sandbox.scim(`/Groups?filter=${filter}`)).body?.Resources?.[0];
      return Boolean(unityGroup?.members?.length);
    },
    { timeout: LONG, interval: 1_000, timeoutMsg: `${groupName} never arrived in Unity with its members` },
  );
  const memberUpns = [];
  for (const member of unityGroup.members) {
    const { status, body } = await sandbox.scim(`/Users/${member.value}`);
    assert.equal(status, 200, JSON.stringify(body));
    memberUpns.push(body.userName);
  }
  // Those assigned only through the group leave scope with it; the others stay.
  const leavers = memberUpns.filter((upn) => !sampleUpns.some((sample) => sample.toLowerCase() === upn.toLowerCase()));
  assert.ok(leavers.length > THRESHOLD, `more leave than the threshold allows: ${leavers}`);
  for (const upn of leavers) assert.equal((await sandbox.unityUser(upn))?.active, true, `${upn} is active in Unity`);

  const unassign = await groupItem.$('[data-testid^="unassign-"]');
  const unassignId = await unassign.getAttribute('data-testid');
  await unassign.click();
  assert.match(await text(browser, `${unassignId}-dialog`), /disable or delete/);
  await click(browser, `${unassignId}-confirm`);
  assert.match(await text(browser, 'unassign-result'), /unassigned/);

  // The next cycle holds them all back; step 3's job card names them.
  await click(browser, 'nav-entra');
  const list = await waitFor(browser, 'held-back-list', LONG);
  const held = await list.getText();
  for (const upn of leavers) assert.ok(held.includes(upn), `${upn} is named as held back: ${held}`);
  for (const upn of sampleUpns) assert.ok(!held.includes(upn), `${upn} stays in scope: ${held}`);
  assert.equal((await list.$$('li')).length, leavers.length, held);
  assert.match(await text(browser, 'job-quarantine'), /In quarantine/);
  for (const upn of leavers) assert.equal((await sandbox.unityUser(upn))?.active, true, `${upn} is still active while held`);
  const heldCycle = await text(browser, 'job-last-cycle');
  await show(browser, 'held-back');
  await screenshot(browser, 'beyond-04-held-back');

  // Allowed and confirmed: the next cycle disables them in Unity.
  // WebKitGTK's WebDriver reads a Fluent button's text as empty; its textContent is what shows.
  assert.equal(await (await waitFor(browser, 'allow-deletions')).getProperty('textContent'), 'Allow these deletions');
  await click(browser, 'allow-deletions');
  assert.match(await text(browser, 'allow-deletions-dialog'), new RegExp(`Allow ${leavers.length} deletions\\?`));
  await click(browser, 'allow-deletions-confirm');
  assert.match(await text(browser, 'job-action-done'), /Allowed/);
  await browser.waitUntil(
    async () => {
      for (const upn of leavers) if ((await sandbox.unityUser(upn))?.active === true) return false;
      return true;
    },
    { timeout: LONG, interval: 1_000, timeoutMsg: `the released deletions never reached Unity: ${leavers}` },
  );
  for (const upn of sampleUpns) assert.equal((await sandbox.unityUser(upn))?.active, true, `${upn} stays active`);
  // The card, read again by itself, holds nothing back and reports a later cycle.
  await browser.waitUntil(
    async () => !(await (await browser.$('[data-testid="held-back"]')).isExisting()) && (await text(browser, 'job-last-cycle')) !== heldCycle,
    { timeout: LONG, timeoutMsg: 'the card never showed a cycle after the release' },
  );
  assert.match(await text(browser, 'job-state'), /Running/);
  await show(browser, 'job-card');
  await screenshot(browser, 'beyond-05-deletions-released');
});
