// The seam itself: it calls the right command inside the app, and refuses clearly outside it.
import { invoke, isTauri } from '@tauri-apps/api/core';
import { appInfoFixture } from '../test/appInfoFixture';
import { describeIpcError, getAppInfo, NotInAppError, unityAcceptPasted, unityEnsureCredentials } from '.';

vi.mock('@tauri-apps/api/core', () => ({
  invoke: vi.fn(),
  isTauri: vi.fn(),
  Channel: class {
    onmessage: (event: unknown) => void = () => undefined;
  },
}));

describe('getAppInfo', () => {
  it('asks the app_info command inside the app', async () => {
    vi.mocked(isTauri).mockReturnValue(true);
    vi.mocked(invoke).mockResolvedValue(appInfoFixture());
    await expect(getAppInfo()).resolves.toEqual(appInfoFixture());
    expect(invoke).toHaveBeenCalledWith('app_info', undefined);
  });

  it('rejects with NotInAppError in a plain browser, without calling Tauri', async () => {
    vi.mocked(isTauri).mockReturnValue(false);
    await expect(getAppInfo()).rejects.toBeInstanceOf(NotInAppError);
    expect(invoke).not.toHaveBeenCalled();
  });
});

describe('the generated command functions', () => {
  it('send the Rust parameter names in camelCase and wrap progress callbacks in a Channel', async () => {
    vi.mocked(isTauri).mockReturnValue(true);
    vi.mocked(invoke).mockResolvedValue({});
    const onProgress = vi.fn();
    await unityEnsureCredentials('op-1', 'org-9', onProgress);
    const [command, args] = vi.mocked(invoke).mock.calls.at(-1) ?? [];
    expect(command).toBe('unity_ensure_credentials');
    expect(args).toMatchObject({ operationId: 'op-1', orgId: 'org-9' });
    const channel = (args as { onProgress: { onmessage: (event: unknown) => void } }).onProgress;
    channel.onmessage({ kind: 'waiting' });
    expect(onProgress).toHaveBeenCalledWith({ kind: 'waiting' });
  });

  it('send a pasted token as a plain string to Rust, where it becomes a Secret', async () => {
    vi.mocked(isTauri).mockReturnValue(true);
    vi.mocked(invoke).mockResolvedValue({});
    await unityAcceptPasted('op-2', 'https://scim.example/v2', 'tok-7Q2a', () => {});
    expect(invoke).toHaveBeenLastCalledWith('unity_accept_pasted', {
      operationId: 'op-2',
      connector: 'https://scim.example/v2',
      token: 'tok-7Q2a',
      onProgress: expect.anything(),
    });
  });
});

describe('describeIpcError', () => {
  it('reads a message from an Error, a string or a Problem’s cause', () => {
    expect(describeIpcError(new Error('boom'))).toBe('boom');
    expect(describeIpcError('plain words')).toBe('plain words');
    expect(
      describeIpcError({ kind: 'forbidden', action: 'a', cause: 'Unity answered 401.', fix: 'f', detail: {} }),
    ).toBe('Unity answered 401.');
    expect(describeIpcError(42)).toMatch(/could not describe/);
  });
});
