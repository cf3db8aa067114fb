// Journey: a support person finds one person's story in the provisioning logs. The sandbox's
// "Unity" app comes with a week of an earlier job's cycles (crates/sandbox, history.rs); the
// journey sets the app up, provisions that person on demand (Entra's steps shown in the
// portal's order), then searches their entries by UPN over the last 7 days, newest first with
// repeats folded, and pages back with "Show older entries" into older ones.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Key } from 'webdriverio';
import { appOnSandbox, byTestId, screenshot } from './session.mjs';
import { click, connectorStep, entraSignInAndApp, entraTestAndStart, provisionPerson, retype, settle, show, text, unityStep, waitFor } from './steps.mjs';

const journey = appOnSandbox();

/** The rows on screen: when each folded run began and ended, and how many it holds. */
async function rows(browser) {
  const found = [];
  for (const row of await browser.$$(byTestId('logs-row'))) {
    found.push({
      at: await row.getAttribute('data-at'),
      firstAt: await row.getAttribute('data-first-at'),
      count: Number(await row.getAttribute('data-count')),
    });
  }
  return found;
}

test('a person’s log entries over a week, a page at a time', { timeout: 480_000 }, async () => {
  const { browser, sandbox } = journey;
  await waitFor(browser, 'view-start');
  await unityStep(browser);
  await connectorStep(browser);
  assert.match(await entraSignInAndApp(browser), /“Unity” found/);
  await entraTestAndStart(browser);

  // Provision the person on demand: Entra's four steps in the portal's order.
  const upn = sandbox.profile.sandbox.sampleUserUpns[0];
  const summary = await provisionPerson(browser, upn);
  assert.match(summary, /0 failed/, summary);
  const steps = [];
  for (const chip of await browser.$$(`${byTestId('timeline')} ${byTestId('timeline-step')}`)) steps.push(await chip.getProperty('textContent'));
  assert.deepEqual(
    steps.slice(0, 4).map((step) => step.replace(/^→/, '').split(':')[0].trim()),
    ['Import user', 'Determine if user is in scope', 'Match user between source and target system', 'Perform action'],
    steps.join(' | '),
  );

  // Their entries over the last 7 days: today's on-demand run first, then the week's cycles.
  await click(browser, 'nav-diagnose');
  await retype(browser, 'logs-person', upn);
  // The When list by keyboard, as a person does (WebKitGTK's WebDriver cannot click into
  // Fluent's listbox portal): from the person field, Tab to the list, open it on "Last 24
  // hours", one down, Enter; back to the person field, and Enter searches.
  await click(browser, 'logs-person');
  await browser.keys(['Tab']);
  await browser.keys(['ArrowDown']);
  await browser.keys(['ArrowDown']);
  await browser.keys(['Enter']);
  const when = await browser.$(byTestId('logs-window'));
  await browser.waitUntil(async () => /Last 7 days/.test(await when.getProperty('textContent')), {
    timeout: 10_000,
    timeoutMsg: 'the When list did not take "Last 7 days"',
  });
  await browser.keys([Key.Shift, 'Tab']);
  await browser.keys([Key.Shift]);
  await browser.keys(['Enter']);
  await waitFor(browser, 'logs-table', 120_000);
  assert.match(await text(browser, 'logs-caption'), new RegExp(`for “${upn}”, in the last 7 days`));
  const firstPage = await rows(browser);
  assert.ok(firstPage.length > 1, JSON.stringify(firstPage));
  assert.ok(
    firstPage.some((row) => row.count > 1),
    `identical entries in a row are folded ("× N"): ${JSON.stringify(firstPage)}`,
  );
  assert.ok((await browser.$$(`${byTestId('logs-row')} ${byTestId('logs-on-demand')}`)).length > 0, 'the on-demand run is marked');
  const oldestShown = firstPage.map((row) => row.firstAt).sort()[0];

  // Older entries: the next page of the same search, appended below.
  await show(browser, 'logs-more');
  await click(browser, 'logs-more');
  await browser.waitUntil(async () => (await browser.$$(byTestId('logs-row'))).length > firstPage.length, {
    timeout: 120_000,
    timeoutMsg: 'no older entries appeared',
  });
  const bothPages = await rows(browser);
  const older = bothPages.slice(firstPage.length);
  assert.ok(
    older.every((row) => row.at <= oldestShown),
    `the next page is older than the first: ${oldestShown} vs ${JSON.stringify(older)}`,
  );
  const days = (Date.now() - Date.parse(older[older.length - 1].firstAt)) / 86_400_000;
  assert.ok(days > 2, `the older page reaches days back (${days.toFixed(1)} days)`);

  const lastRow = (await browser.$$(byTestId('logs-row')))[firstPage.length];
  await lastRow.scrollIntoView({ block: 'start' });
  await settle(browser);
  await screenshot(browser, 'logs-older-entries');
});
