// Start-up, measured from outside: launches a window app several times on the current DISPLAY
// and prints one JSON line per app with, for each run, the time from just before the process
// is spawned to its first-paint mark, and the resident memory once idle, summed over the app
// and every process it started (WebKit's web and network processes).
// The app writes the mark itself: its UI calls the `first_paint` command once the first view
// has painted, which writes the wall-clock time (Unix ms) to the file in SCIM_SETUP_BENCH_MARK.
// Usage: node startup.mjs RUNS IDLE_MS LABEL=BINARY[,ARG...] ...
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const [runsArg, idleArg, ...appArgs] = process.argv.slice(2);
const runs = Number(runsArg);
const idleMs = Number(idleArg);
if (!(runs > 0) || !(idleMs >= 0) || appArgs.length === 0) {
  console.error('usage: node startup.mjs RUNS IDLE_MS LABEL=BINARY[,ARG...] ...');
  process.exit(2);
}
const apps = appArgs.map((spec) => {
  const [label, command] = spec.split(/=(.*)/s);
  const [binary, ...args] = command.split(',');
  return { label, binary, args, paintMs: [], pageMs: [], rssMb: [] };
});

/** Every process id whose ancestry reaches `root`, root included. */
function processTree(root) {
  const parents = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: the fields after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(fields[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  const tree = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, parent] of parents) {
      if (!tree.has(pid) && tree.has(parent)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  return [...tree];
}

function residentKb(pid) {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

async function runOnce(app) {
  const scratch = mkdtempSync(path.join(tmpdir(), 'scim-setup-bench-'));
  const mark = path.join(scratch, 'first-paint');
  const started = performance.timeOrigin + performance.now();
  const child = spawn(app.binary, app.args, {
    env: { ...process.env, SCIM_SETUP_BENCH_MARK: mark, SCIM_SETUP_DATA_DIR: path.join(scratch, 'data') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  let exited = false;
  child.on('exit', () => (exited = true));
  const deadline = Date.now() + 60_000;
  while (!existsSync(mark) || readFileSync(mark, 'utf8').trim() === '') {
    if (exited || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${app.label} never reported its first paint.\n${stderr.slice(-2000)}`);
    }
    await sleep(2);
  }
  // "<painted> <page origin>", Unix ms: the page origin splits the start-up into the native
  // part (exec, GTK, WebKit's processes) and the page's (HTML, JavaScript, first render).
  const [paintedAt, pageOrigin] = readFileSync(mark, 'utf8').trim().split(/\s+/).map(Number);
  const paint = paintedAt - started;
  const page = pageOrigin > 0 ? paintedAt - pageOrigin : NaN;
  await sleep(idleMs);
  const rss = processTree(child.pid).reduce((sum, pid) => sum + residentKb(pid), 0) / 1024;
  const gone = new Promise((done) => (exited ? done() : child.on('exit', done)));
  child.kill('SIGTERM');
  await Promise.race([gone, sleep(5_000)]);
  if (!exited) child.kill('SIGKILL');
  await gone;
  rmSync(scratch, { recursive: true, force: true });
  return { paint, page, rss };
}

// One unrecorded launch each first: the page cache then holds both binaries and WebKit.
for (const app of apps) await runOnce(app);
for (let run = 0; run < runs; run += 1) {
  for (const app of apps) {
    const { paint, page, rss } = await runOnce(app);
    app.paintMs.push(Math.round(paint * 10) / 10);
    if (Number.isFinite(page)) app.pageMs.push(Math.round(page * 10) / 10);
    app.rssMb.push(Math.round(rss * 10) / 10);
    console.error(
      `${app.label} run ${run + 1}: first paint ${paint.toFixed(0)} ms (the page's part ${page.toFixed(0)} ms), idle RSS ${rss.toFixed(0)} MB`,
    );
  }
}
for (const app of apps) {
  console.log(JSON.stringify({ key: `startup.${app.label}.paint`, unit: 'ms', samples: app.paintMs }));
  console.log(JSON.stringify({ key: `startup.${app.label}.rss`, unit: 'MB', samples: app.rssMb }));
  if (app.pageMs.length) {
    const note = "from the page's navigation start (performance.timeOrigin) to the mark: HTML, JavaScript, first render";
    console.log(JSON.stringify({ key: `startup.${app.label}.page`, unit: 'ms', samples: app.pageMs, note }));
  }
}
