// The window's header: the app's name and, in sandbox mode, a warning that nobody can miss,
// because everything done there is simulated and a person must never mistake it for real.
import { Badge, Body1, makeStyles, mergeClasses, Text, tokens } from '@fluentui/react-components';
import { BeakerFilled, PeopleSyncRegular } from '@fluentui/react-icons';
import type { ReactElement } from 'react';

const useStyles = makeStyles({
  header: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    columnGap: tokens.spacingHorizontalL,
    rowGap: tokens.spacingVerticalXS,
    minHeight: '48px',
    paddingBlock: tokens.spacingVerticalS,
    paddingInline: tokens.spacingHorizontalL,
    boxSizing: 'border-box',
    backgroundColor: tokens.colorNeutralBackground1,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  sandboxHeader: {
    // A warning-coloured band along the top edge in sandbox mode.
    borderTop: `${tokens.strokeWidthThickest} solid ${tokens.colorStatusWarningBorderActive}`,
    backgroundColor: tokens.colorStatusWarningBackground1,
  },
  brand: {
    display: 'flex',
    alignItems: 'center',
    columnGap: tokens.spacingHorizontalS,
  },
  brandIcon: {
    fontSize: '24px',
    color: tokens.colorBrandForeground1,
  },
  sandbox: {
    display: 'flex',
    alignItems: 'center',
    columnGap: tokens.spacingHorizontalS,
  },
  sandboxText: {
    color: tokens.colorNeutralForeground1,
  },
});

export interface HeaderProps {
  sandbox: boolean;
}

export function Header({ sandbox }: HeaderProps): ReactElement {
  const styles = useStyles();
  return (
    <header className={mergeClasses(styles.header, sandbox && styles.sandboxHeader)}>
      <div className={styles.brand}>
        <PeopleSyncRegular className={styles.brandIcon} aria-hidden="true" />
        <Text size={500} weight="semibold">
          SCIM Setup
        </Text>
      </div>
      {sandbox && (
        <div className={styles.sandbox} role="status">
          <Badge
            data-testid="sandbox-badge"
            appearance="filled"
            color="warning"
            size="large"
            icon={<BeakerFilled />}
          >
            Sandbox
          </Badge>
          <Body1 className={styles.sandboxText}>
            Simulated clouds on this computer — nothing reaches Microsoft or Unity
          </Body1>
        </div>
      )}
    </header>
  );
}
