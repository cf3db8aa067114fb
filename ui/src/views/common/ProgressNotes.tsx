// The engine's running commentary on a step, newest last: "Service account … created",
// "Waiting 4 s for Entra to replicate the new app". Read out politely by screen readers.
import { Body1, makeStyles, Spinner, tokens } from '@fluentui/react-components';
import { ClockRegular, InfoRegular } from '@fluentui/react-icons';
import type { ReactElement } from 'react';
import type { WizardProgress } from '../../ipc';

const useStyles = makeStyles({
  list: { listStyleType: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXXS },
  row: { display: 'flex', columnGap: tokens.spacingHorizontalS, alignItems: 'center' },
  icon: { color: tokens.colorNeutralForeground3, flexShrink: 0 },
});

/** The lines worth showing; device codes and per-user results have their own views. */
export function noteText(event: WizardProgress): { text: string; waiting: boolean } | undefined {
  switch (event.type) {
    case 'note':
      return { text: event.message, waiting: false };
    case 'waiting':
      return { text: `${event.reason} (${event.seconds} s)`, waiting: true };
    case 'stepFinished':
      return { text: event.report.summary, waiting: false };
    default:
      return undefined;
  }
}

export function ProgressNotes({
  events,
  running,
  label,
  testId = 'progress-notes',
}: {
  events: WizardProgress[];
  running: boolean;
  label: string;
  testId?: string;
}): ReactElement | null {
  const styles = useStyles();
  const lines = events.map(noteText).filter((line): line is { text: string; waiting: boolean } => Boolean(line));
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
