// The window: theme, the app's facts, which section is open, and the frame around the view.
import { FluentProvider, makeStyles, mergeClasses } from '@fluentui/react-components';
import { useCallback, useLayoutEffect, useRef, useState, type ReactElement } from 'react';
import { AppFrame } from './frame/AppFrame';
import { EngineUnreachable } from './frame/EngineUnreachable';
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
  const focusHeadingNext = useRef(false);

  // Moving from a button inside a view (Begin, Next) puts focus on the new view's heading, so a
  // keyboard or screen-reader user starts reading where the new content starts. Choosing from
  // the navigation leaves focus in the navigation.
  const navigateFromContent = useCallback((next: SectionId) => {
    focusHeadingNext.current = true;
    setSection(next);
  }, []);

  useLayoutEffect(() => {
    if (!focusHeadingNext.current) return;
    focusHeadingNext.current = false;
    document.getElementById(VIEW_PANEL_ID)?.querySelector<HTMLElement>('[data-view-heading]')?.focus();
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
          onNavigate={navigateFromContent}
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
  const { journal } = useWizardData();
  const info = appInfo.status === 'ready' ? appInfo.info : undefined;
  return (
      <AppFrame
        appInfo={appInfo}
        section={section}
        stepStatus={stepStatusFrom(journal)}
        onSelectSection={onSelectSection}
        notice={
          appInfo.status === 'failed' && (
            <EngineUnreachable
              notInApp={appInfo.notInApp}
              message={appInfo.message}
              fix={appInfo.fix}
            />
          )
        }
      >
        <SectionView section={section} appInfo={info} onNavigate={onNavigate} />
      </AppFrame>
  );
}
