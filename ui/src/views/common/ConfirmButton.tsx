// A button for a lasting change in a tenant (create an app, assign, unassign, pause, restart):
// it first says what will happen, in a dialog, and acts only when the admin confirms.
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  DialogTrigger,
  type ButtonProps,
} from '@fluentui/react-components';
import { useState, type ReactElement, type ReactNode } from 'react';

export interface ConfirmButtonProps {
  /** The button's text, e.g. "Pause". */
  children: ReactNode;
  /** The dialog's question, e.g. "Pause provisioning?". */
  title: string;
  /** What will happen, in plain words. */
  body: ReactNode;
  /** The confirming button's text, e.g. "Pause provisioning". */
  confirm: string;
  onConfirm: () => void;
  appearance?: ButtonProps['appearance'];
  size?: ButtonProps['size'];
  icon?: ButtonProps['icon'];
  disabled?: boolean;
  testId?: string;
}

export function ConfirmButton({
  children,
  title,
  body,
  confirm,
  onConfirm,
  appearance,
  size,
  icon,
  disabled,
  testId,
}: ConfirmButtonProps): ReactElement {
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={(_event, data) => setOpen(data.open)}>
      <DialogTrigger disableButtonEnhancement>
        <Button appearance={appearance} size={size} icon={icon} disabled={disabled} data-testid={testId}>
          {/* In its own element: Fluent's Button clips its overflow, and WebKitGTK's WebDriver
              reads a bare text node inside such a button as hidden (an empty label). */}
          <span>{children}</span>
        </Button>
      </DialogTrigger>
      <DialogSurface data-testid={testId ? `${testId}-dialog` : undefined}>
        <DialogBody>
          <DialogTitle>{title}</DialogTitle>
          <DialogContent>{body}</DialogContent>
          <DialogActions>
            <DialogTrigger disableButtonEnhancement>
              <Button appearance="secondary">Cancel</Button>
            </DialogTrigger>
            <Button
              appearance="primary"
              data-testid={testId ? `${testId}-confirm` : undefined}
              onClick={() => {
                setOpen(false);
                onConfirm();
              }}
            >
              {confirm}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
