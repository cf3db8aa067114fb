// Step 1: a Unity service account with the SCIM Authenticator role and a bearer token for it.
// Two roads: sign in and let the app make everything (each call reported live), or open the
// Dashboard pages and paste the token and connector URL, which are checked at once.
import {
  Body1,
  Button,
  Dropdown,
  Field,
  Input,
  makeStyles,
  Option,
  Radio,
  RadioGroup,
  tokens,
} from '@fluentui/react-components';
import { OpenRegular } from '@fluentui/react-icons';
import { useEffect, useState, type ReactElement } from 'react';
import { useWizardData } from '../../frame/journal';
import type { SectionId } from '../../frame/sections';
import {
  newOperationId,
  openDashboardPage,
  toProblem,
  unityAcceptPasted,
  unityDashboardLinks,
  unityEnsureCredentials,
  unityAccount,
  unitySignIn,
  type ConnectorUrlOutcome,
  type DashboardLinks,
  type DashboardPage,
  type Problem,
  type UnityCredentialsOutcome,
  type UnitySignInOutcome,
  type WizardProgress,
} from '../../ipc';
import { Panel } from '../common/Panel';
import { ProblemBar } from '../common/ProblemBar';
import { ProgressNotes } from '../common/ProgressNotes';
import { SimulatedNote } from '../common/SimulatedNote';
import { StepView } from '../common/StepView';
import { SuccessBar } from '../common/SuccessBar';
import { useOperation } from '../common/useOperation';

const useStyles = makeStyles({
  row: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', columnGap: tokens.spacingHorizontalM, rowGap: tokens.spacingVerticalS },
  form: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM },
});

type Road = 'api' | 'guided';

export interface UnityStepViewProps {
  onNavigate: (section: SectionId) => void;
}

export function UnityStepView({ onNavigate }: UnityStepViewProps): ReactElement {
  const { appInfo, journal } = useWizardData();
  const canSignIn = Boolean(appInfo?.profile.unityClientId);
  const [road, setRoad] = useState<Road | undefined>();
  const chosen: Road = road ?? (canSignIn ? 'api' : 'guided');
  const stored = journal?.journal.unity;
  return (
    <StepView
      step="unity"
      onNavigate={onNavigate}
      summary={
        <>
          Entra needs a key to your Unity organization: a service account holding the SCIM
          Authenticator role, and a bearer token for it. Sign in to Unity and the app creates
          both, or open the Unity Dashboard pages yourself and paste the token here.
        </>
      }
    >
      {stored?.tokenLastFour && (
        <SuccessBar title="A bearer token is set up" testId="unity-token-fact">
          Token kept in {journal?.tokenStoredIn ?? appInfo?.secretStore}, ends in …{stored.tokenLastFour}
          {stored.orgName ? ` (organization ${stored.orgName})` : ''}.
        </SuccessBar>
      )}
      <RadioGroup
        layout="horizontal"
        value={chosen}
        onChange={(_event, data) => setRoad(data.value as Road)}
        aria-label="How to get the token"
      >
        <Radio value="api" label="Sign in to Unity and let the app set it up" disabled={!canSignIn} data-testid="unity-road-api" />
        <Radio value="guided" label="Paste a token from the Unity Dashboard" data-testid="unity-road-guided" />
      </RadioGroup>
      {!canSignIn && (
        <Body1>
          This cloud profile has no Unity client ID, so signing in to Unity is not available: use the
          Dashboard road, or add a Unity client ID in Settings.
        </Body1>
      )}
      {chosen === 'api' ? <ApiRoad simulated={Boolean(appInfo?.simulatedSignIn)} /> : <GuidedRoad orgId={stored?.orgId ?? null} />}
    </StepView>
  );
}

function ApiRoad({ simulated }: { simulated: boolean }): ReactElement {
  const styles = useStyles();
  const { refreshJournal, journal, appInfo } = useWizardData();
  const store = journal?.tokenStoredIn ?? appInfo?.secretStore ?? 'the app’s secret store';
  const role = appInfo?.dashboard.scimAuthenticator ?? 'SCIM';
  const signIn = useOperation<UnitySignInOutcome>('Signing in to Unity');
  const ensure = useOperation<UnityCredentialsOutcome>('Setting up the service account and token');
  const [events, setEvents] = useState<WizardProgress[]>([]);
  const [orgId, setOrgId] = useState<string | undefined>();
  // On every visit (and after a relaunch) the saved Unity sign-in resumes quietly, as step 3
  // does for Microsoft: the step shows who is signed in without asking for the browser again.
  const [saved, setSaved] = useState<UnitySignInOutcome | undefined>();
  useEffect(() => {
    let current = true;
    unityAccount(newOperationId('account')).then(
      (found) => current && found && setSaved(found),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, []);
  const session = signIn.result ?? saved;
  const orgs = session?.organizations ?? [];
  const chosenOrg = orgId ?? journal?.journal.unity.orgId ?? (orgs.length === 1 ? orgs[0]?.id : undefined);

  const setUp = async () => {
    setEvents([]);
    const done = await ensure.run((id) =>
      unityEnsureCredentials(id, chosenOrg ?? null, (event) => setEvents((current) => [...current, event])),
    );
    if (done) await refreshJournal();
  };

  return (
    <>
      <Panel title="Sign in to Unity" intro="Your browser opens Unity’s sign-in page; come back here when it says you are done.">
        {simulated && <SimulatedNote what="Unity sign-in" />}
        <div className={styles.row}>
          <Button
            appearance={session ? 'secondary' : 'primary'}
            disabled={signIn.running}
            onClick={() => void signIn.run((id) => unitySignIn(id)).then(() => refreshJournal())}
            data-testid="unity-sign-in"
          >
            {session ? 'Sign in again' : 'Sign in to Unity'}
          </Button>
          {signIn.running && <Button onClick={signIn.cancel}>Cancel</Button>}
          {session && (
            <Body1 data-testid="unity-signed-in">
              Signed in{session.account ? ` as ${session.account}` : ''}
              {session.resumed ? ' (saved session)' : ''}.
            </Body1>
          )}
        </div>
        {signIn.problem && <ProblemBar problem={signIn.problem} />}
        {orgs.length > 1 && (
          <Field label="Organization">
            <Dropdown
              placeholder="Choose the organization"
              value={orgs.find((org) => org.id === chosenOrg)?.name ?? ''}
              selectedOptions={chosenOrg ? [chosenOrg] : []}
              onOptionSelect={(_event, data) => setOrgId(data.optionValue)}
            >
              {orgs.map((org) => (
                <Option key={org.id} value={org.id} text={org.name}>
                  {`${org.name} (${org.id})`}
                </Option>
              ))}
            </Dropdown>
          </Field>
        )}
        {orgs.length === 1 && <Body1>Organization: {orgs[0]?.name}</Body1>}
      </Panel>
      <Panel
        title="Service account, role and token"
        intro={`Finds or creates the service account “Entra ID provisioning (scim-setup)”, gives it the ${role} role, and creates a bearer token that goes straight into ${store}.`}
      >
        <div className={styles.row}>
          <Button
            appearance="primary"
            disabled={!session || ensure.running || (orgs.length > 1 && !chosenOrg)}
            onClick={() => void setUp()}
            data-testid="unity-ensure"
          >
            Set up the service account and token
          </Button>
          {ensure.running && <Button onClick={ensure.cancel}>Cancel</Button>}
        </div>
        <ProgressNotes events={events} running={ensure.running} label="Unity set-up progress" />
        {ensure.result && (
          <SuccessBar title="Service account ready" testId="unity-result">
            “{ensure.result.serviceAccountName}” {ensure.result.serviceAccountCreated ? 'created' : 'found'}
            {ensure.result.roleAdded ? `, ${role} role added` : `, already a ${role}`}. Token kept in{' '}
            {store}, ends in …{ensure.result.tokenLastFour}.
          </SuccessBar>
        )}
        {ensure.problem && <ProblemBar problem={ensure.problem} />}
      </Panel>
    </>
  );
}

/** The Dashboard pages the guided road opens; `role` is the Unity role's name from the engine's catalogue. */
const pages = (role: string): { page: DashboardPage; label: string; key: keyof DashboardLinks }[] => [
  { page: 'organization', label: 'Organization (find its ID)', key: 'organization' },
  { page: 'serviceAccounts', label: `Service accounts (create one, add the ${role} role, create a bearer token)`, key: 'serviceAccounts' },
  { page: 'singleSignOn', label: 'Single sign-on (the SCIM base connector URL)', key: 'singleSignOn' },
];

function GuidedRoad({ orgId }: { orgId: string | null }): ReactElement {
  const styles = useStyles();
  const { refreshJournal, journal, appInfo } = useWizardData();
  const store = journal?.tokenStoredIn ?? appInfo?.secretStore ?? 'the app’s secret store';
  const role = appInfo?.dashboard.scimAuthenticator ?? 'SCIM';
  const [links, setLinks] = useState<DashboardLinks | null | undefined>();
  const [connector, setConnector] = useState('');
  const [token, setToken] = useState('');
  const [openProblem, setOpenProblem] = useState<Problem | undefined>();
  // The check's countdown while the endpoint keeps it waiting.
  const [checkEvents, setCheckEvents] = useState<WizardProgress[]>([]);
  const check = useOperation<ConnectorUrlOutcome>('Checking the pasted token');

  useEffect(() => {
    let current = true;
    unityDashboardLinks(orgId).then(
      (found) => current && setLinks(found),
      () => current && setLinks(null),
    );
    return () => {
      current = false;
    };
  }, [orgId]);

  const submit = async () => {
    const pasted = token;
    // The token leaves the page's state as soon as it is handed to Rust.
    setToken('');
    setCheckEvents([]);
    const done = await check.run((id) =>
      unityAcceptPasted(id, connector, pasted, (event) => setCheckEvents((current) => [...current, event])),
    );
    if (done) await refreshJournal();
  };

  return (
    <Panel
      title="Paste from the Unity Dashboard"
      intro={`In the Dashboard, create a service account, give it the ${role} organization role, and create a bearer token for it. Copy the token (it is shown once) and your SCIM base connector URL, then paste both here.`}
    >
      {links ? (
        <div className={styles.form}>
          {pages(role).map(({ page, label }) => (
            <div key={page}>
              <Button
                appearance="transparent"
                icon={<OpenRegular />}
                onClick={() => openDashboardPage(page, orgId).catch((error: unknown) => setOpenProblem(toProblem(error, 'Opening the Unity Dashboard')))}
              >
                {label}
              </Button>
            </div>
          ))}
        </div>
      ) : (
        links === null && <Body1>This cloud profile has no Unity Dashboard to open; paste the values you have.</Body1>
      )}
      {openProblem && <ProblemBar problem={openProblem} testId="open-problem" />}
      <form
        className={styles.form}
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <Field label="SCIM base connector URL, or your organization ID" required>
          <Input
            value={connector}
            onChange={(_e, data) => {
              setConnector(data.value);
              // A new value makes the last check's verdict about something else: it goes.
              if (!check.running) check.reset();
            }}
            data-testid="guided-connector"
          />
        </Field>
        <Field label="Bearer token" required hint={`Sent only to this app’s engine, which keeps it in ${store}; it is never shown again.`}>
          <Input
            type="password"
            value={token}
            onChange={(_e, data) => {
              setToken(data.value);
              if (!check.running) check.reset();
            }}
            data-testid="guided-token"
            autoComplete="off"
          />
        </Field>
        <div className={styles.row}>
          <Button type="submit" appearance="primary" disabled={check.running || !connector.trim() || !token.trim()} data-testid="guided-submit">
            Check and save
          </Button>
          {check.running && <Button onClick={check.cancel}>Cancel</Button>}
        </div>
      </form>
      {check.running && <ProgressNotes events={checkEvents} running label="Checking the token" />}
      {check.result && (
        <SuccessBar title="The token works" testId="guided-result">
          {check.result.url} answered Entra’s test query (HTTP {check.result.check.status}, {check.result.check.elapsedMs} ms). Token
          kept in {store}, ends in …{check.result.tokenLastFour}.
        </SuccessBar>
      )}
      {check.problem && <ProblemBar problem={check.problem} testId="guided-problem" />}
    </Panel>
  );
}
