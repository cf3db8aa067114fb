// What start-up could not use, in view above every page until it is repaired: a saved custom
// profile that moved or broke, or unreadable settings (the app opened on the Global profile
// with default settings instead, and Settings repairs it), or a journal set aside.
import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import type { ReactElement } from 'react';
import type { StartupProblem, StartupProblemKind } from '../ipc';

const TITLE: Record<StartupProblemKind, string> = {
  dataFolderUnusable: 'The app’s data folder cannot be used',
  settingsUnreadable: 'Your saved settings cannot be read',
  profileMissing: 'The cloud profile chosen in Settings is missing',
  profileUnreadable: 'The cloud profile chosen in Settings cannot be used',
  journalSetAside: 'The record of earlier progress was set aside',
};

export interface StartupNoticeProps {
  problems: StartupProblem[];
  onOpenSettings: () => void;
}

export function StartupNotice({ problems, onOpenSettings }: StartupNoticeProps): ReactElement | null {
  if (problems.length === 0) return null;
  return (
    <>
      {problems.map((startup) => (
        <MessageBar
          key={`${startup.kind}:${startup.path}`}
          intent={startup.blocking ? 'warning' : 'info'}
          layout="multiline"
          data-testid={`startup-problem-${startup.kind}`}
        >
          <MessageBarBody>
            <MessageBarTitle>{TITLE[startup.kind]}</MessageBarTitle>
            <div>{startup.problem.cause}</div>
            <div>{startup.problem.fix}</div>
            {startup.blocking && startup.repairInSettings && (
              <div>Until then the app uses the Global (Microsoft) cloud profile with default settings.</div>
            )}
          </MessageBarBody>
          {startup.repairInSettings && startup.blocking && (
            <MessageBarActions>
              <Button onClick={onOpenSettings} data-testid="startup-open-settings">
                Open Settings
              </Button>
            </MessageBarActions>
          )}
        </MessageBar>
      ))}
    </>
  );
}
