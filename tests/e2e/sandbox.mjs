// A sandbox that outlives the app: `scim-setup sandbox` in its own process, its profile
// written to a file for `--profile`, and its control endpoint for faults and state.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

export async function startSandbox(extraArgs = []) {
  const app = process.env.SCIM_SETUP_E2E_APP;
  if (!app) throw new Error('SCIM_SETUP_E2E_APP must name the app binary (scripts/e2e.sh sets it)');
  const child = spawn(app, ['sandbox', ...extraArgs], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the sandbox printed no profile within 20 s')), 20_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`the sandbox exited early (${code})`)));
  });
  const profile = JSON.parse(first);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'scim-setup-profile-')), 'sandbox.json');
  writeFileSync(file, first);
  const control = profile.sandbox.control;
  return {
    profile,
    profileFile: file,
    async state() {
      const response = await fetch(`${control}/state`);
      return response.json();
    },
    /** A GET on the sandbox's Unity SCIM server (`path` after the base URL), as Entra calls it:
     * with the profile's token unless given another. Answers the status and the JSON body. */
    async scim(pathAndQuery, token = profile.sandbox.scimBearerToken) {
      const response = await fetch(`${profile.sandbox.scimBaseUrl}${pathAndQuery}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return { status: response.status, body: await response.json().catch(() => undefined) };
    },
    /** The person as Unity's SCIM server has them, or undefined. */
    async unityUser(upn) {
      const { status, body } = await this.scim(`/Users?filter=${encodeURIComponent(`userName eq "${upn}"`)}`);
      if (status !== 200) throw new Error(`Unity's SCIM server answered ${status}: ${JSON.stringify(body)}`);
      return body.Resources?.[0];
    },
    async fault(spec) {
      const response = await fetch(`${control}/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ spec }),
      });
      if (response.status !== 201) throw new Error(`fault ${spec}: ${response.status} ${await response.text()}`);
    },
    stop() {
      child.kill('SIGTERM');
    },
  };
}
