// The one line a running command without a progress channel of its own shows while it waits
// (another scim-setup holding the data folder, a throttling service, a slow answer), in the
// engine's words, next to the control that started it; gone when the command returns.
import { Body1, makeStyles, tokens } from '@fluentui/react-components';
import { ClockRegular } from '@fluentui/react-icons';
import type { ReactElement } from 'react';

const useStyles = makeStyles({
  row: { display: 'flex', columnGap: tokens.spacingHorizontalS, alignItems: 'center' },
  icon: { color: tokens.colorNeutralForeground3, flexShrink: 0 },
});

/** Shows `waiting` (from `useOperation().waiting` or `watchOperationWait`) as a polite live
 * status, so a screen reader hears each new wait without losing its place; nothing when
 * `waiting` is undefined. */
export function WaitingLine({ waiting, testId }: { waiting: string | undefined; testId: string }): ReactElement | null {
  const styles = useStyles();
  if (!waiting) return null;
  return (
    <div role="status" aria-live="polite" className={styles.row} data-testid={testId}>
      <ClockRegular className={styles.icon} aria-hidden="true" />
      <Body1>{waiting}</Body1>
    </div>
  );
}
