// Settings: for now, the active cloud profile's endpoints, read-only. Choosing a profile, client
// IDs, the request timeout and sign-out grow in here later.
import {
  Body1,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Subtitle2,
  tokens,
} from '@fluentui/react-components';
import { Fragment, type ReactElement } from 'react';
import type { AppInfo } from '../../ipc';
import { BeingBuiltNotice } from '../common/BeingBuiltNotice';
import { ViewPage } from '../common/ViewPage';

const useStyles = makeStyles({
  section: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalS,
  },
  heading: {
    margin: 0,
  },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'minmax(160px, max-content) 1fr',
    columnGap: tokens.spacingHorizontalXL,
    rowGap: tokens.spacingVerticalS,
    margin: 0,
    padding: tokens.spacingHorizontalL,
    borderRadius: tokens.borderRadiusMedium,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  term: {
    color: tokens.colorNeutralForeground2,
    fontWeight: tokens.fontWeightSemibold,
    fontSize: tokens.fontSizeBase300,
    lineHeight: tokens.lineHeightBase300,
  },
  value: {
    margin: 0,
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase300,
    lineHeight: tokens.lineHeightBase300,
    overflowWrap: 'anywhere',
    userSelect: 'text',
  },
  missing: {
    fontFamily: tokens.fontFamilyBase,
    color: tokens.colorNeutralForeground3,
  },
});

export interface SettingsViewProps {
  /** Undefined while loading or when the engine could not be reached. */
  appInfo?: AppInfo;
}

export function SettingsView({ appInfo }: SettingsViewProps): ReactElement {
  const styles = useStyles();
  return (
    <ViewPage
      id="settings"
      title="Settings"
      summary={
        <>
          The cloud profile decides which Microsoft and Unity services this app talks to. These
          values come from the profile the app was started with, and are read-only for now.
        </>
      }
    >
      <section className={styles.section} aria-labelledby="settings-profile">
        <Subtitle2 as="h2" id="settings-profile" className={styles.heading}>
          Cloud profile
        </Subtitle2>
        {appInfo ? (
          <ProfileFacts appInfo={appInfo} />
        ) : (
          <MessageBar intent="warning">
            <MessageBarBody>The profile is not available: the app’s engine could not be reached.</MessageBarBody>
          </MessageBar>
        )}
      </section>
      <BeingBuiltNotice title="Changing settings is being built">
        Coming next: choosing the profile (Global, US Gov, China, Sandbox or a custom file), the
        Microsoft and Unity client IDs, the request timeout, and signing out.
      </BeingBuiltNotice>
    </ViewPage>
  );
}

function ProfileFacts({ appInfo }: { appInfo: AppInfo }): ReactElement {
  const styles = useStyles();
  const { profile } = appInfo;
  const facts: [string, string | null][] = [
    ['Profile', profile.name],
    ['Microsoft sign-in', profile.microsoftAuthority],
    ['Microsoft Graph', profile.graph],
    ['Unity sign-in', profile.unityAuth],
    ['Unity admin API', profile.unityApi],
    ['Unity SCIM', profile.unityScim],
    ['SCIM connector URL', profile.scimBaseUrl],
    ['Data folder', appInfo.dataDir],
    ['App version', appInfo.version],
  ];
  return (
    <dl className={styles.facts} data-testid="settings-profile">
      {facts.map(([term, value]) => (
        <Fragment key={term}>
          <dt className={styles.term}>{term}</dt>
          <dd className={styles.value}>
            {value ?? <Body1 className={styles.missing}>Not known yet (found in step 2)</Body1>}
          </dd>
        </Fragment>
      ))}
    </dl>
  );
}
