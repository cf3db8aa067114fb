// What the window says when it cannot reach its Rust engine, instead of a blank page: most
// often because the page was opened in a plain browser rather than in the app.
import { MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import type { ReactElement } from 'react';

export interface EngineUnreachableProps {
  notInApp: boolean;
  message: string;
  /** The engine's own advice, when it sent a Problem. */
  fix?: string;
}

export function EngineUnreachable({ notInApp, message, fix }: EngineUnreachableProps): ReactElement {
  return (
    <MessageBar intent="error" layout="multiline" data-testid="engine-unreachable">
      <MessageBarBody>
        {notInApp ? (
          <>
            <MessageBarTitle>Not running inside the SCIM Setup app</MessageBarTitle>
            <div>
              This page was opened outside the app (for example in a web browser), so it cannot
              reach Microsoft, Unity or the sandbox. Start the app with the <code>scim-setup</code>{' '}
              command.
            </div>
          </>
        ) : (
          <>
            <MessageBarTitle>The app’s engine did not answer</MessageBarTitle>
            <div>
              {message}{' '}
              {fix ?? 'Restart SCIM Setup; if this keeps happening, report it with this message.'}
            </div>
          </>
        )}
      </MessageBarBody>
    </MessageBar>
  );
}
