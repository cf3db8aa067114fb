// Reading a job's schedule: ISO 8601 durations ("PT40M") and when the next run is due.

/** Seconds in an ISO 8601 duration such as PT40M or P1DT2H; undefined when unreadable. */
export function durationSeconds(duration: string | null | undefined): number | undefined {
  if (!duration) return undefined;
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(duration);
  if (!match) return undefined;
  const [, d, h, m, s] = match;
  const seconds = Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0);
  // Graph writes the largest duration there is for "never" (a disabled schedule).
  return seconds > 366 * 86400 ? undefined : seconds;
}

/** "every 40 minutes" for PT40M. */
export function describeInterval(duration: string | null | undefined): string | undefined {
  const seconds = durationSeconds(duration);
  if (seconds === undefined || seconds <= 0) return undefined;
  if (seconds % 3600 === 0) return `every ${seconds / 3600} hour${seconds === 3600 ? '' : 's'}`;
  if (seconds % 60 === 0) return `every ${seconds / 60} minute${seconds === 60 ? '' : 's'}`;
  return `every ${seconds} seconds`;
}

/** The last run's start plus the interval, when both are known. */
export function nextRun(lastBegan: string | null | undefined, interval: string | null | undefined): Date | undefined {
  const seconds = durationSeconds(interval);
  if (!lastBegan || seconds === undefined) return undefined;
  const began = Date.parse(lastBegan);
  if (Number.isNaN(began) || lastBegan.startsWith('0001')) return undefined;
  return new Date(began + seconds * 1000);
}

export function formatTime(value: string | Date | null | undefined): string {
  if (!value) return '—';
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1000) return '—';
  return date.toLocaleString();
}
