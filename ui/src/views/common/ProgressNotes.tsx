// The engine's running commentary on a step, newest last: "Service account … created",
// "Waiting 4 s for Entra to replicate the new app", "Waiting for the SCIM endpoint (…) to
// answer GET /Users, try 1 of 3, 40 s left" (one line that counts down). Read out politely by
// screen readers.
import { Body1, makeStyles, Spinner, tokens } from '@fluentui/react-components';
import { ClockRegular, InfoRegular } from '@fluentui/react-icons';
import type { ReactElement } from 'react';
import type { WizardProgress } from '../../ipc';

const useStyles = makeStyles({
  list: { listStyleType: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXXS },
  row: { display: 'flex', columnGap: tokens.spacingHorizontalS, alignItems: 'center' },
  icon: { color: tokens.colorNeutralForeground3, flexShrink: 0 },
});

type NoteLine = { text: string; waiting: boolean; countdown?: boolean };

/** The lines worth showing; device codes and per-user results have their own views. A wait
 * bounded by a deadline already names the seconds left in its reason. */
export function noteText(event: WizardProgress): NoteLine | undefined {
  switch (event.type) {
    case 'note':
      return { text: event.message, waiting: false };
    case 'waiting':
      return event.leftSeconds === null || event.leftSeconds === undefined
        ? { text: `${event.reason} (${event.seconds} s)`, waiting: true }
        : { text: event.reason, waiting: true, countdown: true };
    case 'stepFinished':
      return { text: event.report.summary, waiting: false };
    default:
      return undefined;
  }
}

/** The lines in order, a countdown replacing the countdown just before it: the engine repeats
 * a wait every few seconds with less time left, and the step shows one line that counts down. */
export function noteLines(events: WizardProgress[]): NoteLine[] {
  const lines: NoteLine[] = [];
  for (const event of events) {
    const line = noteText(event);
    if (!line) continue;
    if (line.countdown && lines[lines.length - 1]?.countdown) lines[lines.length - 1] = line;
    else lines.push(line);
  }
  return lines;
}

export function ProgressNotes({
  events,
  running,
  label,
  testId = 'progress-notes',
  waiting,
}: {
  events: WizardProgress[];
  running: boolean;
  label: string;
  testId?: string;
  /** What a command without a channel waits for now (`useOperation().waiting`). */
  waiting?: string;
}): ReactElement | null {
  const styles = useStyles();
  const lines = noteLines(events);
  if (running && waiting) lines.push({ text: waiting, waiting: true, countdown: true });
  if (!lines.length && !running) return null;
  return (
    <ul className={styles.list} aria-label={label} aria-live="polite" data-testid={testId}>
      {lines.map((line, index) => (
        <li key={index} className={styles.row}>
          {line.waiting ? <ClockRegular className={styles.icon} aria-hidden="true" /> : <InfoRegular className={styles.icon} aria-hidden="true" />}
          <Body1>{line.text}</Body1>
        </li>
      ))}
      {running && (
        <li className={styles.row}>
          <Spinner size="extra-tiny" aria-hidden="true" />
          <Body1>Working…</Body1>
        </li>
      )}
    </ul>
  );
}
