// The wizard's steps as a person takes them in the real window, shared by the journeys.
import assert from 'node:assert/strict';
import { Key } from 'webdriverio';
import { byTestId } from './session.mjs';

const LONG = 60_000;

export async function click(browser, id) {
  const element = await browser.$(byTestId(id));
  await element.waitForClickable({ timeout: LONG });
  await element.click();
}

/** Clicks a button that asks first (a lasting change in a tenant), and confirms. */
export async function clickAndConfirm(browser, id) {
  await click(browser, id);
  await click(browser, `${id}-confirm`);
}

export async function waitFor(browser, id, timeout = LONG) {
  const element = await browser.$(byTestId(id));
  await element.waitForDisplayed({ timeout });
  return element;
}

export async function text(browser, id, timeout = LONG) {
  return (await waitFor(browser, id, timeout)).getText();
}

/** Fluent draws its own radio over a hidden input: choose it by its label, as a person does. */
export async function chooseRadio(browser, label) {
  const element = await browser.$(`label=${label}`);
  await element.waitForClickable({ timeout: LONG });
  await element.click();
}

/** Lets the webview paint what the DOM already holds (two animation frames). */
export async function settle(browser) {
  await browser.execute(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
}

/** Scrolls a result into view before a screenshot, so the picture shows it. */
export async function show(browser, id) {
  const element = await waitFor(browser, id);
  await element.scrollIntoView({ block: 'center' });
  await settle(browser);
  return element;
}

/** The text a person can see in `element` (the page when none is given): text that is laid
 * out, so nothing inside a closed <details>. (WebKitWebDriver's getText includes that text.) */
export async function visibleText(browser, element) {
  return browser.execute((root) => {
    const walker = document.createTreeWalker(root ?? document.body, NodeFilter.SHOW_TEXT);
    const parts = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const range = document.createRange();
      range.selectNodeContents(node);
      if (range.getClientRects().length > 0) parts.push(node.textContent);
    }
    return parts.join('');
  }, element ?? null);
}

export async function typeInto(browser, id, value) {
  const element = await browser.$(byTestId(id));
  await element.waitForDisplayed({ timeout: LONG });
  await element.setValue(value);
}

/** Replaces what a filled field says as a person does: select all, delete, type. (WebDriver's
 * Element Clear empties the DOM value behind React's back, which puts the old text back.) */
export async function retype(browser, id, value) {
  const element = await browser.$(byTestId(id));
  await element.waitForDisplayed({ timeout: LONG });
  await element.click();
  await browser.keys([Key.Ctrl, 'a']);
  await browser.keys([Key.Backspace]);
  await element.addValue(value);
}

/** Step 1 on the API road: sign in (simulated), then the service account and token. */
export async function unityStep(browser) {
  await click(browser, 'nav-unity');
  await click(browser, 'unity-sign-in');
  await waitFor(browser, 'unity-signed-in');
  await click(browser, 'unity-ensure');
  assert.match(await text(browser, 'unity-result'), /ends in …\S{4}/);
}

/** Step 2: fetch the URL from Unity and replay Entra's calls. */
export async function connectorStep(browser) {
  await click(browser, 'nav-connector');
  await click(browser, 'connector-resolve');
  const url = await browser.$(byTestId('connector-url'));
  await browser.waitUntil(async () => (await url.getValue()).startsWith('http'), { timeout: LONG });
  await click(browser, 'connector-test');
  assert.match(await text(browser, 'connector-checks-summary'), /0 failed/);
}

/** Step 3 up to the app and its job: sign in (simulated browser), find or create the app. */
export async function entraSignInAndApp(browser) {
  await click(browser, 'nav-entra');
  await click(browser, 'entra-sign-in-browser');
  await waitFor(browser, 'entra-account');
  await click(browser, 'entra-use-app');
  // A new tenant has no app of that name: accept the offer to create it.
  await browser.waitUntil(
    async () =>
      (await (await browser.$(byTestId('entra-app-result'))).isDisplayed()) ||
      (await (await browser.$(byTestId('entra-create-app'))).isDisplayed()),
    { timeout: LONG },
  );
  if (await (await browser.$(byTestId('entra-create-app'))).isDisplayed()) await clickAndConfirm(browser, 'entra-create-app');
  return text(browser, 'entra-app-result', 120_000);
}

export async function entraTestAndStart(browser) {
  await click(browser, 'entra-test');
  await waitFor(browser, 'entra-verdict', 120_000);
  await click(browser, 'entra-save-start');
  await waitFor(browser, 'entra-started');
  await waitFor(browser, 'job-state');
}

/** Types `value` into step 4's picker and answers its first row once the search for all of it
 * has answered: the picker searches on every keystroke, so rows for the first letters can show
 * while the rest is still being typed. */
export async function searchPicker(browser, value) {
  await typeInto(browser, 'picker-search', value);
  await browser.waitUntil(async () => !(await browser.$(byTestId('picker-searching')).isExisting()), {
    timeout: LONG,
    timeoutMsg: `the picker's search for "${value}" did not end`,
  });
  const option = await browser.$(`${byTestId('picker-results')} [role="option"]`);
  await option.waitForDisplayed({ timeout: LONG });
  return option;
}

/** Step 4, choosing one person: search the directory by the part before the @ and pick the
 * first result. Nothing is assigned or provisioned yet. */
export async function choosePerson(browser, upn) {
  await click(browser, 'nav-provision');
  const option = await searchPicker(browser, upn.split('@')[0]);
  await option.click();
  await waitFor(browser, 'picker-selected');
}

/** Step 4, provisioning whoever is chosen on demand (someone not yet assigned is assigned
 * first, which the button asks about). Answers the run's summary. */
export async function provisionChosen(browser) {
  await click(browser, 'provision-run');
  const confirm = await browser.$(byTestId('provision-run-confirm'));
  if (await confirm.waitForClickable({ timeout: 5_000 }).catch(() => false)) await confirm.click();
  return text(browser, 'provision-summary', 180_000);
}

/** Step 4 for one person: choose them, then provision on demand. Answers the run's summary. */
export async function provisionPerson(browser, upn) {
  await choosePerson(browser, upn);
  return provisionChosen(browser);
}
