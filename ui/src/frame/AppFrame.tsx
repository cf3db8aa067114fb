// The window's layout: header on top, navigation on the left, the current view in the middle
// (the only part that scrolls), the status bar at the bottom.
import { makeStyles, tokens } from '@fluentui/react-components';
import type { ReactElement, ReactNode } from 'react';
import { Header } from './Header';
import { Nav } from './Nav';
import { navTabId, VIEW_PANEL_ID, type SectionId, type StepId, type StepStatus } from './sections';
import { StatusBar } from './StatusBar';
import type { AppInfoState } from './useAppInfo';

const useStyles = makeStyles({
  frame: {
    display: 'grid',
    gridTemplateRows: 'auto minmax(0, 1fr) auto',
    gridTemplateColumns: '248px minmax(0, 1fr)',
    gridTemplateAreas: `"header header" "nav main" "status status"`,
    height: '100%',
  },
  header: { gridArea: 'header' },
  nav: {
    gridArea: 'nav',
    display: 'flex',
    flexDirection: 'column',
    minHeight: 0,
  },
  main: {
    gridArea: 'main',
    overflowY: 'auto',
    backgroundColor: tokens.colorNeutralBackground1,
  },
  panel: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalL,
    paddingTop: tokens.spacingVerticalXL,
    paddingBottom: tokens.spacingVerticalXXL,
    paddingInline: tokens.spacingHorizontalXXXL,
  },
  status: { gridArea: 'status' },
});

export interface AppFrameProps {
  appInfo: AppInfoState;
  section: SectionId;
  stepStatus: Record<StepId, StepStatus>;
  onSelectSection: (section: SectionId) => void;
  /** Shown above the view, e.g. when the engine cannot be reached. */
  notice?: ReactNode;
  children: ReactNode;
}

export function AppFrame({
  appInfo,
  section,
  stepStatus,
  onSelectSection,
  notice,
  children,
}: AppFrameProps): ReactElement {
  const styles = useStyles();
  // Any simulated cloud earns the banner: the embedded sandbox or a sandbox's profile file.
  const sandbox = appInfo.status === 'ready' && (appInfo.info.sandbox || appInfo.info.simulatedSignIn);
  return (
    <div className={styles.frame}>
      <div className={styles.header}>
        <Header sandbox={sandbox} />
      </div>
      <div className={styles.nav}>
        <Nav selected={section} stepStatus={stepStatus} onSelect={onSelectSection} />
      </div>
      <main className={styles.main}>
        <div
          id={VIEW_PANEL_ID}
          role="tabpanel"
          aria-labelledby={navTabId(section)}
          className={styles.panel}
        >
          {notice}
          {children}
        </div>
      </main>
      <div className={styles.status}>
        <StatusBar appInfo={appInfo} />
      </div>
    </div>
  );
}
