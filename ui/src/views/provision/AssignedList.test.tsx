// The unassign dialog tells the truth about what Entra will do: a person who is also in a
// group assigned to the app stays in scope through it, so the dialog names the group instead
// of promising that Unity disables them.
import { screen, within } from '@testing-library/react';
import { unassignPrincipal, type AssignedPrincipal } from '../../ipc';
import { seriousAxeViolations } from '../../test/axe';
import { journalFixture } from '../../test/journalFixture';
import { renderView } from '../../test/renderView';
import { AssignedList, unassignConsequence } from './AssignedList';

vi.mock('../../ipc', async (original) => (await import('../../test/ipcMock')).mockedIpc(await original()));

const READY = journalFixture({ done: ['startProvisioning'], entra: { jobId: 'scim.abc', servicePrincipalId: 'sp-1' } });

const PILOT: AssignedPrincipal = { assignmentId: 'a-g', principalId: 'g-1', kind: 'group', displayName: 'Unity Pilot', memberCount: 5 };
const ALEX: AssignedPrincipal = {
  assignmentId: 'a-alex',
  principalId: 'u-1',
  kind: 'user',
  displayName: 'Alex Vance',
  userPrincipalName: 'alex.vance1@contoso.com',
  inAssignedGroups: ['Unity Pilot'],
};
const HENRIETTA: AssignedPrincipal = {
  assignmentId: 'a-hen',
  principalId: 'u-5',
  kind: 'user',
  displayName: 'Henrietta Vance',
  userPrincipalName: 'henrietta.vance5@contoso.com',
  inAssignedGroups: [],
};

const ASSIGNED_ONLY = { allUsers: false, skipOutOfScopeDeletions: false, groupsAssigned: true };

describe('unassigning', () => {
  it('names the assigned group that keeps the person in scope, and says Entra will not disable them', async () => {
    vi.mocked(unassignPrincipal).mockResolvedValue(null);
    const onRefresh = vi.fn(() => Promise.resolve());
    const { user } = await renderView(<AssignedList assigned={[PILOT, ALEX, HENRIETTA]} ready onRefresh={onRefresh} />, {
      journal: READY,
    });

    await user.click(screen.getByTestId('unassign-a-alex'));
    const dialog = await screen.findByTestId('unassign-a-alex-dialog');
    expect(dialog).toHaveTextContent('Unassign Alex Vance?');
    expect(dialog).toHaveTextContent(
      'Alex Vance stays in scope through the group “Unity Pilot”, which is assigned to the app: Entra will not disable them in Unity until they are removed from that group',
    );
    expect(dialog).not.toHaveTextContent('disable or delete');
    expect(await seriousAxeViolations()).toEqual([]);
    await user.click(within(dialog).getByTestId('unassign-a-alex-confirm'));
    expect(unassignPrincipal).toHaveBeenCalledWith(expect.any(String), 'a-alex');
    expect(await screen.findByTestId('unassign-result')).toHaveTextContent('stays in scope through the group “Unity Pilot”');
  });

  it('says the next cycle disables a person in no assigned group', async () => {
    const { user } = await renderView(<AssignedList assigned={[PILOT, ALEX, HENRIETTA]} ready onRefresh={() => Promise.resolve()} />, {
      journal: READY,
    });
    await user.click(screen.getByTestId('unassign-a-hen'));
    const dialog = await screen.findByTestId('unassign-a-hen-dialog');
    expect(dialog).toHaveTextContent('On its next cycle, Entra will disable or delete Henrietta Vance in Unity');
    expect(dialog).not.toHaveTextContent('stays in scope');
  });

  it('lists several groups, and hedges when the groups were not read', () => {
    expect(unassignConsequence({ ...ALEX, inAssignedGroups: ['Unity Pilot', 'Artists', 'Leads'] }, ASSIGNED_ONLY)).toContain(
      'through the groups “Unity Pilot”, “Artists” and “Leads”, which are assigned to the app',
    );
    // Not read (a long list, or Graph refused): no promise either way while a group is assigned.
    expect(unassignConsequence({ ...ALEX, inAssignedGroups: null }, ASSIGNED_ONLY)).toContain(
      'If they are a member of a group assigned to the app, they stay in scope until removed from it.',
    );
    expect(unassignConsequence({ ...ALEX, inAssignedGroups: null }, { ...ASSIGNED_ONLY, groupsAssigned: false })).not.toContain(
      'If they are a member',
    );
    // The whole directory is in scope: no group matters.
    expect(unassignConsequence(ALEX, { ...ASSIGNED_ONLY, allUsers: true })).toContain('does not take Alex Vance out of scope');
  });
});
