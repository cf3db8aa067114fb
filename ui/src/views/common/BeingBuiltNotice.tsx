// An honest note on the parts of a view that are not wired to the engine yet.
import { MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import type { ReactElement, ReactNode } from 'react';

export interface BeingBuiltNoticeProps {
  title?: string;
  children: ReactNode;
}

export function BeingBuiltNotice({
  title = 'This step is being built',
  children,
}: BeingBuiltNoticeProps): ReactElement {
  return (
    <MessageBar intent="info" layout="multiline" data-testid="being-built">
      <MessageBarBody>
        <MessageBarTitle>{title}</MessageBarTitle>
        {/* On its own line: Fluent runs the title into the text otherwise. */}
        <div>{children}</div>
      </MessageBarBody>
    </MessageBar>
  );
}
