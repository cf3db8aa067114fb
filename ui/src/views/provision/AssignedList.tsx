// Who is assigned to the app, as the portal's "Users and groups" page lists them: each person
// with their user principal name, each group with its member count, and Unassign on every row.
// Unassigning is a lasting change, so it says first what Entra will do in Unity on its next
// cycle (with this job's scope, its deletion safeguards, and any assigned group that keeps the
// person in scope in mind) and acts only when confirmed.
import { Body1, Button, Caption1, makeStyles, mergeClasses, Spinner, tokens } from '@fluentui/react-components';
import { ArrowClockwiseRegular, PeopleRegular, PersonDeleteRegular, PersonRegular } from '@fluentui/react-icons';
import { useState, type ReactElement } from 'react';
import { useWizardData } from '../../frame/journal';
import { unassignPrincipal, type AssignedPrincipal, type Problem } from '../../ipc';
import { ConfirmButton } from '../common/ConfirmButton';
import { listed } from '../common/listed';
import { ProblemBar } from '../common/ProblemBar';
import { SuccessBar } from '../common/SuccessBar';
import { useOperation } from '../common/useOperation';
import { WaitingLine } from '../common/WaitingLine';

const useStyles = makeStyles({
  list: { listStyle: 'none', margin: 0, padding: 0, maxHeight: '240px', overflowY: 'auto' },
  item: {
    display: 'grid',
    gridTemplateColumns: '20px minmax(0, 1fr) auto',
    columnGap: tokens.spacingHorizontalS,
    alignItems: 'center',
    paddingBlock: tokens.spacingVerticalXS,
    borderBottom: `1px solid ${tokens.colorNeutralStroke3}`,
  },
  text: { display: 'flex', flexDirection: 'column', minWidth: 0 },
  ellipsis: { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  muted: { color: tokens.colorNeutralForeground3 },
});

/** "Group · 25 members", or the UPN of a person. */
export function assignedDetail(principal: AssignedPrincipal): string {
  if (principal.kind === 'group') {
    const count = principal.memberCount;
    return count === null || count === undefined ? 'Group' : `Group · ${count.toLocaleString()} member${count === 1 ? '' : 's'}`;
  }
  return principal.userPrincipalName ?? 'User';
}

/** “Unity Pilot”, or “Unity Pilot” and “Artists”, or “A”, “B” and “C”. */
function quotedNames(names: string[]): string {
  return listed(names.map((name) => `“${name}”`));
}

/**
 * What Entra does to a person or group's members on its next cycle once this assignment goes.
 * A person who is also a direct member of an assigned group stays in scope through it (Entra
 * scopes an assigned group's direct members), so Entra will not disable them.
 */
export function unassignConsequence(
  principal: AssignedPrincipal,
  job: { allUsers: boolean; skipOutOfScopeDeletions: boolean; groupsAssigned: boolean },
): string {
  const who = principal.kind === 'group' ? `the members of ${principal.displayName} (unless assigned another way)` : principal.displayName;
  if (job.allUsers) {
    return `The job provisions all users and groups in the directory, so unassigning does not take ${who} out of scope: Entra keeps them in Unity.`;
  }
  const groups = principal.kind === 'user' ? principal.inAssignedGroups : undefined;
  if (groups && groups.length > 0) {
    const one = groups.length === 1;
    return (
      `${who} stays in scope through the group${one ? '' : 's'} ${quotedNames(groups)}, ` +
      `${one ? 'which is' : 'which are'} assigned to the app: Entra will not disable them in Unity until they are removed from ` +
      `${one ? 'that group' : 'those groups'} (or ${one ? 'it is' : 'they are'} unassigned too).`
    );
  }
  if (job.skipOutOfScopeDeletions) {
    return `Entra takes ${who} out of scope on its next cycle, but “skip out-of-scope deletions” is on: they keep their Unity account.`;
  }
  const done = `On its next cycle, Entra will disable or delete ${who} in Unity (Unity deletes the account). Assign them again to bring them back.`;
  // Not read (a long list, or Graph refused): say what would keep them, rather than promise.
  const unknown = principal.kind === 'user' && (groups === undefined || groups === null) && job.groupsAssigned;
  return unknown ? `${done} If they are a member of a group assigned to the app, they stay in scope until removed from it.` : done;
}

export interface AssignedListProps {
  assigned?: AssignedPrincipal[];
  problem?: Problem;
  ready: boolean;
  onRefresh: () => Promise<void>;
}

export function AssignedList({ assigned, problem, ready, onRefresh }: AssignedListProps): ReactElement {
  const styles = useStyles();
  const { journal } = useWizardData();
  const unassign = useOperation<null>('Unassigning from the app');
  const [removed, setRemoved] = useState<AssignedPrincipal | undefined>();
  const entra = journal?.journal.entra;

  const consequence = (principal: AssignedPrincipal): string =>
    unassignConsequence(principal, {
      allUsers: entra?.scope === 'allUsers',
      skipOutOfScopeDeletions: entra?.deletionProtection?.skipOutOfScopeDeletions === true,
      groupsAssigned: assigned?.some((other) => other.kind === 'group') ?? false,
    });

  const doUnassign = async (principal: AssignedPrincipal) => {
    setRemoved(undefined);
    if ((await unassign.run((id) => unassignPrincipal(id, principal.assignmentId))) !== undefined) {
      setRemoved(principal);
      await onRefresh();
    }
  };

  return (
    <>
      {assigned === undefined && ready && !problem && <Spinner size="tiny" label="Reading the assignments…" />}
      {assigned && assigned.length === 0 && <Body1>Nobody is assigned yet.</Body1>}
      {assigned && assigned.length > 0 && (
        <>
          <Caption1 className={styles.muted}>{assigned.length.toLocaleString()} assigned</Caption1>
          <ul className={styles.list} data-testid="assigned-list" aria-label="Assigned to the app">
            {assigned.map((principal) => (
              <li key={principal.assignmentId} className={styles.item} data-testid="assigned-item">
                {principal.kind === 'group' ? <PeopleRegular aria-label="Group" /> : <PersonRegular aria-label="User" />}
                <span className={styles.text}>
                  <Body1 className={styles.ellipsis}>{principal.displayName}</Body1>
                  <Caption1 className={mergeClasses(styles.ellipsis, styles.muted)} data-testid="assigned-detail">
                    {assignedDetail(principal)}
                  </Caption1>
                </span>
                <ConfirmButton
                  size="small"
                  appearance="subtle"
                  icon={<PersonDeleteRegular />}
                  disabled={unassign.running}
                  testId={`unassign-${principal.assignmentId}`}
                  title={`Unassign ${principal.displayName}?`}
                  body={consequence(principal)}
                  confirm="Unassign"
                  onConfirm={() => void doUnassign(principal)}
                >
                  Unassign
                </ConfirmButton>
              </li>
            ))}
          </ul>
          <WaitingLine waiting={unassign.waiting} testId="unassign-waiting" />
        </>
      )}
      {removed && (
        <SuccessBar title={`${removed.displayName} unassigned`} testId="unassign-result">
          {consequence(removed)}
        </SuccessBar>
      )}
      {unassign.problem && <ProblemBar problem={unassign.problem} testId="unassign-problem" />}
      {problem && <ProblemBar problem={problem} testId="assigned-problem" />}
      <div>
        <Button icon={<ArrowClockwiseRegular />} disabled={!ready} onClick={() => void onRefresh()}>
          Refresh
        </Button>
      </div>
    </>
  );
}
