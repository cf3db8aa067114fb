// Loads the app's facts (version, cloud profile, sandbox, data folder) once at start-up and
// says which of three states the window is in: still asking, known, or unreachable.
import { useEffect, useState } from 'react';
import { asProblem, describeIpcError, getAppInfo, NotInAppError, type AppInfo } from '../ipc';

export type AppInfoState =
  | { status: 'loading' }
  | { status: 'ready'; info: AppInfo }
  | { status: 'failed'; notInApp: boolean; message: string; fix?: string };

export function useAppInfo(): AppInfoState {
  const [state, setState] = useState<AppInfoState>({ status: 'loading' });

  useEffect(() => {
    let current = true;
    getAppInfo().then(
      (info) => {
        if (current) setState({ status: 'ready', info });
      },
      (error: unknown) => {
        if (current) {
          setState({
            status: 'failed',
            notInApp: error instanceof NotInAppError,
            message: describeIpcError(error),
            fix: asProblem(error)?.fix,
          });
        }
      },
    );
    return () => {
      current = false;
    };
  }, []);

  return state;
}
