// How a command reaches the Rust backend: the generated command functions
// (./bindings/commands.ts) call `call` and wrap progress callbacks with `channel`.
// Nothing else in the window imports @tauri-apps/api (ESLint enforces it).
import { Channel, invoke, isTauri } from '@tauri-apps/api/core';

/** Raised when the page runs outside the SCIM Setup app (for example in a plain web browser). */
export class NotInAppError extends Error {
  constructor() {
    super('This page is running outside the SCIM Setup app, so it cannot reach its engine.');
    this.name = 'NotInAppError';
  }
}

/** Invokes `command` with `args`; rejects with NotInAppError outside the app, else with what Rust returned. */
export async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  if (!isTauri()) throw new NotInAppError();
  return invoke<T>(command, args);
}

/** A Channel that hands each progress event Rust sends to `onEvent`. */
export function channel<T>(onEvent: (event: T) => void): Channel<T> {
  const result = new Channel<T>();
  result.onmessage = onEvent;
  return result;
}
