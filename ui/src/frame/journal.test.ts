// The engine computes each step's status from the journal (crates/core/src/wizard/start/resume.rs);
// this run's own checks refine it: step 2 by the last replay, step 4 by a failed run.
import type { DiagnoseReport } from '../ipc';
import { journalFixture } from '../test/journalFixture';
import { replayTarget, stepStatusFrom } from './journal';

const URL = 'http://127.0.0.1:41002/scim/v2/tenants/42';

function replay(failed: number): DiagnoseReport {
  return {
    url: URL,
    tokenHint: '…7Q2a',
    writeChecks: false,
    startedAt: '2026-11-28T22:00:00Z',
    elapsedMs: 10,
    cancelled: false,
    summary: { passed: 20 - failed, warned: 0, failed, skipped: 1 },
    checks: [],
  };
}

describe('step status', () => {
  const unity = { scimUrl: URL, tokenLastFour: '7Q2a' };

  it('keeps step 2 in progress until its test has passed, and marks it failed when it fails', () => {
    const journal = journalFixture({ done: ['unityCredentials', 'connectorUrl'], unity, steps: { unity: 'done', connector: 'inProgress' } });
    expect(stepStatusFrom(journal).connector).toBe('inProgress');
    const target = replayTarget(journal);
    expect(stepStatusFrom(journal, { replay: { report: replay(0), target, at: new Date() } }).connector).toBe('done');
    expect(stepStatusFrom(journal, { replay: { report: replay(2), target, at: new Date() } }).connector).toBe('failed');
  });

  it('forgets a replay of another URL or token', () => {
    const journal = journalFixture({ done: ['unityCredentials', 'connectorUrl'], unity, steps: { connector: 'inProgress' } });
    const stale = { report: replay(0), target: `${URL}|old1`, at: new Date() };
    expect(stepStatusFrom(journal, { replay: stale }).connector).toBe('inProgress');
  });

  it('takes step 4 back from Done after a failed run', () => {
    const journal = journalFixture({
      done: ['signInMicrosoft', 'startProvisioning', 'provisionOnDemand'],
      unity,
      steps: { entra: 'done', provision: 'done' },
    });
    expect(stepStatusFrom(journal).provision).toBe('done');
    expect(stepStatusFrom(journal, { provisionFailed: true }).provision).toBe('failed');
  });
});
