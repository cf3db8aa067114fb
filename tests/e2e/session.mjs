// Starts the real app through tauri-driver and hands the journey a WebdriverIO browser.
// Each session gets its own empty data folder, so journeys never see each other's journal.
import { mkdtempSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { remote } from 'webdriverio';
import { startSandbox } from './sandbox.mjs';

const app = process.env.SCIM_SETUP_E2E_APP;
export const artifacts = process.env.SCIM_SETUP_E2E_ARTIFACTS ?? path.resolve('artifacts');

// `options.sandbox: false` leaves out --sandbox (pass --profile FILE in extraArgs instead);
// `options.dataDir` reuses a data folder, so a relaunch finds the journal of the last run.
export async function openApp(extraArgs = [], options = {}) {
  if (!app) throw new Error('SCIM_SETUP_E2E_APP must name the app binary (scripts/e2e.sh sets it)');
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'scim-setup-e2e-'));
  const modeArgs = options.sandbox === false ? [] : ['--sandbox'];
  const browser = await remote({
    hostname: '127.0.0.1',
    port: Number(process.env.SCIM_SETUP_E2E_PORT ?? 4444),
    logLevel: 'warn',
    connectionRetryTimeout: 30_000,
    connectionRetryCount: 1,
    capabilities: {
      'wdio:enforceWebDriverClassic': true,
      'tauri:options': {
        // tauri-driver runs in the journeys' isolated session (scripts/e2e.sh), so the app
        // it starts shares their throwaway HOME, D-Bus session and unlocked keyring.
        application: app,
        args: [...modeArgs, '--data-dir', dataDir, ...extraArgs],
      },
    },
  });
  return { browser, dataDir };
}

export async function screenshot(browser, name) {
  mkdirSync(artifacts, { recursive: true });
  const file = path.join(artifacts, `${name}.png`);
  // Right after launch WebKitGTK can hand WebDriver a frame it has not composited yet: an
  // all-white PNG of a few kB. Wait for two animation frames, and take it again while the
  // picture is that blank (a rendered page is tens of kB).
  for (let attempt = 0; attempt < 10; attempt += 1) {
    await browser.execute(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    await browser.saveScreenshot(file);
    if (statSync(file).size > 10_000) break;
    await new Promise((done) => setTimeout(done, 300));
  }
  return file;
}

export const byTestId = (id) => `[data-testid="${id}"]`;

/**
 * Registers the journey's before/after hooks: a sandbox in its own process (`sandboxArgs`
 * go to `scim-setup sandbox`) and the app pointed at it with `--profile`. The returned
 * object gets `sandbox`, `browser` and `dataDir` once the hooks have run.
 */
export function appOnSandbox(sandboxArgs = []) {
  const journey = {};
  before(async () => {
    journey.sandbox = await startSandbox(sandboxArgs);
    Object.assign(journey, await openApp(['--profile', journey.sandbox.profileFile], { sandbox: false }));
  });
  after(async () => {
    await journey.browser?.deleteSession();
    journey.sandbox?.stop();
  });
  return journey;
}
