// The deletions the accidental-deletion threshold held back, by name (from the newest cycle's
// StagedDelete provisioning logs), and "Allow these deletions": a restart with ForceDeletes,
// confirmed, since Unity deletes each account for good. Shown on the job card while a
// quarantine lasts; when the quarantine is not the threshold's, it shows nothing.
import { Body1, Caption1, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Spinner, tokens } from '@fluentui/react-components';
import { DeleteRegular } from '@fluentui/react-icons';
import { useEffect, useState, type ReactElement } from 'react';
import { newOperationId, toProblem, type HeldBackDeletions as Held, type Problem } from '../../ipc';
import { ConfirmButton } from './ConfirmButton';
import { formatTime } from './jobTimes';
import { ProblemBar } from './ProblemBar';

const useStyles = makeStyles({
  list: { margin: 0, paddingInlineStart: tokens.spacingHorizontalXL, maxHeight: '200px', overflowY: 'auto' },
  muted: { color: tokens.colorNeutralForeground3 },
});

export interface HeldBackDeletionsProps {
  load: (operationId: string) => Promise<Held>;
  /** Called once the admin confirmed "Allow these deletions". */
  onAllow: () => void;
  disabled?: boolean;
}

export function HeldBackDeletions({ load, onAllow, disabled }: HeldBackDeletionsProps): ReactElement | null {
  const styles = useStyles();
  const [held, setHeld] = useState<Held | undefined>();
  const [problem, setProblem] = useState<Problem | undefined>();

  useEffect(() => {
    let current = true;
    load(newOperationId('held')).then(
      (found) => current && setHeld(found),
      (error: unknown) => current && setProblem(toProblem(error, 'Reading the held-back deletions')),
    );
    return () => {
      current = false;
    };
  }, [load]);

  if (problem) return <ProblemBar problem={problem} testId="held-back-problem" />;
  if (!held) return <Spinner size="tiny" label="Looking for deletions held back…" />;
  if (!held.held) return null;
  const count = held.users.length;
  const who = count === 1 ? 'this user' : `these ${count} users`;
  return (
    <MessageBar intent="warning" layout="multiline" data-testid="held-back">
      <MessageBarBody>
        <MessageBarTitle>
          {count === 0 ? 'Deletions held back' : `${count} deletion${count === 1 ? '' : 's'} held back`}
        </MessageBarTitle>
        <Body1 as="p">
          The last cycle would have disabled or deleted more users than the accidental-deletion threshold allows, so Entra
          held {count === 0 ? 'them' : who} back and stopped. Check that {count === 1 ? 'this is' : 'these are'} meant to
          leave Unity; if not, assign them again and restart the job.
        </Body1>
        {count > 0 && (
          <ul className={styles.list} data-testid="held-back-list">
            {held.users.map((user) => (
              <li key={user.userPrincipalName}>
                {user.displayName && user.displayName !== user.userPrincipalName ? `${user.displayName} · ` : ''}
                {user.userPrincipalName}{' '}
                <Caption1 className={styles.muted}>held {formatTime(user.activityDateTime)}</Caption1>
              </li>
            ))}
          </ul>
        )}
        <ConfirmButton
          icon={<DeleteRegular />}
          testId="allow-deletions"
          disabled={disabled}
          title={count === 0 ? 'Allow the held-back deletions?' : `Allow ${count} deletion${count === 1 ? '' : 's'}?`}
          body={
            <>
              Entra restarts the job with ForceDeletes and, on its next cycle, disables or deletes {count === 0 ? 'them' : who} in
              Unity. Unity deletes the accounts: assigning someone again later creates a new account. Later cycles are held
              back again whenever they exceed the threshold.
            </>
          }
          confirm="Allow these deletions"
          onConfirm={onAllow}
        >
          Allow these deletions
        </ConfirmButton>
      </MessageBarBody>
    </MessageBar>
  );
}
