// The picker in the real window at 100,000 users, over WebDriver: a sandbox of that size in its
// own process, steps 1 to 3 as a person takes them, then for each query the time from the
// keystroke (an input event in the page) to its rows on screen, and the rows the list renders.
// The picker searches on the keystroke itself (no debounce; a newer key supersedes the search),
// so the figure is the whole wait a person sees once they stop typing.
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
const QUERIES = ['adele.vance4', 'adele', 'a'];

/**
 * In the page: types `query` into the picker (one input event, as a keystroke delivers it) and
 * resolves once the search it starts has ended and its rows are on screen (the frame after the
 * commit): the time from the keystroke, from the search's start (when its "Searching…" spinner
 * appears, in the keystroke's own render), the rows in the DOM and the count the picker shows.
 * Member counts come in after the rows and are not waited for: the rows are what the person
 * reads and moves through.
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
          afterStart: end - searchStarted,
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
 * plus Graph, and the rendering after it. `rows` is when its "found" event (the rows, before
 * any member count) arrives, as the picker shows them; `counted` when the answer (with the
 * counts) does.
 */
function ipcTime(query, done) {
  const internals = window.__TAURI_INTERNALS__;
  const started = performance.now();
  let rows = NaN;
  // A raw channel: each message comes as {message, index} (or, small ones, possibly bare).
  const channel = internals.transformCallback((payload) => {
    const event = payload?.message ?? payload;
    if (event?.type === 'found' && Number.isNaN(rows)) rows = performance.now() - started;
  });
  internals
    .invoke('directory_search', {
      operationId: `bench-ipc-${Math.random()}`,
      text: query,
      top: 999,
      onEvent: `__CHANNEL__:${channel}`,
    })
    .then(
      (found) => {
        const counted = performance.now() - started;
        // The "found" event may be fetched after the answer arrives; give it a moment.
        const finish = () => done({ rows: Number.isNaN(rows) ? counted : rows, counted, found: found.length });
        if (Number.isNaN(rows)) setTimeout(finish, 50);
        else finish();
      },
      (error) => done({ error: String(error?.message ?? error) }),
    );
}

/** Clears the search box and waits until the list is gone, so the next search starts fresh. */
function clear(done) {
  const input = document.querySelector('[data-testid="picker-search"]');
  const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  setValue.call(input, '');
  input.dispatchEvent(new Event('input', { bubbles: true }));
  // An empty search sends nothing (and stops any in flight): the next search starts from rest.
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
    const afterStart = [];
    let rows = 0;
    let shown = '';
    for (let run = 0; run < RUNS + 1; run += 1) {
      await browser.executeAsync(clear);
      const result = await browser.executeAsync(typeAndTime, query);
      if (result.error) throw new Error(result.error);
      // The first search of each query warms caches on both sides: not recorded.
      if (run === 0) continue;
      totals.push(Math.round(result.total * 10) / 10);
      afterStart.push(Math.round(result.afterStart * 10) / 10);
      rows = result.rows;
      shown = result.shown;
    }
    const ipc = [];
    const ipcCounted = [];
    for (let run = 0; run < RUNS; run += 1) {
      const result = await browser.executeAsync(ipcTime, query);
      if (result.error) throw new Error(result.error);
      ipc.push(Math.round(result.rows * 10) / 10);
      ipcCounted.push(Math.round(result.counted * 10) / 10);
    }
    console.log(JSON.stringify({ key: `picker.ipc.${query}`, unit: 'ms', samples: ipc, note: `"${query}": directory_search called from the page, no rendering, until its rows arrive` }));
    console.log(JSON.stringify({ key: `picker.ipc-counted.${query}`, unit: 'ms', samples: ipcCounted, note: `"${query}": the same call until its answer, member counts included` }));
    const note = `"${query}": the picker shows ${shown}, ${rows} rows in the DOM`;
    console.log(JSON.stringify({ key: `picker.window.${query}`, unit: 'ms', samples: totals, note: `${note}; from the keystroke, no debounce` }));
    console.log(JSON.stringify({ key: `picker.window-after-start.${query}`, unit: 'ms', samples: afterStart, note }));
    console.log(JSON.stringify({ key: `picker.rows.${query}`, unit: 'rows', samples: [rows], note }));
    console.error(`picker "${query}": ${shown}, ${rows} rows; keystroke to rows median ${totals.sort((a, b) => a - b)[totals.length >> 1]} ms`);
    await sleep(100);
  }
} finally {
  await browser?.deleteSession();
  sandbox.stop();
}
