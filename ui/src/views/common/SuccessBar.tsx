// A step's good news, stated as facts.
import { MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import type { ReactElement, ReactNode } from 'react';

export function SuccessBar({ title, children, testId }: { title: string; children?: ReactNode; testId?: string }): ReactElement {
  return (
    <MessageBar intent="success" layout="multiline" data-testid={testId}>
      <MessageBarBody>
        <MessageBarTitle>{title}</MessageBarTitle>
        {children && <div>{children}</div>}
      </MessageBarBody>
    </MessageBar>
  );
}
