// A button that copies a value and says so for a moment ("Copied").
import { Button, Tooltip, type ButtonProps } from '@fluentui/react-components';
import { CheckmarkRegular, CopyRegular } from '@fluentui/react-icons';
import { useEffect, useState, type ReactElement } from 'react';
import { copyText } from './copyText';

export interface CopyButtonProps {
  text: string;
  /** What is copied, for the accessible name: "Copy the connector URL". */
  label: string;
  children?: string;
  appearance?: ButtonProps['appearance'];
  size?: ButtonProps['size'];
  testId?: string;
  /** Nothing to copy yet: the button cannot claim "Copied". */
  disabled?: boolean;
}

export function CopyButton({ text, label, children, appearance = 'secondary', size, testId, disabled }: CopyButtonProps): ReactElement {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = window.setTimeout(() => setCopied(false), 2000);
    return () => window.clearTimeout(timer);
  }, [copied]);
  const button = (
    <Button
      appearance={appearance}
      size={size}
      icon={copied ? <CheckmarkRegular /> : <CopyRegular />}
      aria-label={children ? undefined : label}
      data-testid={testId}
      disabled={disabled || !text}
      onClick={() => {
        if (!text) return;
        void copyText(text).then(setCopied);
      }}
    >
      {children && (copied ? 'Copied' : children)}
    </Button>
  );
  return children ? button : <Tooltip content={copied ? 'Copied' : label} relationship="description">{button}</Tooltip>;
}
