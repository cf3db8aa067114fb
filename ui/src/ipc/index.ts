// The window's only way to the Rust backend. Components import typed functions from here and
// never from @tauri-apps/api (ESLint enforces it), so component tests mock this one module.
// Types come from ./bindings, generated from the Rust types by ts-rs: never edit those by hand.
import { invoke, isTauri } from '@tauri-apps/api/core';
import type { AppInfo } from './bindings/AppInfo';
import type { Problem } from './bindings/Problem';

export type { AppInfo } from './bindings/AppInfo';
export type { Problem } from './bindings/Problem';
export type { ProblemDetail } from './bindings/ProblemDetail';
export type { ProfileSummary } from './bindings/ProfileSummary';

/** Raised when the page runs outside the SCIM Setup app (for example in a plain web browser). */
export class NotInAppError extends Error {
  constructor() {
    super('This page is running outside the SCIM Setup app, so it cannot reach its engine.');
    this.name = 'NotInAppError';
  }
}

/** Version, active cloud profile, sandbox flag and data folder of the running app. */
export async function getAppInfo(): Promise<AppInfo> {
  // `vite build --mode preview-mock` swaps in sample data so the frame can be looked at in a
  // plain browser. Vite replaces MODE at build time, so a normal build drops this branch and
  // the sample module entirely.
  if (import.meta.env.MODE === 'preview-mock') {
    const { previewAppInfo } = await import('./previewAppInfo');
    return previewAppInfo;
  }
  requireApp();
  return invoke<AppInfo>('app_info');
}

function requireApp(): void {
  if (!isTauri()) throw new NotInAppError();
}

/** The engine's Problem, if that is what a command rejected with. */
export function asProblem(error: unknown): Problem | undefined {
  if (
    error !== null &&
    typeof error === 'object' &&
    'kind' in error &&
    typeof error.kind === 'string' &&
    'cause' in error &&
    typeof error.cause === 'string' &&
    'fix' in error &&
    typeof error.fix === 'string'
  ) {
    return error as Problem;
  }
  return undefined;
}

/** A sentence for a person from whatever a command rejected with. */
export function describeIpcError(error: unknown): string {
  const problem = asProblem(error);
  if (problem) return problem.cause;
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  return 'The app’s engine returned an error it could not describe.';
}
