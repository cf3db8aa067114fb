// Said wherever a sign-in happens against a simulated cloud: nothing opens, nobody types.
import { MessageBar, MessageBarBody } from '@fluentui/react-components';
import type { ReactElement } from 'react';

export function SimulatedNote({ what }: { what: string }): ReactElement {
  return (
    <MessageBar intent="info" data-testid="simulated-sign-in">
      <MessageBarBody>
        {what} is simulated: this is the sandbox, which consents by itself, so no browser opens.
      </MessageBarBody>
    </MessageBar>
  );
}
