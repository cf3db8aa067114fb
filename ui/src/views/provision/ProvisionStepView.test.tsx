// Step 4: the picker (debounced search, keyboard selection, a 100,000-row result that stays
// small in the DOM) and provisioning on demand with its live per-person timeline and summary.
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import {
  assignPrincipals,
  directorySearch,
  listAssigned,
  provisionNow,
  unassignPrincipal,
  type AssignedPrincipal,
  type DirectoryEntry,
  type ProvisionOnDemandOutcome,
  type WizardProgress,
} from '../../ipc';
import { appInfoFixture } from '../../test/appInfoFixture';
import { seriousAxeViolations } from '../../test/axe';
import { journalFixture } from '../../test/journalFixture';
import { deferred, renderView } from '../../test/renderView';
import { ProvisionStepView } from './ProvisionStepView';

vi.mock('../../ipc', async (original) => (await import('../../test/ipcMock')).mockedIpc(await original()));

const READY = journalFixture({ done: ['startProvisioning'], entra: { jobId: 'scim.abc', servicePrincipalId: 'sp-1' } });

function users(count: number): DirectoryEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `u-${i}`,
    kind: 'user' as const,
    displayName: `User ${i}`,
    detail: `user${i}@contoso.com`,
  }));
}

const UNITY_USERS: AssignedPrincipal = { assignmentId: 'a-1', principalId: 'g-1', kind: 'group', displayName: 'Unity users', memberCount: 25 };

const created: ProvisionOnDemandOutcome = {
  subject: { objectId: 'u-0', kind: 'user', label: 'user0@contoso.com', members: [] },
  verdict: 'success',
  action: 'Create',
  changeId: 'c-1',
  steps: [
    { name: 'EntryImport', stepType: 'Import', status: 'Success', description: 'Read the user from Entra ID', details: {} },
    { name: 'EntrySynchronizationScoping', stepType: 'Scoping', status: 'Success', description: 'In scope', details: { Assigned: 'True' } },
    { name: 'EntryExportAdd', stepType: 'Export', status: 'Success', description: 'Created in Unity', details: {} },
  ],
  cause: 'user0@contoso.com was provisioned into the target (Create).',
};

const skipped: ProvisionOnDemandOutcome = {
  subject: { objectId: 'u-1', kind: 'user', label: 'user1@contoso.com', members: [] },
  verdict: 'skipped',
  steps: [{ name: 'EntrySynchronizationScoping', stepType: 'Scoping', status: 'Skipped', description: 'Not assigned', details: { Assigned: 'False' } }],
  cause: 'user1@contoso.com is not assigned to the app (or the assignment has not replicated yet).',
  fix: 'Assign the user or a group they are a direct member of, wait a few minutes, then try again.',
};

describe('step 4', () => {
  beforeEach(() => {
    vi.mocked(listAssigned).mockResolvedValue([UNITY_USERS]);
  });

  it('lists who is assigned, searches as you type, and selects with the keyboard', async () => {
    vi.mocked(directorySearch).mockResolvedValue(users(3));
    const { user } = await renderView(<ProvisionStepView onNavigate={() => undefined} />, { journal: READY });
    expect(await screen.findByTestId('assigned-list')).toHaveTextContent('Unity users');

    await user.type(await screen.findByTestId('picker-search', {}, { timeout: 10_000 }), 'user');
    // A search per keystroke, each newer one superseding the one before.
    await waitFor(() => expect(directorySearch).toHaveBeenCalledTimes(4));
    expect(directorySearch).toHaveBeenLastCalledWith(expect.any(String), 'user', 999, expect.any(Function));
    const list = await screen.findByRole('listbox', { name: 'Search results' });
    list.focus();
    await user.keyboard('{ArrowDown}{ }');
    const options = within(list).getAllByRole('option');
    expect(options[1]).toHaveAttribute('aria-selected', 'true');
    expect(list).toHaveAttribute('aria-activedescendant', options[1]?.id);
    expect(screen.getByTestId('picker-selected')).toHaveTextContent('User 1');
    expect(await seriousAxeViolations()).toEqual([]);
  });

  it('moves through the results with the arrow keys from the search box, and marks who is assigned', async () => {
    vi.mocked(directorySearch).mockResolvedValue([
      ...users(3),
      { id: 'g-1', kind: 'group', displayName: 'Unity users', detail: 'Group' },
    ]);
    const { user } = await renderView(<ProvisionStepView onNavigate={() => undefined} />, { journal: READY });
    await screen.findByTestId('assigned-list');
    const search = await screen.findByTestId('picker-search', {}, { timeout: 10_000 });
    await user.type(search, 'u');
    const list = await screen.findByRole('listbox', { name: 'Search results' });
    expect(search).toHaveFocus();
    await user.keyboard('{ArrowDown}{ArrowDown}{Enter}');
    expect(search).toHaveFocus();
    expect(screen.getByTestId('picker-selected')).toHaveTextContent('User 2');
    expect(list).toHaveAttribute('aria-activedescendant', within(list).getAllByRole('option')[2]?.id);
    const group = within(list).getAllByRole('option')[3] as HTMLElement;
    expect(within(group).getByTestId('picker-assigned')).toHaveTextContent('Assigned');
    expect(within(list).getAllByTestId('picker-assigned')).toHaveLength(1);
  });

  it('shows a group as one result per member, each with the portal’s steps and change ID, counted as the cards say', async () => {
    vi.mocked(directorySearch).mockResolvedValue([{ id: 'g-1', kind: 'group', displayName: 'Unity users', detail: 'Group' }]);
    const member = (n: number): ProvisionOnDemandOutcome => ({
      ...created,
      subject: { objectId: `m-${n}`, kind: 'user', label: `artist${n}@contoso.com`, members: [], memberOf: 'Unity users' },
      changeId: `change-${n}`,
    });
    const group: ProvisionOnDemandOutcome = {
      subject: { objectId: 'g-1', kind: 'group', label: 'Unity users', members: [] },
      verdict: 'success',
      steps: [],
      cause: 'The group Unity users is in the target with 2 members linked.',
    };
    vi.mocked(provisionNow).mockResolvedValue([member(1), member(2), group]);
    const { user } = await renderView(<ProvisionStepView onNavigate={() => undefined} />, { journal: READY });
    await screen.findByTestId('assigned-list');
    await user.type(await screen.findByTestId('picker-search', {}, { timeout: 10_000 }), 'unity');
    const list = await screen.findByRole('listbox', { name: 'Search results' });
    await user.click(within(list).getAllByRole('option')[0] as HTMLElement);
    // The group is already assigned: no confirmation, no assignment.
    await user.click(screen.getByTestId('provision-run'));
    const first = await screen.findByRole('article', { name: 'artist1@contoso.com: Created' });
    expect(within(first).getByTestId('timeline-member-of')).toHaveTextContent('member of Unity users');
    expect(within(first).getByTestId('timeline-change-id')).toHaveTextContent('change-1');
    expect(within(first).getAllByTestId('timeline-step').map((step) => step.textContent)).toEqual([
      'Import user: done',
      '→Determine if user is in scope: done',
      '→Perform action: done',
    ]);
    expect(screen.getByRole('article', { name: 'Unity users: Group in Unity' })).toBeInTheDocument();
    expect(screen.getByTestId('provision-summary')).toHaveTextContent('2 created, 0 updated, 0 already in sync, 0 skipped, 0 failed; 1 group in Unity');
  });

  it('keeps 100,000 results to a handful of rows in the page', async () => {
    vi.mocked(directorySearch).mockResolvedValue(users(100_000));
    const { user } = await renderView(<ProvisionStepView onNavigate={() => undefined} />, { journal: READY });
    await user.type(await screen.findByTestId('picker-search', {}, { timeout: 10_000 }), 'u');
    const list = await screen.findByRole('listbox', { name: 'Search results' });
    expect(screen.getByTestId('picker-count')).toHaveTextContent('100,000 found');
    expect(within(list).getAllByRole('option').length).toBeLessThan(40);
    list.focus();
    await user.keyboard('{End}');
    const last = within(list).getAllByRole('option').at(-1);
    expect(last).toHaveAttribute('aria-posinset', '100000');
    fireEvent.keyDown(list, { key: ' ' });
    expect(screen.getByTestId('picker-selected')).toHaveTextContent('User 99999');
  });

  it('streams each person’s timeline, coloured by outcome, then a summary with reasons and fixes', async () => {
    vi.mocked(directorySearch).mockResolvedValue(users(2));
    const pending = deferred<ProvisionOnDemandOutcome[]>();
    let send: (event: WizardProgress) => void = () => undefined;
    vi.mocked(provisionNow).mockImplementation((_id, subjects, onProgress) => {
      expect(subjects.map((s) => s.label)).toEqual(['user0@contoso.com', 'user1@contoso.com']);
      send = onProgress;
      return pending.promise;
    });
    const { user } = await renderView(<ProvisionStepView onNavigate={() => undefined} />, { journal: READY });
    await user.type(await screen.findByTestId('picker-search', {}, { timeout: 10_000 }), 'user');
    const list = await screen.findByRole('listbox', { name: 'Search results' });
    const options = within(list).getAllByRole('option');
    await user.click(options[0] as HTMLElement);
    await user.click(options[1] as HTMLElement);
    // Neither is assigned yet: assigning is a lasting change, so it is said and confirmed first.
    expect(screen.getByTestId('provision-unassigned-note')).toHaveTextContent('Not assigned to the app yet: User 0, User 1');
    await user.click(screen.getByTestId('provision-run'));
    expect(provisionNow).not.toHaveBeenCalled();
    expect(await screen.findByTestId('provision-run-dialog')).toHaveTextContent('lasting change');
    await user.click(screen.getByTestId('provision-run-confirm'));

    act(() => send({ type: 'userProvisioned', index: 1, total: 2, outcome: created }));
    const first = await screen.findByRole('article', { name: 'user0@contoso.com: Created' });
    const steps = within(first).getAllByTestId('timeline-step');
    expect(steps.map((step) => step.dataset.tone)).toEqual(['good', 'good', 'good']);
    expect(steps[0]).toHaveTextContent('Import user: done');
    expect(screen.getByTestId('provision-cancel')).toBeInTheDocument();
    expect(within(first).getByText(/Entra’s answer as it came/)).toBeInTheDocument();

    act(() => send({ type: 'userProvisioned', index: 2, total: 2, outcome: skipped }));
    await act(async () => pending.resolve([created, skipped]));
    const summary = await screen.findByTestId('provision-summary');
    expect(summary).toHaveTextContent('1 created, 0 updated, 0 already in sync, 1 skipped, 0 failed');
    expect(summary).toHaveTextContent('Skipped user1@contoso.com: user1@contoso.com is not assigned');
    const second = screen.getByRole('article', { name: 'user1@contoso.com: Skipped' });
    expect(within(second).getByTestId('timeline-step').dataset.tone).toBe('warn');
    expect(within(second).getByTestId('timeline-fix')).toHaveTextContent('Assign the user');
    expect(await seriousAxeViolations()).toEqual([]);
  });

  it('warns before provisioning a user outside the validated domains, and keeps Entra’s message behind a disclosure', async () => {
    const ann: DirectoryEntry = { id: 'u-ann', kind: 'user', displayName: 'Ann Vance', detail: 'ann.vance17@fabrikam.com' };
    vi.mocked(directorySearch).mockResolvedValue([ann, ...users(1)]);
    vi.mocked(listAssigned).mockResolvedValue([
      { assignmentId: 'a-2', principalId: 'u-ann', kind: 'user', displayName: 'Ann Vance', userPrincipalName: 'ann.vance17@fabrikam.com' },
      { assignmentId: 'a-3', principalId: 'u-0', kind: 'user', displayName: 'User 0', userPrincipalName: 'user0@contoso.com' },
    ]);
    const raw =
      'Failed to create User \'ann.vance17@fabrikam.com\' in Unity; the SCIM endpoint returned an error response with the HTTP status code 400 (Bad Request). The response was: {"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400","detail":"The domain fabrikam.com is not validated."}';
    const refused: ProvisionOnDemandOutcome = {
      subject: { objectId: 'u-ann', kind: 'user', label: 'ann.vance17@fabrikam.com', members: [] },
      verdict: 'failure',
      errorCode: 'SystemForCrossDomainIdentityManagementBadRequest',
      errorMessage: raw,
      steps: [],
      cause: 'Unity refused ann.vance17@fabrikam.com because fabrikam.com is not a validated domain of the Unity organization.',
      fix: 'Validate fabrikam.com in the Unity Dashboard (Administration > Single sign on > Domains).',
      unityCase: 'domainNotValidated',
    };
    vi.mocked(provisionNow).mockResolvedValue([refused]);
    const journal = journalFixture({
      done: ['startProvisioning'],
      entra: { jobId: 'scim.abc', servicePrincipalId: 'sp-1' },
      unity: { validatedDomains: ['contoso.com'] },
    });
    const { user } = await renderView(<ProvisionStepView onNavigate={() => undefined} />, { journal });
    await screen.findByTestId('assigned-list');
    await user.type(await screen.findByTestId('picker-search', {}, { timeout: 10_000 }), 'a');
    const list = await screen.findByRole('listbox', { name: 'Search results' });
    await user.click(within(list).getAllByRole('option')[1] as HTMLElement);
    expect(screen.queryByTestId('provision-domain-warning')).not.toBeInTheDocument();
    await user.click(within(list).getAllByRole('option')[0] as HTMLElement);
    const warning = screen.getByTestId('provision-domain-warning');
    expect(warning).toHaveTextContent('fabrikam.com is not a validated domain of the Unity organization (validated: contoso.com)');
    expect(warning).toHaveTextContent('so Unity will refuse ann.vance17@fabrikam.com');
    expect(warning).toHaveTextContent('Validate fabrikam.com in the Unity Dashboard (Administration > Single sign on > Domains)');
    expect(warning).not.toHaveTextContent('user0@contoso.com');

    await user.click(screen.getByTestId('provision-run'));
    const cause = await screen.findByTestId('timeline-cause');
    expect(cause).toHaveTextContent('fabrikam.com is not a validated domain');
    expect(cause).not.toHaveTextContent('urn:ietf');
    const disclosure = screen.getByTestId('timeline-entra-message');
    expect(disclosure).not.toHaveAttribute('open');
    expect(disclosure).toHaveTextContent('The response was');
    expect(await seriousAxeViolations()).toEqual([]);
  });

  it('lists each person with their UPN and each group with its member count, and unassigns only when confirmed', async () => {
    const adele: AssignedPrincipal = { assignmentId: 'a-9', principalId: 'u-9', kind: 'user', displayName: 'Adele Vance', userPrincipalName: 'adele.vance@contoso.com' };
    vi.mocked(listAssigned).mockResolvedValueOnce([UNITY_USERS, adele]).mockResolvedValue([UNITY_USERS]);
    vi.mocked(unassignPrincipal).mockResolvedValue(null);
    const { user } = await renderView(<ProvisionStepView onNavigate={() => undefined} />, { journal: READY });
    const list = await screen.findByTestId('assigned-list');
    expect(within(list).getAllByTestId('assigned-item').map((item) => item.textContent)).toEqual([
      'Unity usersGroup · 25 membersUnassign',
      'Adele Vanceadele.vance@contoso.comUnassign',
    ]);

    await user.click(screen.getByTestId('unassign-a-9'));
    const dialog = await screen.findByTestId('unassign-a-9-dialog');
    expect(dialog).toHaveTextContent('Unassign Adele Vance?');
    expect(dialog).toHaveTextContent('On its next cycle, Entra will disable or delete Adele Vance in Unity');
    expect(unassignPrincipal).not.toHaveBeenCalled();
    await user.click(screen.getByTestId('unassign-a-9-confirm'));
    await waitFor(() => expect(unassignPrincipal).toHaveBeenCalledWith(expect.any(String), 'a-9'));
    expect(await screen.findByTestId('unassign-result')).toHaveTextContent('Adele Vance unassigned');
    await waitFor(() => expect(within(screen.getByTestId('assigned-list')).getAllByTestId('assigned-item')).toHaveLength(1));
    expect(await seriousAxeViolations()).toEqual([]);
  });

  it('says when unassigning keeps people in Unity: all users in scope, or out-of-scope deletions skipped', async () => {
    const journal = journalFixture({
      done: ['startProvisioning'],
      entra: { jobId: 'scim.abc', servicePrincipalId: 'sp-1', deletionProtection: { deleteThreshold: 10, notify: '', skipOutOfScopeDeletions: true } },
    });
    const { user } = await renderView(<ProvisionStepView onNavigate={() => undefined} />, { journal });
    await screen.findByTestId('assigned-list');
    await user.click(screen.getByTestId('unassign-a-1'));
    const dialog = await screen.findByTestId('unassign-a-1-dialog');
    expect(dialog).toHaveTextContent('the members of Unity users');
    expect(dialog).toHaveTextContent('they keep their Unity account');
    expect(dialog).not.toHaveTextContent('disable or delete');
  });

  it('shows group member counts in the picker and assigns only after a confirmation', async () => {
    vi.mocked(directorySearch).mockResolvedValue([
      { id: 'g-2', kind: 'group', displayName: 'Unity Artists', detail: 'unity-artists@contoso.com', memberCount: 120 },
      { id: 'g-1', kind: 'group', displayName: 'Unity users', detail: 'Group', memberCount: 1 },
    ]);
    vi.mocked(assignPrincipals).mockResolvedValue([{ assignmentId: 'a-5', principalId: 'g-2', appRoleId: 'r', created: true }]);
    const { user } = await renderView(<ProvisionStepView onNavigate={() => undefined} />, { journal: READY });
    await screen.findByTestId('assigned-list');
    await user.type(await screen.findByTestId('picker-search', {}, { timeout: 10_000 }), 'unity');
    const list = await screen.findByRole('listbox', { name: 'Search results' });
    expect(within(list).getAllByTestId('picker-detail').map((d) => d.textContent)).toEqual([
      'unity-artists@contoso.com · 120 members',
      'Group · 1 member',
    ]);
    expect(within(within(list).getAllByRole('option')[1] as HTMLElement).getByTestId('picker-assigned')).toBeInTheDocument();
    await user.click(within(list).getAllByRole('option')[0] as HTMLElement);
    expect(screen.getByTestId('provision-large-group-note')).toHaveTextContent('Unity Artists has 120 members: the first 50 are provisioned now');

    await user.click(screen.getByTestId('provision-assign'));
    expect(await screen.findByTestId('provision-assign-dialog')).toHaveTextContent('Assigning is a lasting change');
    expect(assignPrincipals).not.toHaveBeenCalled();
    await user.click(screen.getByTestId('provision-assign-confirm'));
    await waitFor(() => expect(assignPrincipals).toHaveBeenCalledWith(expect.any(String), [expect.objectContaining({ objectId: 'g-2', kind: 'group' })]));
    expect(await screen.findByTestId('assign-result')).toHaveTextContent('1 newly assigned');
  });

  it('takes the group member cap from the engine, as app info carries it, not from a copy of its own', async () => {
    vi.mocked(directorySearch).mockResolvedValue([
      { id: 'g-2', kind: 'group', displayName: 'Unity Artists', detail: 'unity-artists@contoso.com', memberCount: 120 },
      { id: 'g-3', kind: 'group', displayName: 'Unity Leads', detail: 'unity-leads@contoso.com', memberCount: 90 },
    ]);
    const appInfo = { ...appInfoFixture(), maxGroupMembers: 100 };
    const { user } = await renderView(<ProvisionStepView onNavigate={() => undefined} />, { journal: READY, appInfo });
    await user.type(await screen.findByTestId('picker-search', {}, { timeout: 10_000 }), 'unity');
    const list = await screen.findByRole('listbox', { name: 'Search results' });
    await user.click(within(list).getAllByRole('option')[0] as HTMLElement);
    await user.click(within(list).getAllByRole('option')[1] as HTMLElement);
    const note = screen.getByTestId('provision-large-group-note');
    expect(note).toHaveTextContent('Unity Artists has 120 members: the first 100 are provisioned now');
    expect(note).not.toHaveTextContent('Unity Leads');
    expect(screen.getByText(/up to 100 of them/)).toBeInTheDocument();
  });

  it('says why its buttons wait for a choice, and a new choice clears the last assignment’s result', async () => {
    vi.mocked(directorySearch).mockResolvedValue([
      { id: 'g-2', kind: 'group', displayName: 'Unity Artists', detail: 'unity-artists@contoso.com', memberCount: 12 },
      { id: 'u-7', kind: 'user', displayName: 'Megan Bowen', detail: 'megan@contoso.com' },
    ]);
    vi.mocked(assignPrincipals).mockResolvedValue([{ assignmentId: 'a-5', principalId: 'g-2', appRoleId: 'r', created: true }]);
    const { user } = await renderView(<ProvisionStepView onNavigate={() => undefined} />, { journal: READY });
    await screen.findByTestId('assigned-list');
    expect(screen.getByTestId('provision-run')).toBeDisabled();
    expect(screen.getByTestId('provision-choose-first')).toHaveTextContent('Choose at least one user or group above.');

    await user.type(await screen.findByTestId('picker-search', {}, { timeout: 10_000 }), 'u');
    const list = await screen.findByRole('listbox', { name: 'Search results' });
    await user.click(within(list).getAllByRole('option')[0] as HTMLElement);
    expect(screen.queryByTestId('provision-choose-first')).not.toBeInTheDocument();
    await user.click(screen.getByTestId('provision-assign'));
    await user.click(await screen.findByTestId('provision-assign-confirm'));
    expect(await screen.findByTestId('assign-result')).toHaveTextContent('1 newly assigned');

    // Found again once the confirmation dialog has closed (the page is hidden from the
    // accessibility tree while it is open).
    const again = await screen.findByRole('listbox', { name: 'Search results' });
    await user.click(within(again).getAllByRole('option')[1] as HTMLElement);
    expect(screen.queryByTestId('assign-result')).not.toBeInTheDocument();
  });

  it('keeps this session’s earlier runs on the page, newest first', async () => {
    vi.mocked(directorySearch).mockResolvedValue(users(1));
    vi.mocked(listAssigned).mockResolvedValue([{ assignmentId: 'a-0', principalId: 'u-0', kind: 'user', displayName: 'User 0', userPrincipalName: 'user0@contoso.com' }]);
    vi.mocked(provisionNow).mockResolvedValueOnce([skipped]).mockResolvedValueOnce([created]);
    const { user } = await renderView(<ProvisionStepView onNavigate={() => undefined} />, { journal: READY });
    await screen.findByTestId('assigned-list');
    await user.type(await screen.findByTestId('picker-search', {}, { timeout: 10_000 }), 'user');
    const list = await screen.findByRole('listbox', { name: 'Search results' });
    await user.click(within(list).getAllByRole('option')[0] as HTMLElement);
    await user.click(screen.getByTestId('provision-run'));
    expect(await screen.findByTestId('provision-summary')).toHaveTextContent('1 skipped');
    expect(screen.queryByTestId('provision-history')).not.toBeInTheDocument();

    await user.click(screen.getByTestId('provision-run'));
    await waitFor(() => expect(screen.getByTestId('provision-summary')).toHaveTextContent('1 created'));
    const history = screen.getByTestId('provision-history');
    expect(history).toHaveTextContent('0 created, 0 updated, 0 already in sync, 1 skipped, 0 failed');
  });
});
