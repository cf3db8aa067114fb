// Starts the real app through tauri-driver and hands the journey a WebdriverIO browser.
// Each session gets its own empty data folder, so journeys never see each other's journal.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { remote } from 'webdriverio';

const app = process.env.SCIM_SETUP_E2E_APP;
export const artifacts = process.env.SCIM_SETUP_E2E_ARTIFACTS ?? path.resolve('artifacts');

// `options.sandbox: false` leaves out --sandbox (pass --profile FILE in extraArgs instead);
// `options.dataDir` reuses a data folder, so a relaunch finds the journal of the last run.
export async function openApp(extraArgs = [], options = {}) {
  if (!app) throw new Error('SCIM_SETUP_E2E_APP must name the app binary (scripts/e2e.sh sets it)');
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'scim-setup-e2e-'));
  const modeArgs = options.sandbox === false ? [] : ['--sandbox'];
  const launch = options.sandbox === false ? inRunnerSession(app) : { application: app, args: [] };
  const browser = await remote({
    hostname: '127.0.0.1',
    port: 4444,
    logLevel: 'warn',
    connectionRetryTimeout: 30_000,
    connectionRetryCount: 1,
    capabilities: {
      'wdio:enforceWebDriverClassic': true,
      'tauri:options': {
        application: launch.application,
        args: [...launch.args, ...modeArgs, '--data-dir', dataDir, ...extraArgs],
      },
    },
  });
  return { browser, dataDir };
}

// With a real profile the app keeps secrets in the keychain: it must reach this runner's
// D-Bus session (scripts/isolated.sh gives it an unlocked, throwaway keyring), whatever
// session tauri-driver itself was started in. A small wrapper sets it before starting the app.
function inRunnerSession(application) {
  const names = ['DBUS_SESSION_BUS_ADDRESS', 'HOME', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME'];
  const lines = names
    .filter((name) => process.env[name])
    .map((name) => `export ${name}='${process.env[name].replaceAll("'", "'\\''")}'`);
  if (!lines.length) return { application, args: [] };
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'scim-setup-session-')), 'env.sh');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const wrapper = path.join(path.dirname(new URL(import.meta.url).pathname), 'app-in-session.sh');
  return { application: wrapper, args: [file, application] };
}

export async function screenshot(browser, name) {
  mkdirSync(artifacts, { recursive: true });
  const file = path.join(artifacts, `${name}.png`);
  await browser.saveScreenshot(file);
  return file;
}

export const byTestId = (id) => `[data-testid="${id}"]`;
