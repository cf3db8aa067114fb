// The app's log after a journey: every line of the data folder's logs/ (tracing-appender's
// daily files), and the lines that would carry a secret. Mirrors `secret_lines` in
// src-tauri/tests/it/cli_support.rs (the CLI journey's check).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export function logLines(dataDir) {
  const folder = path.join(dataDir, 'logs');
  let files = [];
  try {
    files = readdirSync(folder);
  } catch {
    return [];
  }
  return files.flatMap((file) => readFileSync(path.join(folder, file), 'utf8').split('\n')).filter(Boolean);
}

/** A run of at least `min` token characters right after `marker`. */
function longRunAfter(line, marker, min) {
  let at = line.indexOf(marker);
  while (at !== -1) {
    const rest = line.slice(at + marker.length);
    const run = /^[A-Za-z0-9_-]*/.exec(rest)[0].length;
    if (run >= min) return true;
    at = line.indexOf(marker, at + 1);
  }
  return false;
}

/**
 * Lines that carry something secret: one of `known` (the SCIM bearer token…), a JWT (every
 * sandbox access and id token is one), a sandbox refresh token (`1.` and 86 base64url
 * characters), an unredacted `Bearer` value, or an OAuth form field with a value.
 */
export function secretLines(lines, known) {
  const fields = ['refresh_token=', 'code_verifier=', 'device_code=', 'access_token='];
  return lines.filter(
    (line) =>
      known.some((secret) => secret && line.includes(secret)) ||
      line.includes('eyJ') ||
      longRunAfter(line, '1.', 80) ||
      longRunAfter(line, 'Bearer ', 8) ||
      fields.some((field) => longRunAfter(line, field, 8)),
  );
}
