// The window: theme, the app's facts, which section is open, and the frame around the view.
import { FluentProvider, makeStyles, mergeClasses } from '@fluentui/react-components';
import { useCallback, useLayoutEffect, useRef, useState, type ReactElement } from 'react';
import { AppFrame } from './frame/AppFrame';
import { EngineUnreachable } from './frame/EngineUnreachable';
import { NO_PROGRESS, VIEW_PANEL_ID, type SectionId } from './frame/sections';
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
      <AppFrame
        appInfo={appInfo}
        section={section}
        stepStatus={NO_PROGRESS}
        onSelectSection={setSection}
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
        <SectionView section={section} appInfo={info} onNavigate={navigateFromContent} />
      </AppFrame>
    </FluentProvider>
  );
}
