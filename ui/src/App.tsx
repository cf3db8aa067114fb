// The window: theme, the app's facts, which section is open, and the frame around the view.
import { FluentProvider, makeStyles, mergeClasses } from '@fluentui/react-components';
import { useLayoutEffect, useRef, useState, type ReactElement } from 'react';
import { AppFrame } from './frame/AppFrame';
import { EngineUnreachable } from './frame/EngineUnreachable';
import { StartupNotice } from './frame/StartupNotice';
import { stepStatusFrom, useWizardData, WizardDataProvider } from './frame/journal';
import { VIEW_PANEL_ID, type SectionId } from './frame/sections';
import type { AppInfoState } from './frame/useAppInfo';
import { useAppInfo } from './frame/useAppInfo';
import { useSystemTheme } from './frame/useSystemTheme';
import { SectionView } from './views/SectionView';

const useStyles = makeStyles({
  provider: {
    height: '100%',
  },
  light: { colorScheme: 'light' },
  dark: { colorScheme: 'dark' },
});

export function App(): ReactElement {
  const styles = useStyles();
  const { dark, theme } = useSystemTheme();
  const appInfo = useAppInfo();
  const [section, setSection] = useState<SectionId>('start');
  const opened = useRef(false);

  // Every view opens at its top with focus on its heading, whether it was opened from the
  // navigation or from a button inside a view (Begin, Next): a keyboard or screen-reader user
  // starts reading where the new content starts, and nobody lands halfway down a page because
  // the previous one was scrolled. The very first view keeps the window's natural focus.
  useLayoutEffect(() => {
    const panel = document.getElementById(VIEW_PANEL_ID);
    if (panel?.parentElement) panel.parentElement.scrollTop = 0;
    if (!opened.current) {
      opened.current = true;
      return;
    }
    panel?.querySelector<HTMLElement>('[data-view-heading]')?.focus({ preventScroll: true });
  }, [section]);

  const info = appInfo.status === 'ready' ? appInfo.info : undefined;

  return (
    <FluentProvider
      theme={theme}
      className={mergeClasses(styles.provider, dark ? styles.dark : styles.light)}
    >
      <WizardDataProvider appInfo={info}>
        <WizardFrame
          appInfo={appInfo}
          section={section}
          onSelectSection={setSection}
          onNavigate={setSection}
        />
      </WizardDataProvider>
    </FluentProvider>
  );
}

interface WizardFrameProps {
  appInfo: AppInfoState;
  section: SectionId;
  onSelectSection: (section: SectionId) => void;
  onNavigate: (section: SectionId) => void;
}

/** The frame with the step status the journal gives. */
function WizardFrame({ appInfo, section, onSelectSection, onNavigate }: WizardFrameProps): ReactElement {
  const { journal, session } = useWizardData();
  const info = appInfo.status === 'ready' ? appInfo.info : undefined;
  return (
      <AppFrame
        appInfo={appInfo}
        section={section}
        stepStatus={stepStatusFrom(journal, session)}
        onSelectSection={onSelectSection}
        notice={
          appInfo.status === 'failed' ? (
            <EngineUnreachable
              notInApp={appInfo.notInApp}
              message={appInfo.message}
              fix={appInfo.fix}
            />
          ) : (
            info && <StartupNotice problems={info.startupProblems} onOpenSettings={() => onNavigate('settings')} />
          )
        }
      >
        <SectionView section={section} appInfo={info} onNavigate={onNavigate} />
      </AppFrame>
  );
}
