// Reading a job's schedule the way the job card shows it.
import { describeInterval, durationSeconds, nextRun } from './jobTimes';

describe('job times', () => {
  it('reads Entra’s 40-minute interval and the next run after the last one', () => {
    expect(durationSeconds('PT40M')).toBe(2400);
    expect(describeInterval('PT40M')).toBe('every 40 minutes');
    expect(nextRun('2026-11-28T22:00:00Z', 'PT40M')?.toISOString()).toBe('2026-11-28T22:40:00.000Z');
  });

  it('treats Graph’s “never” duration and unreadable values as no schedule', () => {
    expect(describeInterval('P10675199DT2H48M5.4775807S')).toBeUndefined();
    expect(describeInterval('soon')).toBeUndefined();
    expect(nextRun('0001-01-01T00:00:00Z', 'PT40M')).toBeUndefined();
  });
});
