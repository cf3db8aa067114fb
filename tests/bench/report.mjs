// Turns the figures scripts/bench.sh collected (JSON lines: key, unit, samples, note) into
// BENCHMARKS.md: the machine, date, commit and command, each goal with its figure, the figure it
// is compared with and the ratio, then every figure as median with min and max.
// A benchmark reports; it never fails on a goal.
// Usage: node report.mjs FIGURES.jsonl tests/bench/notes.md > BENCHMARKS.md (as scripts/bench.sh does)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

const [figuresFile, notesFile] = process.argv.slice(2);
const figures = new Map();
for (const line of readFileSync(figuresFile, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const figure = JSON.parse(line);
  const previous = figures.get(figure.key);
  // A key recorded twice (two runs of one bench) pools its samples.
  if (previous) previous.samples.push(...figure.samples);
  else figures.set(figure.key, { ...figure, samples: [...figure.samples] });
}

const sortedOf = (samples) => [...samples].sort((a, b) => a - b);
function quantile(samples, q) {
  const sorted = sortedOf(samples);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(sorted.length * q))) - 1];
}
const median = (samples) => quantile(samples, 0.5);

function show(value, unit) {
  if (!Number.isFinite(value)) return '–';
  if (unit === 'bytes') {
    if (value >= 1024 * 1024) return `${(value / 1024 / 1024).toFixed(2)} MB`;
    return `${(value / 1024).toFixed(1)} kB`;
  }
  if (unit === 'requests') return `${value.toFixed(0)} requests`;
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${unit}`;
}

function spread(figure, stat = median) {
  const value = stat(figure.samples);
  if (figure.samples.length < 2) return `${show(value, figure.unit)} (1 run)`;
  const sorted = sortedOf(figure.samples);
  return `${show(value, figure.unit)} (${show(sorted[0], figure.unit)} – ${show(sorted.at(-1), figure.unit)}, ${sorted.length} runs)`;
}

// A run's request count (median over the runs), for a row's description.
function requestsOf(key) {
  const figure = figures.get(key);
  return figure ? median(figure.samples).toFixed(0) : '?';
}

// Each goal: the figure, what it is measured against, how the ratio is formed, and the goal
// (without `met`, a figure that is only reported).
const p95 = (samples) => quantile(samples, 0.95);
const goals = [
  { what: 'Start-up: launch to first meaningful paint', key: 'startup.scim-setup.paint', against: 'startup.minimal.paint', againstName: 'minimal Tauri window', goal: '≤ 1.25×', met: (r) => r <= 1.25 },
  { what: 'Start-up: idle memory (RSS, app + WebKit processes)', key: 'startup.scim-setup.rss', against: 'startup.minimal.rss', againstName: 'minimal Tauri window', goal: '≤ 1.25×', met: (r) => r <= 1.25 },
  ...['adele.vance4', 'adele', 'a'].flatMap((query) => [
    { what: `Picker "${query}": keystroke to rendered rows, p50`, key: `picker.window.${query}`, against: `picker.raw.${query}`, againstName: 'raw HTTP round trip, p50', goal: '≤ 1.2×', met: (r) => r <= 1.2 },
    { what: `Picker "${query}": keystroke to rendered rows, p95`, key: `picker.window.${query}`, against: `picker.raw.${query}`, againstName: 'raw HTTP round trip, p95', stat: p95, goal: '≤ 1.2×', met: (r) => r <= 1.2 },
    { what: `Picker "${query}": the engine's search call, p50`, key: `picker.engine.${query}`, against: `picker.raw.${query}`, againstName: 'raw HTTP round trip, p50', goal: '(part of the 1.2×)', met: (r) => r <= 1.2 },
  ]),
  // Throughput counts only when nobody was lost or made twice (checked in Unity's SCIM state).
  ...['per-user', 'group'].map((form) => ({
    what: `Provision on demand, 200 users, ${form === 'group' ? 'group form' : 'one per call'}: throughput, none lost or twice`,
    key: `provision.${form}.bound`,
    against: `provision.${form}.wall`,
    againstName: 'wall time (bound ÷ wall)',
    goal: '≥ 0.95, 0 lost',
    met: (r) => r >= 0.95 && (figures.get(`provision.${form}.lost`)?.samples[0] ?? 1) === 0,
  })),
  { what: 'Diagnosis at 20 ms per request: wall time', key: 'diagnose.latency20.wall', against: 'diagnose.latency20.sum', againstName: "sum of its requests' own times", goal: '< 0.5', met: (r) => r < 0.5 },
  // No goal was set for the preview: the figures and the ratio to the pacing floor, reported.
  {
    what: `Preview of 10,000 assigned users: wall time (${requestsOf('preview.requests.graph')} Graph + ${requestsOf('preview.requests.unity')} Unity SCIM requests)`,
    key: 'preview.wall',
    against: 'preview.bound',
    againstName: "floor of Unity's pacing (20 requests/s)",
    goal: '(none set; reported)',
  },
];

function git(...args) {
  try {
    return execFileSync('git', args, { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}
const cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.arch();
const osName = /PRETTY_NAME="(.*)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? os.type();
const dirty = git('status', '--porcelain', '--untracked-files=no') ? ' (with uncommitted changes)' : '';

const out = [];
out.push('# Benchmarks', '');
out.push('Written by `scripts/bench.sh`; every figure below comes from that one run. A benchmark prints: a figure that misses its goal is reported here, never a failed build.', '');
out.push(`- **Machine:** ${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GB RAM, ${osName}, kernel ${os.release()}; load average at the end ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}`);
out.push(`- **Date:** ${new Date().toISOString().replace('T', ' ').replace(/\..*/, ' UTC')}`);
out.push(`- **Commit:** ${git('rev-parse', '--short=12', 'HEAD')}${dirty} (${git('log', '-1', '--format=%s')})`);
out.push('- **Command:** `scripts/bench.sh` (release build, see the profile in `Cargo.toml`)', '');

out.push('## Goals', '');
out.push('| what | figure (median, min – max) | compared with | ratio | goal | |');
out.push('|---|---|---|---|---|---|');
for (const goal of goals) {
  const figure = figures.get(goal.key);
  const against = figures.get(goal.against);
  if (!figure || !against) continue;
  const stat = goal.stat ?? median;
  const ratio = stat(figure.samples) / stat(against.samples);
  out.push(
    `| ${goal.what} | ${spread(figure, stat)} | ${goal.againstName}: ${spread(against, stat)} | ${ratio.toFixed(2)} | ${goal.goal} | ${goal.met ? (goal.met(ratio) ? 'meets' : '**misses**') : 'reported'} |`,
  );
}
const missing = goals.filter((goal) => !figures.get(goal.key) || !figures.get(goal.against)).map((goal) => goal.what);
if (missing.length) out.push('', `Not measured in this run: ${[...new Set(missing)].join('; ')}.`);

out.push('', '## Every figure', '');
out.push('| figure | median | min | max | runs | note |');
out.push('|---|---|---|---|---|---|');
for (const [key, figure] of [...figures].sort(([a], [b]) => a.localeCompare(b))) {
  const sorted = sortedOf(figure.samples);
  out.push(
    `| \`${key}\` | ${show(median(sorted), figure.unit)} | ${show(sorted[0], figure.unit)} | ${show(sorted.at(-1), figure.unit)} | ${sorted.length} | ${figure.note ?? ''} |`,
  );
}
if (notesFile) out.push('', readFileSync(notesFile, 'utf8').trim());
console.log(out.join('\n'));
