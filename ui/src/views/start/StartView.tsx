// The first thing an admin sees: what the four steps will do, in plain words, what must
// already be true before starting (checked live once signed in), the active cloud profile,
// and, after a restart, a way back to where the journal says the admin stopped.
import {
  Body1,
  Body1Strong,
  Button,
  makeStyles,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Subtitle2,
  tokens,
} from '@fluentui/react-components';
import {
  ArrowRightRegular,
  CheckmarkCircleFilled,
  CheckmarkCircleRegular,
  QuestionCircleRegular,
  WarningFilled,
} from '@fluentui/react-icons';
import { useEffect, useState, type ReactElement } from 'react';
import { useWizardData } from '../../frame/journal';
import { STEPS, stepById, type SectionId, type StepId } from '../../frame/sections';
import { checkPrerequisites, newOperationId, toProblem, type PrerequisiteCheck, type Problem } from '../../ipc';
import { ViewPage } from '../common/ViewPage';

/** Each step in plain words; `role` is the Unity role's name from the engine's catalogue. */
const stepPlainWords = (role: string): Record<(typeof STEPS)[number]['id'], string> => ({
  unity: `Create a Unity service account with the ${role} role, and a bearer token for Entra to use.`,
  connector:
    'Find your organization’s SCIM connector URL and check it answers the way Entra expects.',
  entra:
    'Sign in to Entra, choose your Unity enterprise app, test the connection, and start provisioning.',
  provision:
    'Provision a few people right away and watch each of them arrive in Unity, step by step.',
});

const ADMIN_ROLES = 'Application Administrator, Cloud Application Administrator or Global Administrator';

/** A live check's words; the admin-role check, not yet run, also says which roles will do, so
 * the list needs no second, static line about the same role. */
function liveDetail(check: PrerequisiteCheck): string {
  if (check.id === 'entraAdminRole' && check.state === 'unknown') return `${check.detail} You need ${ADMIN_ROLES}.`;
  return check.detail;
}

const PREREQUISITES = [
  {
    title: 'Unity: single sign-on is on',
    detail: 'SSO is turned on for your Unity organization and your email domains are validated.',
  },
  {
    title: 'Entra: an enterprise app for Unity sign-in',
    detail: 'The enterprise application your people use to sign in to Unity is already set up in Entra.',
  },
  {
    title: 'Entra: an admin role',
    detail: `You can sign in to Entra as an ${ADMIN_ROLES}.`,
  },
];

const useStyles = makeStyles({
  section: {
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalS,
  },
  heading: {
    margin: 0,
  },
  steps: {
    listStyleType: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalSNudge,
  },
  step: {
    display: 'grid',
    gridTemplateColumns: '28px 1fr',
    columnGap: tokens.spacingHorizontalM,
    alignItems: 'start',
  },
  stepNumber: {
    display: 'inline-flex',
    alignItems: 'center',
    justifyContent: 'center',
    width: '28px',
    height: '28px',
    borderRadius: tokens.borderRadiusCircular,
    backgroundColor: tokens.colorBrandBackground2,
    color: tokens.colorBrandForeground2,
    fontWeight: tokens.fontWeightSemibold,
  },
  stepText: {
    display: 'flex',
    flexDirection: 'column',
  },
  prerequisites: {
    listStyleType: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    rowGap: tokens.spacingVerticalSNudge,
  },
  prerequisite: {
    display: 'grid',
    gridTemplateColumns: '20px 1fr',
    columnGap: tokens.spacingHorizontalS,
    alignItems: 'start',
  },
  prerequisiteIcon: {
    fontSize: '20px',
    color: tokens.colorNeutralForeground3,
  },
  ok: { fontSize: '20px', color: tokens.colorPaletteGreenForeground1 },
  missing: { fontSize: '20px', color: tokens.colorPaletteRedForeground1 },
  muted: {
    color: tokens.colorNeutralForeground2,
  },
  actions: {
    display: 'flex',
    alignItems: 'center',
    columnGap: tokens.spacingHorizontalL,
  },
});

export interface StartViewProps {
  /** The active cloud profile's name, once known. */
  profileName?: string;
  onNavigate: (section: SectionId) => void;
}

export function StartView({ profileName, onNavigate }: StartViewProps): ReactElement {
  const styles = useStyles();
  const { journal, appInfo } = useWizardData();
  const resumeAt = journal?.resumeAt as StepId | null | undefined;
  const [checks, setChecks] = useState<PrerequisiteCheck[] | undefined>();
  const [checking, setChecking] = useState(false);
  const [checkProblem, setCheckProblem] = useState<Problem | undefined>();

  useEffect(() => {
    if (!appInfo) return;
    let current = true;
    const timer = window.setTimeout(() => {
      setChecking(true);
      checkPrerequisites(newOperationId('prereq')).then(
        (found) => {
          if (!current) return;
          setChecks(found);
          setCheckProblem(undefined);
          setChecking(false);
        },
        (error: unknown) => {
          if (!current) return;
          setCheckProblem(toProblem(error, 'Checking the prerequisites'));
          setChecking(false);
        },
      );
    }, 0);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [appInfo]);

  return (
    <ViewPage
      id="start"
      title="Provision Unity users from Entra ID"
      summary={
        <>
          This app connects Microsoft Entra ID to Unity Cloud, so the people you assign in Entra
          get Unity accounts automatically and lose them when they leave. It takes four steps, and
          each one checks its own result before you move on.
        </>
      }
    >
      {resumeAt && (
        <MessageBar intent="info" layout="multiline" data-testid="start-resume-bar">
          <MessageBarBody>
            <MessageBarTitle>Resume where you left off</MessageBarTitle>
            <div>
              Last time you got as far as step {stepById(resumeAt).number}: {stepById(resumeAt).label}. What was
              already done is kept, and nothing will be created twice.
            </div>
          </MessageBarBody>
          <MessageBarActions>
            <Button appearance="primary" onClick={() => onNavigate(resumeAt)} data-testid="start-resume">
              Resume at step {stepById(resumeAt).number}
            </Button>
          </MessageBarActions>
        </MessageBar>
      )}
      <section className={styles.section} aria-labelledby="start-steps">
        <Subtitle2 as="h2" id="start-steps" className={styles.heading}>
          What will happen
        </Subtitle2>
        <ol className={styles.steps}>
          {STEPS.map((step) => (
            <li key={step.id} className={styles.step}>
              <span className={styles.stepNumber}>{step.number}</span>
              <span className={styles.stepText}>
                <Body1Strong>{step.label}</Body1Strong>
                <Body1 className={styles.muted}>{stepPlainWords(appInfo?.dashboard.scimAuthenticator ?? 'SCIM')[step.id]}</Body1>
              </span>
            </li>
          ))}
        </ol>
      </section>

      <section className={styles.section} aria-labelledby="start-prerequisites">
        <Subtitle2 as="h2" id="start-prerequisites" className={styles.heading}>
          Before you begin
        </Subtitle2>
        {checking && <Spinner size="tiny" label="Checking what can be checked…" />}
        {checkProblem && <CheckProblem problem={checkProblem} />}
        {checks && (
          <ul className={styles.prerequisites} data-testid="start-prerequisites-live">
            {checks.map((check) => (
              <li key={check.id} className={styles.prerequisite} data-state={check.state}>
                {check.state === 'ok' ? (
                  <CheckmarkCircleFilled className={styles.ok} aria-label="Met" />
                ) : check.state === 'missing' ? (
                  <WarningFilled className={styles.missing} aria-label="Not met" />
                ) : (
                  <QuestionCircleRegular className={styles.prerequisiteIcon} aria-label="Not checked yet" />
                )}
                <span className={styles.stepText}>
                  <Body1Strong>{check.title}</Body1Strong>
                  <Body1 className={styles.muted}>{liveDetail(check)}</Body1>
                </span>
              </li>
            ))}
          </ul>
        )}
        <ul className={styles.prerequisites}>
          {PREREQUISITES.filter(
            (item) => !checks || (item.title === 'Entra: an admin role' && !checks.some((check) => check.id === 'entraAdminRole')),
          ).map((item) => (
            <li key={item.title} className={styles.prerequisite}>
              <CheckmarkCircleRegular className={styles.prerequisiteIcon} aria-hidden="true" />
              <span className={styles.stepText}>
                <Body1Strong>{item.title}</Body1Strong>
                <Body1 className={styles.muted}>{item.detail}</Body1>
              </span>
            </li>
          ))}
        </ul>
      </section>

      <div className={styles.actions}>
        <Button
          appearance="primary"
          size="large"
          icon={<ArrowRightRegular />}
          iconPosition="after"
          onClick={() => onNavigate('unity')}
        >
          {resumeAt ? 'Start from step 1' : 'Begin'}
        </Button>
        {profileName && <Body1 className={styles.muted}>Cloud profile: {profileName}</Body1>}
      </div>
    </ViewPage>
  );
}

/** Problems that say the network or a service is down, not that a sign-in ended. */
const OFFLINE_KINDS = new Set(['unreachable', 'timeout', 'throttled', 'server']);

/**
 * Why the live checks could not run. Offline (or a service down) keeps every saved sign-in:
 * the engine deletes a session only when the identity provider says it is no longer valid.
 */
function CheckProblem({ problem }: { problem: Problem }): ReactElement {
  const offline = OFFLINE_KINDS.has(problem.kind);
  return (
    <MessageBar intent="warning" layout="multiline" data-testid={offline ? 'start-offline' : 'start-check-problem'}>
      <MessageBarBody>
        <MessageBarTitle>{offline ? 'Offline: your sign-ins are kept' : 'The checks could not run'}</MessageBarTitle>
        <div>{problem.cause}</div>
        <div>
          {offline
            ? 'Nothing was signed out. The checks run again each time you open Start; the steps work once the connection is back.'
            : problem.fix}
        </div>
      </MessageBarBody>
    </MessageBar>
  );
}
