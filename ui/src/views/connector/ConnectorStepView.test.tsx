// Step 2: the URL with its copy button, and the live replay of Entra's calls with a failure's
// cause and fix.
import { act, screen } from '@testing-library/react';
import { runDiagnosis, type DiagnoseProgress, type DiagnoseReport } from '../../ipc';
import { seriousAxeViolations } from '../../test/axe';
import { journalFixture } from '../../test/journalFixture';
import { deferred, renderView } from '../../test/renderView';
import { ConnectorStepView } from './ConnectorStepView';

vi.mock('../../ipc', async (original) => (await import('../../test/ipcMock')).mockedIpc(await original()));

const URL = 'http://127.0.0.1:41002/scim/v2/tenants/42';

function report(failed: boolean): DiagnoseReport {
  return {
    url: URL,
    tokenHint: '…7Q2a',
    writeChecks: false,
    startedAt: '2026-11-28T22:00:00Z',
    elapsedMs: 310,
    cancelled: false,
    summary: { passed: failed ? 1 : 2, warned: 0, failed: failed ? 1 : 0, skipped: 0 },
    checks: [],
  };
}

describe('step 2', () => {
  it('shows the URL to copy and each replayed check as it finishes, failures with their fix', async () => {
    const pending = deferred<DiagnoseReport>();
    let send: (event: DiagnoseProgress) => void = () => undefined;
    vi.mocked(runDiagnosis).mockImplementation((_id, target, writeChecks, onProgress) => {
      expect(target).toEqual({ source: 'configured' });
      expect(writeChecks).toBe(false);
      send = onProgress;
      return pending.promise;
    });
    const { user } = await renderView(<ConnectorStepView onNavigate={() => undefined} />, {
      journal: journalFixture({ done: ['unityCredentials'], unity: { scimUrl: URL, road: 'guided', tokenLastFour: '7Q2a' } }),
    });
    expect(await screen.findByDisplayValue(URL)).toBeInTheDocument();
    expect(screen.getByTestId('connector-copy')).toBeInTheDocument();

    await user.click(screen.getByTestId('connector-test'));
    act(() =>
      send({
        event: 'planned',
        checks: [
          { id: 'url-https', title: 'The URL uses HTTPS' },
          { id: 'auth-token-accepted', title: 'The token is accepted' },
        ],
      }),
    );
    act(() => send({ event: 'checkStarted', id: 'url-https', title: 'The URL uses HTTPS' }));
    expect(screen.getByTestId('check-url-https')).toHaveAttribute('data-outcome', 'running');
    expect(screen.getByTestId('check-auth-token-accepted')).toHaveAttribute('data-outcome', 'pending');
    act(() =>
      send({
        event: 'checkFinished',
        result: {
          id: 'auth-token-accepted',
          title: 'The token is accepted',
          outcome: 'fail',
          failure: 'token-rejected',
          cause: 'The endpoint answered 401 to the token.',
          fix: 'Create a new bearer token in the Unity Dashboard.',
          evidence: [{ request: `GET ${URL}/Users`, status: 401, elapsedMs: 12, contentType: null, bodyExcerpt: null, requestId: 'r-9', retryAfter: null, location: null, error: null, wwwAuthenticate: null }],
          facts: [],
          elapsedMs: 12,
        },
      }),
    );
    expect(screen.getByTestId('check-auth-token-accepted')).toHaveAttribute('data-outcome', 'fail');
    expect(screen.getByTestId('check-auth-token-accepted-cause')).toHaveTextContent('answered 401');
    expect(screen.getByTestId('check-auth-token-accepted-fix')).toHaveTextContent('Create a new bearer token');

    await act(async () => pending.resolve(report(true)));
    expect(await screen.findByTestId('connector-checks-summary')).toHaveTextContent('1 passed, 0 warnings, 1 failed');
    expect(await seriousAxeViolations()).toEqual([]);
  });
});
