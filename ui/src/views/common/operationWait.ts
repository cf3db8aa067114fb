// What a running command without a progress channel of its own waits for (another scim-setup
// holding the data folder, a throttling service, a slow answer): asked of the engine every
// second under the command's operation id, so no wait behind a spinner is silent.
import { operationWaiting } from '../../ipc';

/** Asks every `everyMs` (1000 by default) what the operation under `operationId` waits for and
 * tells `onWait` (the engine's sentence, or `undefined` when it waits for nothing). Returns the
 * function that stops asking; stopping tells `onWait(undefined)`. */
export function watchOperationWait(
  operationId: string,
  onWait: (text: string | undefined) => void,
  everyMs = 1000,
): () => void {
  let stopped = false;
  const timer = window.setInterval(() => {
    // Through a promise, so a failed ask (the window closing) is only a missed second.
    Promise.resolve()
      .then(() => operationWaiting(operationId))
      .then(
      (text) => {
        if (!stopped) onWait(text ?? undefined);
      },
      () => undefined,
    );
  }, everyMs);
  return () => {
    stopped = true;
    window.clearInterval(timer);
    onWait(undefined);
  };
}
