// The seam itself: it calls the right command inside the app, and refuses clearly outside it.
import { invoke, isTauri } from '@tauri-apps/api/core';
import { appInfoFixture } from '../test/appInfoFixture';
import { describeIpcError, getAppInfo, NotInAppError } from '.';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn(), isTauri: vi.fn() }));

describe('getAppInfo', () => {
  it('asks the app_info command inside the app', async () => {
    vi.mocked(isTauri).mockReturnValue(true);
    vi.mocked(invoke).mockResolvedValue(appInfoFixture());
    await expect(getAppInfo()).resolves.toEqual(appInfoFixture());
    expect(invoke).toHaveBeenCalledWith('app_info');
  });

  it('rejects with NotInAppError in a plain browser, without calling Tauri', async () => {
    vi.mocked(isTauri).mockReturnValue(false);
    await expect(getAppInfo()).rejects.toBeInstanceOf(NotInAppError);
    expect(invoke).not.toHaveBeenCalled();
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
