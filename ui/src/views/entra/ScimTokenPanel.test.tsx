// The SCIM token's facts and its rotation: confirmed first, minted on the API road, pasted on
// the guided road, and a failure that says the old token is still in use.
import { screen, waitFor } from '@testing-library/react';
import { rotateScimToken, scimTokenFacts } from '../../ipc';
import { problem, renderView } from '../../test/renderView';
import { ScimTokenPanel } from './ScimTokenPanel';

vi.mock('../../ipc', async (original) => (await import('../../test/ipcMock')).mockedIpc(await original()));

describe('the SCIM token panel', () => {
  it('says the token’s age and last check, and rotates on the API road only when confirmed', async () => {
    vi.mocked(scimTokenFacts)
      .mockResolvedValueOnce({ lastFour: '7Q2a', road: 'api', createdAt: '2026-11-18T10:00:00Z', ageDays: 12, lastCheckedAt: '2026-11-30T09:00:00Z' })
      .mockResolvedValue({ lastFour: 'Zx9k', road: 'api', createdAt: '2026-11-30T09:10:00Z', ageDays: 0, lastCheckedAt: '2026-11-30T09:10:00Z' });
    vi.mocked(rotateScimToken).mockResolvedValue({
      road: 'api',
      newTokenLastFour: 'Zx9k',
      oldTokenLastFour: '7Q2a',
      oldTokenRevoked: true,
      testedAt: '2026-11-30T09:10:00Z',
      reconciled: [],
    });
    const { user } = await renderView(<ScimTokenPanel />);
    expect(await screen.findByText(/Ends in …7Q2a/)).toBe(screen.getByTestId('token-last-four'));
    expect(screen.getByTestId('token-age')).toHaveTextContent('12 days old');
    expect(screen.getByTestId('token-checked')).not.toHaveTextContent('Not yet');
    expect(screen.queryByTestId('token-paste')).not.toBeInTheDocument();

    await user.click(screen.getByTestId('token-rotate'));
    const dialog = await screen.findByTestId('token-rotate-dialog');
    expect(dialog).toHaveTextContent('Only then is …7Q2a revoked');
    expect(dialog).toHaveTextContent('If any step fails, …7Q2a stays in use and nothing is revoked');
    expect(rotateScimToken).not.toHaveBeenCalled();
    await user.click(screen.getByTestId('token-rotate-confirm'));
    await waitFor(() => expect(rotateScimToken).toHaveBeenCalledWith(expect.any(String), null));
    expect(await screen.findByTestId('token-rotated')).toHaveTextContent('Entra now uses …Zx9k');
    expect(screen.getByTestId('token-rotated')).toHaveTextContent('The old token …7Q2a is revoked');
    await waitFor(() => expect(screen.getByTestId('token-age')).toHaveTextContent('Made today'));
  });

  it('takes a pasted token on the guided road and keeps the old one when the rotation fails', async () => {
    vi.mocked(scimTokenFacts).mockResolvedValue({ lastFour: '7Q2a', road: 'guided', ageDays: 3 });
    vi.mocked(rotateScimToken).mockRejectedValue(
      problem('credentialsRejected', 'Unity refused the new token.', 'Copy the whole token from the Dashboard and try again.', 'Rotating the SCIM token'),
    );
    const { user } = await renderView(<ScimTokenPanel />);
    await screen.findByText('Ends in …7Q2a · pasted from the Unity Dashboard');
    expect(screen.getByTestId('token-rotate')).toBeDisabled();
    await user.type(screen.getByTestId('token-paste'), '  new-token-from-dashboard  ');
    await user.click(screen.getByTestId('token-rotate'));
    expect(await screen.findByTestId('token-rotate-dialog')).toHaveTextContent('revoke …7Q2a in the Unity Dashboard');
    await user.click(screen.getByTestId('token-rotate-confirm'));
    await waitFor(() => expect(rotateScimToken).toHaveBeenCalledWith(expect.any(String), 'new-token-from-dashboard'));
    expect(await screen.findByTestId('token-rotate-problem')).toHaveTextContent('Unity refused the new token.');
    expect(screen.getByText('…7Q2a is still in use; nothing was revoked.')).toBeInTheDocument();
  });
});
