// Renders one view as the window does: inside Fluent's provider and the wizard's data (app
// facts plus the journal, which the mocked ipc module hands out).
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { render, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactElement } from 'react';
import { WizardDataProvider } from '../frame/journal';
import { journalState, type AppInfo, type JournalView } from '../ipc';
import { appInfoFixture } from './appInfoFixture';
import { journalFixture } from './journalFixture';

export async function renderView(
  ui: ReactElement,
  options: { journal?: JournalView; appInfo?: AppInfo } = {},
) {
  vi.mocked(journalState).mockResolvedValue(options.journal ?? journalFixture());
  const user = userEvent.setup();
  const result = render(
    <FluentProvider theme={webLightTheme}>
      <WizardDataProvider appInfo={options.appInfo ?? appInfoFixture()}>{ui}</WizardDataProvider>
    </FluentProvider>,
  );
  await waitFor(() => expect(journalState).toHaveBeenCalled());
  return { user, ...result };
}

/** A promise the test settles when it wants: for the "running" state. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export function problem(kind: string, cause: string, fix: string, action = 'Doing the thing') {
  return { kind, action, cause, fix, detail: { status: 401, requestId: 'req-1' } };
}
