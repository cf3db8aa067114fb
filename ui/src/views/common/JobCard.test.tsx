// The job card as the portal's Overview: plain words, the schedule and next cycle from the
// engine, the last cycle's counts, and Pause/Start/Restart/scope, each confirmed first.
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { operationWaiting, type JobStatus } from '../../ipc';
import { jobFixture } from '../../test/jobFixture';
import { JobCard, type JobActions } from './JobCard';

vi.mock('../../ipc', async (original) => (await import('../../test/ipcMock')).mockedIpc(await original()));

function job(overrides: Partial<JobStatus> = {}): JobStatus {
  return jobFixture({
    lastCycle: {
      cycleId: 'c-1',
      users: { created: 3, updated: 1, removed: 1, skipped: 2, failed: 0 },
      groups: { created: 1, updated: 0, removed: 0, skipped: 0, failed: 0 },
    },
    scope: 'assignedOnly',
    tenantName: 'Contoso',
    ...overrides,
  });
}

describe('JobCard', () => {
  it('says the state, schedule, next cycle, scope and last cycle in plain words', async () => {
    render(
      <FluentProvider theme={webLightTheme}>
        <JobCard load={async () => job()} refreshEvery={0} />
      </FluentProvider>,
    );
    expect(await screen.findByTestId('job-state')).toHaveTextContent('Running');
    expect(screen.getByTestId('job-schedule')).toHaveTextContent('Every 40 minutes');
    expect(screen.getByTestId('job-next-run')).not.toHaveTextContent('—');
    expect(screen.getByTestId('job-scope')).toHaveTextContent('Only assigned users and groups');
    expect(screen.getByText('Contoso')).toBeInTheDocument();
    const counts = screen.getByTestId('job-last-cycle');
    expect(counts).toHaveTextContent('Users3112');
    expect(screen.queryByText('NotRun')).not.toBeInTheDocument();
  });

  it('pauses only after the admin confirms, then offers Start', async () => {
    const user = userEvent.setup();
    const actions: JobActions = {
      pause: vi.fn(async () => job({ code: 'Paused', scheduleState: 'Paused', stateLabel: 'Paused', nextRun: null, nextRunLabel: 'Not while paused' })),
      start: vi.fn(async () => job()),
      restart: vi.fn(async () => job()),
      setScope: vi.fn(async () => job({ scope: 'allUsers' })),
    };
    render(
      <FluentProvider theme={webLightTheme}>
        <JobCard load={async () => job()} refreshEvery={0} actions={actions} />
      </FluentProvider>,
    );
    await user.click(await screen.findByTestId('job-pause'));
    expect(actions.pause).not.toHaveBeenCalled();
    expect(await screen.findByTestId('job-pause-dialog')).toHaveTextContent('Nothing is changed or removed in Unity');
    await user.click(screen.getByTestId('job-pause-confirm'));
    await waitFor(() => expect(screen.getByTestId('job-state')).toHaveTextContent('Paused'));
    expect(screen.getByTestId('job-next-run')).toHaveTextContent('Not while paused');
    expect(screen.getByTestId('job-action-done')).toHaveTextContent('Paused');
    expect(screen.getByTestId('job-start')).toBeInTheDocument();

    await user.click(screen.getByTestId('job-restart'));
    expect(await screen.findByTestId('job-restart-dialog')).toHaveTextContent('watermark');
    await user.click(screen.getByTestId('job-restart-confirm'));
    await waitFor(() => expect(actions.restart).toHaveBeenCalled());
  });

  it('says what a running action waits for, each new wait replacing the last, and nothing once it returns', async () => {
    const user = userEvent.setup();
    const waits = [
      'Waiting for another scim-setup (process 4242, `setup`, started at 10:00:03) to finish with this data folder, 29 s left',
      'Waiting for another scim-setup (process 4242, `setup`, started at 10:00:03) to finish with this data folder, 24 s left',
      'graph.microsoft.com is throttling requests (429 Too Many Requests); trying again after a 4 s wait (try 2 of 5), 110 s left',
    ];
    let asked = 0;
    vi.mocked(operationWaiting).mockImplementation(async () => waits[Math.min(asked++, waits.length - 1)] ?? null);
    let finish: (status: JobStatus) => void = () => undefined;
    const actions: JobActions = {
      pause: vi.fn(() => new Promise<JobStatus>((resolve) => (finish = resolve))),
      start: vi.fn(async () => job()),
      restart: vi.fn(async () => job()),
      setScope: vi.fn(async () => job()),
    };
    render(
      <FluentProvider theme={webLightTheme}>
        <JobCard load={async () => job()} refreshEvery={0} actions={actions} />
      </FluentProvider>,
    );
    await user.click(await screen.findByTestId('job-pause'));
    await user.click(await screen.findByTestId('job-pause-confirm'));
    const line = await screen.findByTestId('job-waiting', {}, { timeout: 3000 });
    expect(line).toHaveTextContent('process 4242');
    await waitFor(() => expect(screen.getByTestId('job-waiting')).toHaveTextContent('throttling requests'), { timeout: 5000 });
    // One line that changes, not a growing list.
    expect(screen.getByTestId('job-waiting')).not.toHaveTextContent('29 s left');
    const pauseCall = vi.mocked(actions.pause).mock.calls[0];
    expect(vi.mocked(operationWaiting)).toHaveBeenCalledWith(pauseCall?.[0]);
    finish(job({ code: 'Paused', scheduleState: 'Paused', stateLabel: 'Paused' }));
    await waitFor(() => expect(screen.queryByTestId('job-waiting')).not.toBeInTheDocument());
    vi.mocked(operationWaiting).mockResolvedValue(null);
  }, 15_000);

  it('changes the scope only after a confirmation that says what happens in Unity', async () => {
    const user = userEvent.setup();
    const actions: JobActions = {
      pause: vi.fn(),
      start: vi.fn(),
      restart: vi.fn(),
      setScope: vi.fn(async () => job({ scope: 'allUsers' })),
    };
    render(
      <FluentProvider theme={webLightTheme}>
        <JobCard load={async () => job()} refreshEvery={0} actions={actions} />
      </FluentProvider>,
    );
    await user.click(await screen.findByRole('radio', { name: 'All users and groups in the directory' }));
    await user.click(screen.getByTestId('job-scope-save'));
    expect(await screen.findByTestId('job-scope-save-dialog')).toHaveTextContent('every user and group in your directory');
    await user.click(screen.getByTestId('job-scope-save-confirm'));
    await waitFor(() => expect(actions.setScope).toHaveBeenCalledWith(expect.any(String), 'allUsers'));
    await waitFor(() => expect(screen.getByTestId('job-scope')).toHaveTextContent('All users and groups'));
  });

  it('says a quarantine in plain words with its fix, and Start lifts it after a confirmation', async () => {
    const user = userEvent.setup();
    const quarantined = job({
      code: 'Quarantine',
      stateLabel: 'In quarantine',
      summary: 'In quarantine: the SCIM endpoint refused Entra’s credentials.',
      quarantine: {
        reason: 'EncounteredQuarantineException',
        cause: 'The SCIM endpoint refused Entra’s credentials (the token is revoked or expired).',
        fix: 'Create a new bearer token, save the credentials, then restart the job.',
        currentBegan: '2026-11-28T22:00:00Z',
      },
    });
    const actions: JobActions = { pause: vi.fn(), start: vi.fn(async () => job()), restart: vi.fn(), setScope: vi.fn() };
    render(
      <FluentProvider theme={webLightTheme}>
        <JobCard load={async () => quarantined} refreshEvery={0} actions={actions} />
      </FluentProvider>,
    );
    expect(await screen.findByTestId('job-state')).toHaveTextContent('In quarantine');
    expect(screen.getByTestId('job-summary')).not.toHaveTextContent('EncounteredQuarantineException');
    expect(screen.getByTestId('job-quarantine-cause')).toHaveTextContent('refused Entra’s credentials');
    expect(screen.getByTestId('job-quarantine-fix')).toHaveTextContent('Create a new bearer token');
    // The code stays findable for support, below the words.
    expect(screen.getByTestId('job-quarantine')).toHaveTextContent('reason code: EncounteredQuarantineException');

    await user.click(screen.getByTestId('job-restart'));
    const dialog = await screen.findByTestId('job-restart-dialog');
    expect(dialog).toHaveTextContent('watermark');
    expect(dialog).toHaveTextContent('escrows');
    expect(dialog).toHaveTextContent('lifts a quarantine');
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(actions.restart).not.toHaveBeenCalled();

    await user.click(screen.getByTestId('job-start'));
    await user.click(await screen.findByTestId('job-start-confirm'));
    await waitFor(() => expect(screen.getByTestId('job-state')).toHaveTextContent('Running'));
    expect(actions.start).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId('job-quarantine')).not.toBeInTheDocument();
  });

  it('shows a failed action as a Problem and keeps the state it had', async () => {
    const user = userEvent.setup();
    const actions: JobActions = {
      pause: vi.fn(async () => {
        throw { kind: 'forbidden', action: 'Pausing provisioning', cause: 'You may not change this app’s provisioning.', fix: 'Ask for the Application Administrator role.', detail: {} };
      }),
      start: vi.fn(),
      restart: vi.fn(),
      setScope: vi.fn(),
    };
    render(
      <FluentProvider theme={webLightTheme}>
        <JobCard load={async () => job()} refreshEvery={0} actions={actions} />
      </FluentProvider>,
    );
    await user.click(await screen.findByTestId('job-pause'));
    await user.click(await screen.findByTestId('job-pause-confirm'));
    expect(await screen.findByTestId('job-problem')).toHaveTextContent('You may not change this app’s provisioning.');
    expect(screen.getByTestId('job-state')).toHaveTextContent('Running');
    expect(screen.queryByTestId('job-action-done')).not.toBeInTheDocument();
  });

  it('lists the deletions the threshold held back by name and allows them only when confirmed', async () => {
    const user = userEvent.setup();
    const held = job({
      code: 'Quarantine',
      stateLabel: 'In quarantine',
      summary: 'In quarantine: more deletions than the accidental-deletion threshold allows were held back.',
      quarantine: {
        reason: 'TooManyDeletes',
        cause: 'More deletions than the accidental-deletion threshold allows were held back.',
        fix: 'Review the pending deletions; if they are intended, allow them.',
        currentBegan: '2026-11-28T22:00:00Z',
      },
    });
    const actions: JobActions = {
      pause: vi.fn(),
      start: vi.fn(),
      restart: vi.fn(),
      setScope: vi.fn(),
      heldBack: vi.fn(async () => ({
        held: true,
        jobStatus: held,
        users: [
          { userPrincipalName: 'megan.bowen@contoso.com', displayName: 'Megan Bowen', activityDateTime: '2026-11-28T22:00:05Z' },
          { userPrincipalName: 'lee.gu@contoso.com', displayName: 'Lee Gu', activityDateTime: '2026-11-28T22:00:06Z' },
        ],
      })),
      allowDeletions: vi.fn(async () => job()),
    };
    render(
      <FluentProvider theme={webLightTheme}>
        <JobCard load={async () => held} refreshEvery={0} actions={actions} />
      </FluentProvider>,
    );
    const list = await screen.findByTestId('held-back-list');
    expect(list).toHaveTextContent('Megan Bowen · megan.bowen@contoso.com');
    expect(list).toHaveTextContent('Lee Gu · lee.gu@contoso.com');
    expect(screen.getByTestId('held-back')).toHaveTextContent('2 deletions held back');

    await user.click(screen.getByTestId('allow-deletions'));
    const dialog = await screen.findByTestId('allow-deletions-dialog');
    expect(dialog).toHaveTextContent('ForceDeletes');
    expect(dialog).toHaveTextContent('disables or deletes these 2 users in Unity');
    expect(actions.allowDeletions).not.toHaveBeenCalled();
    await user.click(screen.getByTestId('allow-deletions-confirm'));
    await waitFor(() => expect(screen.getByTestId('job-state')).toHaveTextContent('Running'));
    expect(actions.allowDeletions).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId('job-action-done')).toHaveTextContent('Entra disables or deletes them in Unity on its next cycle');
    expect(screen.queryByTestId('held-back')).not.toBeInTheDocument();
  });

  it('offers no deletions to allow when the quarantine is about something else', async () => {
    const quarantined = job({
      code: 'Quarantine',
      quarantine: { reason: 'EncounteredQuarantineException', cause: 'The token was refused.', fix: 'Save a new token.' },
    });
    const heldBack = vi.fn(async () => ({ held: false, users: [], jobStatus: quarantined }));
    render(
      <FluentProvider theme={webLightTheme}>
        <JobCard
          load={async () => quarantined}
          refreshEvery={0}
          actions={{ pause: vi.fn(), start: vi.fn(), restart: vi.fn(), setScope: vi.fn(), heldBack, allowDeletions: vi.fn() }}
        />
      </FluentProvider>,
    );
    await screen.findByTestId('job-quarantine');
    await waitFor(() => expect(heldBack).toHaveBeenCalled());
    await waitFor(() => expect(screen.queryByText('Looking for deletions held back…')).not.toBeInTheDocument());
    expect(screen.queryByTestId('held-back')).not.toBeInTheDocument();
    expect(screen.queryByTestId('allow-deletions')).not.toBeInTheDocument();
  });

  it('stops reading the job while the window is hidden and reads at once when it is shown again', async () => {
    vi.useFakeTimers();
    const hidden = vi.spyOn(document, 'hidden', 'get');
    try {
      const load = vi.fn(async () => job());
      render(
        <FluentProvider theme={webLightTheme}>
          <JobCard load={load} refreshEvery={10_000} />
        </FluentProvider>,
      );
      await vi.advanceTimersByTimeAsync(0);
      expect(load).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(10_000);
      expect(load).toHaveBeenCalledTimes(2);

      hidden.mockReturnValue(true);
      document.dispatchEvent(new Event('visibilitychange'));
      await vi.advanceTimersByTimeAsync(60_000);
      expect(load).toHaveBeenCalledTimes(2);

      hidden.mockReturnValue(false);
      document.dispatchEvent(new Event('visibilitychange'));
      await vi.advanceTimersByTimeAsync(0);
      expect(load).toHaveBeenCalledTimes(3);
    } finally {
      vi.useRealTimers();
    }
  });
});
