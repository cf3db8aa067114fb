// The bar along the bottom: which cloud profile the app talks to, its version and where it
// keeps its files. Support staff read these off a screenshot, so they stay visible everywhere.
import { Caption1, makeStyles, tokens } from '@fluentui/react-components';
import { CloudRegular, FolderRegular } from '@fluentui/react-icons';
import type { ReactElement } from 'react';
import type { AppInfoState } from './useAppInfo';

const useStyles = makeStyles({
  bar: {
    display: 'flex',
    alignItems: 'center',
    columnGap: tokens.spacingHorizontalXL,
    minHeight: '28px',
    paddingInline: tokens.spacingHorizontalL,
    boxSizing: 'border-box',
    overflow: 'hidden',
    whiteSpace: 'nowrap',
    backgroundColor: tokens.colorNeutralBackground3,
    borderTop: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    color: tokens.colorNeutralForeground2,
  },
  item: {
    display: 'flex',
    alignItems: 'center',
    columnGap: tokens.spacingHorizontalXS,
    flexShrink: 0,
  },
  path: {
    display: 'flex',
    alignItems: 'center',
    columnGap: tokens.spacingHorizontalXS,
    minWidth: 0,
  },
  pathText: {
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  },
});

export interface StatusBarProps {
  appInfo: AppInfoState;
}

export function StatusBar({ appInfo }: StatusBarProps): ReactElement {
  const styles = useStyles();
  const info = appInfo.status === 'ready' ? appInfo.info : undefined;
  const profile =
    appInfo.status === 'ready' ? info?.profile.name : appInfo.status === 'loading' ? '…' : 'not available';

  return (
    <footer className={styles.bar} aria-label="Status">
      <span className={styles.item}>
        <CloudRegular aria-hidden="true" />
        <Caption1 data-testid="status-profile">Profile: {profile}</Caption1>
      </span>
      {info && (
        <>
          <Caption1 className={styles.item} data-testid="status-version">
            Version {info.version}
          </Caption1>
          <span className={styles.path} title={info.dataDir}>
            <FolderRegular aria-hidden="true" />
            <Caption1 className={styles.pathText} data-testid="status-data-dir">
              Data folder: {info.dataDir}
            </Caption1>
          </span>
        </>
      )}
    </footer>
  );
}
