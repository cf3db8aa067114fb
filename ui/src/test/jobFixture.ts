// JobStatus values for component tests: a running job with its last cycle, with what a test changes.
import type { JobStatus } from '../ipc';

export function jobFixture(overrides: Partial<JobStatus> = {}): JobStatus {
  return {
    jobId: 'scim.abc',
    code: 'Active',
    scheduleState: 'Active',
    interval: 'PT40M',
    steadyStateReached: true,
    entryCounts: {},
    summary: 'Running: Entra provisions changes every 40 minutes; the last cycle succeeded.',
    stateLabel: 'Running',
    scheduleLabel: 'Every 40 minutes',
    nextRun: '2026-11-28T22:40:00Z',
    nextRunLabel: '',
    lastExecution: { state: 'Succeeded', timeBegan: '2026-11-28T22:00:00Z', timeEnded: '2026-11-28T22:01:00Z' },
    ...overrides,
  };
}
