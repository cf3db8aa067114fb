// Never silent in the window: a call that keeps a step or a diagnosis waiting shows one line
// that counts down (who, what, which try, seconds left), replaced by each heartbeat.
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { render, screen } from '@testing-library/react';
import type { DiagnoseProgress, WizardProgress } from '../../ipc';
import { CheckList } from './CheckList';
import { noteLines, ProgressNotes } from './ProgressNotes';
import { WaitingLine } from './WaitingLine';
import { foldCheck, type CheckRow } from './useChecks';

const countdown = (left: number, attempt = 1): WizardProgress => ({
  type: 'waiting',
  step: 'connectorUrl',
  reason: `Waiting for the SCIM endpoint (127.0.0.1:4100) to answer GET /scim/v2/Users, try ${attempt} of 3, ${left} s left`,
  seconds: 60 - left,
  leftSeconds: left,
});

describe('waiting progress', () => {
  it('keeps one countdown line per wait, whatever the number of heartbeats', () => {
    for (const beats of [1, 2, 5, 30]) {
      const events: WizardProgress[] = [{ type: 'note', step: 'connectorUrl', message: 'Validated domains: contoso.com' }];
      for (let beat = 0; beat < beats; beat += 1) events.push(countdown(58 - 2 * beat));
      const lines = noteLines(events);
      expect(lines).toHaveLength(2);
      expect(lines[1]?.text).toContain(`${58 - 2 * (beats - 1)} s left`);
    }
  });

  it('keeps a wait without a deadline and a note between countdowns as their own lines', () => {
    const lines = noteLines([
      countdown(40),
      { type: 'waiting', step: 'enterpriseApp', reason: 'Waiting for Entra to replicate the new app', seconds: 4, leftSeconds: null },
      countdown(38, 2),
      { type: 'note', step: 'connectorUrl', message: 'Found it' },
      countdown(20, 3),
    ]).map((line) => line.text);
    expect(lines).toEqual([
      'Waiting for the SCIM endpoint (127.0.0.1:4100) to answer GET /scim/v2/Users, try 1 of 3, 40 s left',
      'Waiting for Entra to replicate the new app (4 s)',
      'Waiting for the SCIM endpoint (127.0.0.1:4100) to answer GET /scim/v2/Users, try 2 of 3, 38 s left',
      'Found it',
      'Waiting for the SCIM endpoint (127.0.0.1:4100) to answer GET /scim/v2/Users, try 3 of 3, 20 s left',
    ]);
  });

  it('shows the latest countdown on the step', () => {
    render(
      <FluentProvider theme={webLightTheme}>
        <ProgressNotes events={[countdown(58), countdown(56), countdown(54)]} running label="Connector URL progress" />
      </FluentProvider>,
    );
    expect(screen.getByText(/54 s left/)).toBeInTheDocument();
    expect(screen.queryByText(/56 s left/)).not.toBeInTheDocument();
  });

  it('shows a diagnosis’s countdown on each running check until it finishes', () => {
    const waiting = (left: number): DiagnoseProgress => ({
      event: 'waiting',
      reason: `Waiting for the SCIM endpoint (127.0.0.1:4100) to answer GET /scim/v2/Users, try 1 of 1, ${left} s left`,
      seconds: 60 - left,
      leftSeconds: left,
    });
    let rows: CheckRow[] = foldCheck([], {
      event: 'planned',
      checks: [
        { id: 'auth-token-accepted', title: 'The token is accepted' },
        { id: 'test-connection-users', title: 'Test Connection' },
      ],
    });
    rows = foldCheck(rows, { event: 'checkStarted', id: 'test-connection-users', title: 'Test Connection' });
    for (const left of [58, 56, 54]) rows = foldCheck(rows, waiting(left));
    render(
      <FluentProvider theme={webLightTheme}>
        <CheckList rows={rows} label="Checks" />
      </FluentProvider>,
    );
    expect(screen.getByTestId('check-test-connection-users-waiting')).toHaveTextContent('54 s left');
    expect(screen.queryByTestId('check-auth-token-accepted-waiting')).not.toBeInTheDocument();
  });

  it('shows a command’s wait as one polite status line, each wait replacing the last, and nothing without one', () => {
    const waits = [
      'Waiting for another scim-setup (process 4242, `setup`, started at 2026-01-02 03:04) to finish with this data folder, 30 s left',
      'Waiting for another scim-setup (process 4242, `setup`, started at 2026-01-02 03:04) to finish with this data folder, 25 s left',
      'Graph.microsoft.com is throttling requests (429 Too Many Requests); trying again after a 4 s wait (try 2 of 5), 110 s left',
      'Waiting for the SCIM endpoint (<b>127.0.0.1</b>:4100) to answer GET /scim/v2/Users, try 1 of 5, 80 s left',
    ];
    const view = (waiting: string | undefined) => (
      <FluentProvider theme={webLightTheme}>
        <WaitingLine waiting={waiting} testId="wait" />
      </FluentProvider>
    );
    const { rerender } = render(view(undefined));
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
    for (const waiting of waits) {
      rerender(view(waiting));
      const statuses = screen.getAllByRole('status');
      expect(statuses).toHaveLength(1);
      expect(statuses[0]).toHaveAttribute('aria-live', 'polite');
      // Shown as text, never as markup.
      expect(statuses[0]?.textContent).toBe(waiting);
    }
    rerender(view(undefined));
    expect(screen.queryByTestId('wait')).not.toBeInTheDocument();
  });
});
