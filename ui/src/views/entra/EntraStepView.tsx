// Step 3: Entra. Sign in (browser or device code), pick or create the Unity enterprise app
// (its provisioning job comes with it), Test Connection (our replay check by check, then
// Entra's own verdict), Save and Start, and the job card that refreshes itself.
import { Body1, Button, makeStyles, tokens } from '@fluentui/react-components';
import { useEffect, useState, type ReactElement } from 'react';
import { useWizardData } from '../../frame/journal';
import type { SectionId } from '../../frame/sections';
import {
  entraAccount,
  entraJobStatus,
  entraSaveAndStart,
  entraSignIn,
  entraTestConnection,
  entraUseApp,
  newOperationId,
  type DeviceCodePrompt,
  type EntraAccount,
  type EntraAppSetup,
  type MicrosoftSignInMethod,
  type ProvisioningStarted,
  type TestConnectionOutcome,
  type WizardProgress,
} from '../../ipc';
import { JobCard } from '../common/JobCard';
import { Panel } from '../common/Panel';
import { ProblemBar } from '../common/ProblemBar';
import { ProgressNotes } from '../common/ProgressNotes';
import { ReplayResults, useReplay } from '../common/ReplayPanel';
import { SimulatedNote } from '../common/SimulatedNote';
import { StepView } from '../common/StepView';
import { SuccessBar } from '../common/SuccessBar';
import { useOperation } from '../common/useOperation';
import { AppPicker } from './AppPicker';
import { DeviceCode } from './DeviceCode';

const useStyles = makeStyles({
  row: { display: 'flex', alignItems: 'center', flexWrap: 'wrap', columnGap: tokens.spacingHorizontalM, rowGap: tokens.spacingVerticalS },
});

export interface EntraStepViewProps {
  onNavigate: (section: SectionId) => void;
}

export function EntraStepView({ onNavigate }: EntraStepViewProps): ReactElement {
  const { journal } = useWizardData();
  const [account, setAccount] = useState<EntraAccount | undefined>();
  const [jobVersion, setJobVersion] = useState(0);
  const entra = journal?.journal.entra;

  // After a relaunch the saved session signs in quietly.
  useEffect(() => {
    let current = true;
    entraAccount(newOperationId('account')).then(
      (found) => current && found && setAccount(found),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, []);

  return (
    <StepView
      step="entra"
      onNavigate={onNavigate}
      summary={
        <>
          Sign in to Microsoft Entra as an application administrator, choose the enterprise app
          your people use for Unity, then test the connection, save it and start provisioning.
          Entra then syncs assigned users about every 40 minutes.
        </>
      }
    >
      <SignInPanel account={account} onSignedIn={setAccount} />
      <AppPanel enabled={Boolean(account)} />
      <TestPanel enabled={Boolean(account && entra?.jobId)} />
      <StartPanel enabled={Boolean(account && entra?.jobId)} onJobChanged={() => setJobVersion((v) => v + 1)} />
      {/* Read again whenever a step changes the job (saved, started): the journal's time has
          one-second resolution, so a counter bumped by Start makes sure the card reloads. */}
      {account && entra?.jobId && (
        <JobCard key={`${journal?.journal.updatedAt ?? ''}#${jobVersion}`} load={entraJobStatus} />
      )}
    </StepView>
  );
}

function SignInPanel({ account, onSignedIn }: { account?: EntraAccount; onSignedIn: (account: EntraAccount) => void }): ReactElement {
  const styles = useStyles();
  const { appInfo, refreshJournal } = useWizardData();
  const signIn = useOperation<EntraAccount>('Signing in to Microsoft');
  const [prompt, setPrompt] = useState<DeviceCodePrompt | undefined>();

  const start = async (method: MicrosoftSignInMethod) => {
    setPrompt(undefined);
    const done = await signIn.run((id) =>
      entraSignIn(id, method, (event) => {
        if (event.type === 'deviceCode') setPrompt(event.prompt);
      }),
    );
    setPrompt(undefined);
    if (done) {
      onSignedIn(done);
      await refreshJournal();
    }
  };

  return (
    <Panel title="Sign in to Microsoft" intro="Use an account that is Application Administrator, Cloud Application Administrator or Global Administrator.">
      {appInfo?.simulatedSignIn && <SimulatedNote what="Microsoft sign-in" />}
      {account && (
        <SuccessBar title={`Signed in${account.account ? ` as ${account.account}` : ''}`} testId="entra-account">
          Tenant {account.tenantId ?? 'unknown'}
          {account.resumed ? ' · with your saved session' : ''}
        </SuccessBar>
      )}
      <div className={styles.row}>
        <Button appearance={account ? 'secondary' : 'primary'} disabled={signIn.running} onClick={() => void start('browser')} data-testid="entra-sign-in-browser">
          {account ? 'Sign in again' : 'Sign in with the browser'}
        </Button>
        <Button disabled={signIn.running} onClick={() => void start('deviceCode')} data-testid="entra-sign-in-device">
          Use a code on another device
        </Button>
        {signIn.running && <Button onClick={signIn.cancel}>Cancel</Button>}
      </div>
      {prompt && signIn.running && <DeviceCode prompt={prompt} />}
      {signIn.running && !prompt && <ProgressNotes events={[]} running label="Sign-in progress" />}
      {signIn.problem && <ProblemBar problem={signIn.problem} />}
    </Panel>
  );
}

function AppPanel({ enabled }: { enabled: boolean }): ReactElement {
  const styles = useStyles();
  const { journal, refreshJournal } = useWizardData();
  const [search, setSearch] = useState<string | undefined>();
  const [selectedId, setSelectedId] = useState<string | undefined>();
  const [events, setEvents] = useState<WizardProgress[]>([]);
  const use = useOperation<EntraAppSetup>('Setting up the enterprise app');
  const saved = journal?.journal.entra;
  const name = search ?? saved?.appName ?? 'Unity';
  const notFound = use.problem?.kind === 'notFound' && use.problem.action.startsWith('Looking for the enterprise app');

  const go = async (create: boolean) => {
    setEvents([]);
    if (await use.run((id) => entraUseApp(id, name.trim(), create, (event) => setEvents((current) => [...current, event])))) {
      await refreshJournal();
    }
  };

  return (
    <Panel
      title="The Unity enterprise app"
      intro="Provisioning belongs to an enterprise app. Choose the one set up for Unity sign-in; if there is none, the app can create one."
    >
      {!enabled ? (
        <Body1>Sign in first.</Body1>
      ) : (
        <>
          <AppPicker
            search={name}
            onSearch={setSearch}
            selected={selectedId}
            onSelect={(app) => {
              setSelectedId(app.id);
              setSearch(app.displayName);
            }}
          />
          <div className={styles.row}>
            <Button appearance="primary" disabled={use.running || !name.trim()} onClick={() => void go(false)} data-testid="entra-use-app">
              Use “{name.trim()}”
            </Button>
            {use.running && <Button onClick={use.cancel}>Cancel</Button>}
          </div>
          <ProgressNotes events={events} running={use.running} label="Enterprise app progress" />
          {use.result && (
            <SuccessBar title={`“${use.result.app.displayName}” ${use.result.app.created ? 'created' : 'found'}`} testId="entra-app-result">
              Provisioning job {use.result.job.jobId} {use.result.job.created ? 'created' : 'found'} ({use.result.job.status.code}).
            </SuccessBar>
          )}
          {!use.result && saved?.jobId && !use.problem && (
            <Body1 data-testid="entra-app-saved">
              Using “{saved.appName}”, provisioning job {saved.jobId}.
            </Body1>
          )}
          {use.problem && (
            <ProblemBar
              problem={use.problem}
              actions={
                notFound ? (
                  <Button appearance="primary" size="small" onClick={() => void go(true)} data-testid="entra-create-app">
                    Create “{name.trim()}”
                  </Button>
                ) : undefined
              }
            />
          )}
        </>
      )}
    </Panel>
  );
}

function TestPanel({ enabled }: { enabled: boolean }): ReactElement {
  const styles = useStyles();
  const { refreshJournal } = useWizardData();
  const replay = useReplay();
  const verdict = useOperation<TestConnectionOutcome>('Entra’s Test Connection');

  const test = async () => {
    verdict.reset();
    await replay.start();
    if (await verdict.run((id) => entraTestConnection(id))) await refreshJournal();
  };

  return (
    <Panel
      title="Test Connection"
      intro="First this computer replays Entra’s calls check by check, then Entra itself tries the URL and token (Test Connection in the Entra admin center)."
    >
      <div className={styles.row}>
        <Button appearance="primary" disabled={!enabled || replay.operation.running || verdict.running} onClick={() => void test()} data-testid="entra-test">
          Test Connection
        </Button>
      </div>
      <ReplayResults replay={replay} testId="entra-replay" />
      {verdict.running && <ProgressNotes events={[]} running label="Entra’s verdict" />}
      {verdict.result && (
        <SuccessBar title="Entra says: the connection works" testId="entra-verdict">
          Entra reached {verdict.result.url} with token …{verdict.result.tokenLastFour}.
        </SuccessBar>
      )}
      {verdict.problem && <ProblemBar problem={verdict.problem} testId="entra-verdict-problem" />}
    </Panel>
  );
}

function StartPanel({ enabled, onJobChanged }: { enabled: boolean; onJobChanged: () => void }): ReactElement {
  const styles = useStyles();
  const { refreshJournal } = useWizardData();
  const [events, setEvents] = useState<WizardProgress[]>([]);
  const start = useOperation<ProvisioningStarted>('Saving and starting provisioning');

  const go = async () => {
    setEvents([]);
    if (await start.run((id) => entraSaveAndStart(id, (event) => setEvents((current) => [...current, event])))) {
      await refreshJournal();
      onJobChanged();
    }
  };

  return (
    <Panel title="Save and start" intro="Saves the URL and token in the app’s provisioning settings in Entra, and starts provisioning.">
      <div className={styles.row}>
        <Button appearance="primary" disabled={!enabled || start.running} onClick={() => void go()} data-testid="entra-save-start">
          Save and start provisioning
        </Button>
        {start.running && <Button onClick={start.cancel}>Cancel</Button>}
      </div>
      <ProgressNotes events={events} running={start.running} label="Start progress" />
      {start.result && (
        <SuccessBar title={start.result.started ? 'Provisioning started' : 'Provisioning was already running'} testId="entra-started">
          {start.result.status.summary}
        </SuccessBar>
      )}
      {start.problem && <ProblemBar problem={start.problem} />}
    </Panel>
  );
}
