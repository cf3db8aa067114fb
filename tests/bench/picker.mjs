// The picker in the real window at 100,000 users, over WebDriver: a sandbox of that size in its
// own process, steps 1 to 3 as a person takes them, then for each query the time from the
// keystroke (an input event in the page) to its rows on screen, and the rows the list renders.
// Prints JSON lines (key, unit, samples, note) for report.mjs.
// Usage: node picker.mjs APP_BINARY   (with tauri-driver on SCIM_SETUP_E2E_PORT)
import { setTimeout as sleep } from 'node:timers/promises';

const [app] = process.argv.slice(2);
process.env.SCIM_SETUP_E2E_APP = app;
const { startSandbox } = await import('../e2e/sandbox.mjs');
const { openApp } = await import('../e2e/session.mjs');
const { click, connectorStep, entraSignInAndApp, entraTestAndStart, unityStep, waitFor } = await import(
  '../e2e/steps.mjs'
);

const USERS = 100_000;
const RUNS = 15;
// The picker waits this long after the last keystroke before it searches (useDebounced).
const DEBOUNCE_MS = 300;
const QUERIES = ['adele.vance4', 'adele', 'a'];

/**
 * In the page: types `query` into the picker (one input event, as a keystroke delivers it) and
 * resolves once the search it starts has ended and its rows are on screen (the frame after the
 * commit): the time from the keystroke, from the search's start (after the debounce, when its
 * "Searching…" spinner appears), the rows in the DOM and the count the picker shows.
 */
function typeAndTime(query, done) {
  const input = document.querySelector('[data-testid="picker-search"]');
  const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  const searching = () => [...document.querySelectorAll('label')].some((l) => l.textContent === 'Searching…');
  const rows = () => document.querySelectorAll('[data-testid="picker-results"] [role="option"]').length;
  let searchStarted = NaN;
  let finished = false;
  const finish = (result) => {
    if (finished) return;
    finished = true;
    observer.disconnect();
    clearTimeout(timeout);
    done(result);
  };
  const observer = new MutationObserver(() => {
    if (Number.isNaN(searchStarted)) {
      if (searching()) searchStarted = performance.now();
      return;
    }
    if (!searching() && rows() > 0) {
      requestAnimationFrame(() => {
        const end = performance.now();
        finish({
          total: end - started,
          afterDebounce: end - searchStarted,
          rows: rows(),
          shown: document.querySelector('[data-testid="picker-count"]')?.textContent ?? '',
        });
      });
    }
  });
  observer.observe(document.body, { childList: true, subtree: true, characterData: true });
  const timeout = setTimeout(() => finish({ error: `no rows for "${query}" within 60 s` }), 60_000);
  const started = performance.now();
  setValue.call(input, query);
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

/**
 * In the page: the engine's search as the picker calls it, over IPC (`directory_search`, the
 * same text and top), without the picker: splits the window's figure into IPC plus engine
 * plus Graph, and the rendering after it.
 */
function ipcTime(query, done) {
  const started = performance.now();
  window.__TAURI_INTERNALS__
    .invoke('directory_search', { operationId: `bench-ipc-${Math.random()}`, text: query, top: 999 })
    .then(
      (found) => done({ ms: performance.now() - started, found: found.length }),
      (error) => done({ error: String(error?.message ?? error) }),
    );
}

/** Clears the search box and waits until the list is gone, so the next search starts fresh. */
function clear(done) {
  const input = document.querySelector('[data-testid="picker-search"]');
  const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  setValue.call(input, '');
  input.dispatchEvent(new Event('input', { bubbles: true }));
  // Past the debounce: an empty search sends nothing, so the next search starts from rest.
  setTimeout(done, 600);
}

const sandbox = await startSandbox(['--users', String(USERS)]);
let browser;
try {
  ({ browser } = await openApp(['--profile', sandbox.profileFile], { sandbox: false }));
  await waitFor(browser, 'view-start');
  await unityStep(browser);
  await connectorStep(browser);
  await entraSignInAndApp(browser);
  await entraTestAndStart(browser);
  await click(browser, 'nav-provision');
  await waitFor(browser, 'picker-search');
  for (const query of QUERIES) {
    const totals = [];
    const afterDebounce = [];
    let rows = 0;
    let shown = '';
    for (let run = 0; run < RUNS + 1; run += 1) {
      await browser.executeAsync(clear);
      const result = await browser.executeAsync(typeAndTime, query);
      if (result.error) throw new Error(result.error);
      // The first search of each query warms caches on both sides: not recorded.
      if (run === 0) continue;
      totals.push(Math.round(result.total * 10) / 10);
      afterDebounce.push(Math.round(result.afterDebounce * 10) / 10);
      rows = result.rows;
      shown = result.shown;
    }
    const ipc = [];
    for (let run = 0; run < RUNS; run += 1) {
      const result = await browser.executeAsync(ipcTime, query);
      if (result.error) throw new Error(result.error);
      ipc.push(Math.round(result.ms * 10) / 10);
    }
    console.log(JSON.stringify({ key: `picker.ipc.${query}`, unit: 'ms', samples: ipc, note: `"${query}": directory_search called from the page, no rendering` }));
    const note = `"${query}": the picker shows ${shown}, ${rows} rows in the DOM`;
    console.log(JSON.stringify({ key: `picker.window.${query}`, unit: 'ms', samples: totals, note: `${note}; includes the ${DEBOUNCE_MS} ms debounce` }));
    console.log(JSON.stringify({ key: `picker.window-after-debounce.${query}`, unit: 'ms', samples: afterDebounce, note }));
    console.log(JSON.stringify({ key: `picker.rows.${query}`, unit: 'rows', samples: [rows], note }));
    console.error(`picker "${query}": ${shown}, ${rows} rows; keystroke to rows median ${totals.sort((a, b) => a - b)[totals.length >> 1]} ms`);
    await sleep(100);
  }
} finally {
  await browser?.deleteSession();
  sandbox.stop();
}
