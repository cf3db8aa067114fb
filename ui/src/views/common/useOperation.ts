// One long command's life in a view: idle, running (with its operation id, so Cancel can
// reach it), done with a result, or failed with a Problem. A newer run replaces an older one.
import { useCallback, useEffect, useRef, useState } from 'react';
import { cancelOperation, newOperationId, toProblem, type Problem } from '../../ipc';
import { watchOperationWait } from './operationWait';

export type OperationState<T> =
  | { status: 'idle' }
  | { status: 'running' }
  | { status: 'done'; result: T }
  | { status: 'failed'; problem: Problem };

export interface Operation<T> {
  state: OperationState<T>;
  running: boolean;
  result: T | undefined;
  problem: Problem | undefined;
  /** What the running command waits for now, in the engine's words; `undefined` when nothing. */
  waiting: string | undefined;
  run: (work: (operationId: string) => Promise<T>) => Promise<T | undefined>;
  cancel: () => void;
  reset: () => void;
}

export function useOperation<T>(action: string): Operation<T> {
  const [state, setState] = useState<OperationState<T>>({ status: 'idle' });
  const [waiting, setWaiting] = useState<string | undefined>();
  const current = useRef<string | undefined>(undefined);
  const mounted = useRef(true);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      // Leaving the view cancels its work: nothing keeps running unseen.
      if (current.current) void cancelOperation(current.current).catch(() => undefined);
    };
  }, []);

  const run = useCallback(
    async (work: (operationId: string) => Promise<T>) => {
      const id = newOperationId();
      current.current = id;
      setState({ status: 'running' });
      const stopWatching = watchOperationWait(id, (text) => {
        if (mounted.current && current.current === id) setWaiting(text);
      });
      try {
        const result = await work(id);
        if (mounted.current && current.current === id) setState({ status: 'done', result });
        return result;
      } catch (error) {
        if (mounted.current && current.current === id) setState({ status: 'failed', problem: toProblem(error, action) });
        return undefined;
      } finally {
        stopWatching();
        if (mounted.current) setWaiting(undefined);
        if (current.current === id) current.current = undefined;
      }
    },
    [action],
  );

  const cancel = useCallback(() => {
    if (current.current) void cancelOperation(current.current).catch(() => undefined);
  }, []);

  const reset = useCallback(() => setState({ status: 'idle' }), []);

  return {
    state,
    running: state.status === 'running',
    result: state.status === 'done' ? state.result : undefined,
    problem: state.status === 'failed' ? state.problem : undefined,
    waiting: state.status === 'running' ? waiting : undefined,
    run,
    cancel,
    reset,
  };
}
