// Journey: an admin provisions a person of a domain the Unity organization has not validated
// (the sandbox seeds every tenth person in its pending domain, fabrikam.com). Step 4 warns
// before anything is sent, naming the domain; the run fails with the cause and the fix in
// Unity's terms, Entra's raw message (with the SCIM error inside) only behind a disclosure;
// Unity has no such user afterwards; and Diagnose's provisioning logs explain the same entry
// (same change ID) the same way.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appOnSandbox, byTestId, screenshot } from './session.mjs';
import {
  choosePerson,
  click,
  connectorStep,
  entraSignInAndApp,
  entraTestAndStart,
  provisionChosen,
  retype,
  settle,
  show,
  text,
  unityStep,
  visibleText,
  waitFor,
} from './steps.mjs';

const journey = appOnSandbox();

const literally = (words) => words.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The domain said as a domain, not only inside the person's address. */
const namesDomain = (domain) => new RegExp(`(?<![@.])${literally(domain)} is not a validated domain`);
const DASHBOARD_PAGE = /Validate \S+ in the Unity Dashboard \(Administration > Single sign on > Domains\)/;
const SCIM_ERROR = /urn:ietf:params:scim:api:messages:2\.0:Error|"schemas"|The response was/;

test('a person outside the validated domains: warned first, refused in Unity’s terms, explained in the logs', { timeout: 480_000 }, async () => {
  const { browser, sandbox } = journey;
  const { pendingDomain, validatedDomain } = sandbox.profile.sandbox;
  // The seed's person 17 (crates/sandbox/src/seed.rs): k % 10 == 7 puts them in the pending domain.
  const upn = `ann.vance17@${pendingDomain}`;

  await waitFor(browser, 'view-start');
  await unityStep(browser);
  await connectorStep(browser);
  await entraSignInAndApp(browser);
  await entraTestAndStart(browser);

  // Before provisioning: the warning names the domain, the validated ones, and where to fix it.
  await choosePerson(browser, upn);
  await show(browser, 'provision-domain-warning');
  await screenshot(browser, 'unvalidated-domain-01-warning');
  const warning = await text(browser, 'provision-domain-warning');
  assert.match(warning, namesDomain(pendingDomain), warning);
  assert.match(warning, new RegExp(`validated: ${literally(validatedDomain)}`), warning);
  assert.match(warning, new RegExp(`Unity will refuse ${literally(upn)}`), warning);
  assert.match(warning, DASHBOARD_PAGE, warning);

  // Provisioning fails, and the card says why in Unity's terms, once.
  const summary = await provisionChosen(browser);
  assert.match(summary, /1 failed/, summary);
  const card = await show(browser, 'timeline');
  await card.scrollIntoView({ block: 'start' });
  await settle(browser);
  await screenshot(browser, 'unvalidated-domain-02-card');
  assert.equal(await card.getAttribute('data-verdict'), 'failure');
  const cause = await text(browser, 'timeline-cause');
  assert.match(cause, namesDomain(pendingDomain), cause);
  assert.match(cause, new RegExp(`validated domains are ${literally(validatedDomain)}`), cause);
  const fix = await text(browser, 'timeline-fix');
  assert.match(fix, DASHBOARD_PAGE, fix);
  assert.match(fix, new RegExp(`Validate ${literally(pendingDomain)} `), fix);
  assert.doesNotMatch(fix, /Diagnose/, fix);
  const page = await visibleText(browser);
  assert.equal(page.split(cause).length - 1, 1, `the cause is said once: ${page}`);
  assert.equal(page.split(fix.replace(/^Fix: /, '')).length - 1, 1, `the fix is said once: ${page}`);

  // Entra's raw message, with the SCIM error JSON inside, only once its disclosure is opened.
  assert.doesNotMatch(page, SCIM_ERROR, 'no raw SCIM error on screen before the disclosure is opened');
  const disclosure = await browser.$(byTestId('timeline-entra-message'));
  assert.doesNotMatch(await visibleText(browser, disclosure), SCIM_ERROR);
  await (await disclosure.$('summary')).click();
  await settle(browser);
  const raw = await visibleText(browser, disclosure);
  assert.match(raw, /urn:ietf:params:scim:api:messages:2\.0:Error/, raw);
  assert.match(raw, new RegExp(literally(pendingDomain)), raw);
  await screenshot(browser, 'unvalidated-domain-03-entra-message');
  const changeId = (await text(browser, 'timeline-change-id')).split(': ').pop();

  // Unity has no such user.
  assert.equal(await sandbox.unityUser(upn), undefined, `${upn} must not exist in Unity`);

  // Diagnose's provisioning logs explain the same entry (its change ID) in Unity's terms.
  await click(browser, 'nav-diagnose');
  await retype(browser, 'logs-person', upn);
  await click(browser, 'logs-search');
  await waitFor(browser, 'logs-table', 120_000);
  const row = await browser.$(`//tr[@data-testid="logs-row"][.//*[@data-testid="logs-on-demand"]]`);
  await row.waitForDisplayed({ timeout: 60_000 });
  await row.scrollIntoView({ block: 'center' });
  await settle(browser);
  await screenshot(browser, 'unvalidated-domain-04-logs');
  const seen = await visibleText(browser, row);
  assert.match(seen, new RegExp(literally(changeId)), `the on-demand entry is the card's: ${seen}`);
  const logCause = await (await row.$(byTestId('log-unity-cause'))).getText();
  assert.match(logCause, namesDomain(pendingDomain), logCause);
  assert.match(await (await row.$(byTestId('log-unity-fix'))).getText(), DASHBOARD_PAGE);
  assert.doesNotMatch(seen, SCIM_ERROR, `Entra's message stays behind its disclosure: ${seen}`);
  await (await row.$(`${byTestId('log-entra-message')} summary`)).click();
  await settle(browser);
  assert.match(await visibleText(browser, row), /urn:ietf:params:scim:api:messages:2\.0:Error/);
});
