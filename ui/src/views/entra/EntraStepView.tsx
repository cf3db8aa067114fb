// Step 3: Entra. Sign in (browser or device code), pick or create the Unity enterprise app
// (its provisioning job comes with it), Test Connection (our replay check by check, then
// Entra's own verdict), Save and Start, and the job card that refreshes itself.
import { Body1, Button, Field, Input, makeStyles, Spinner, tokens } from '@fluentui/react-components';
import { useEffect, useState, type ReactElement } from 'react';
import { currentReplay, useWizardData } from '../../frame/journal';
import type { SectionId } from '../../frame/sections';
import {
  allowHeldBackDeletions,
  entraAccount,
  entraDeletionProtection,
  entraJobStatus,
  entraSaveAndStart,
  entraSignIn,
  entraTenant,
  entraTestConnection,
  entraUseApp,
  heldBackDeletions,
  newOperationId,
  pauseProvisioning,
  restartProvisioning,
  resumeProvisioning,
  setProvisioningScope,
  toProblem,
  type DeviceCodePrompt,
  type EntraAccount,
  type EntraAppSetup,
  type MicrosoftSignInMethod,
  type Problem,
  type ProvisioningStarted,
  type TestConnectionOutcome,
  type WizardProgress,
} from '../../ipc';
import { JobCard, type JobActions } from '../common/JobCard';
import { Panel } from '../common/Panel';
import { ProblemBar } from '../common/ProblemBar';
import { PreviewPanel } from '../common/PreviewPanel';
import { ProgressNotes } from '../common/ProgressNotes';
import { ConfirmButton } from '../common/ConfirmButton';
import { ReplayResults, summaryLine, useReplay } from '../common/ReplayPanel';
import { SimulatedNote } from '../common/SimulatedNote';
import { StepView } from '../common/StepView';
import { SuccessBar } from '../common/SuccessBar';
import { useOperation } from '../common/useOperation';
import { useReveal } from '../common/useReveal';
import { AppPicker } from './AppPicker';
import { DeletionProtectionFields, draftOf, thresholdOf, type DeletionProtectionDraft } from './DeletionProtectionFields';
import { DeviceCode } from './DeviceCode';
import { ScimTokenPanel } from './ScimTokenPanel';

const useStyles = makeStyles({
  row: { display: 'flex', alignItems: 'center', flexWrap: 'wrap', columnGap: tokens.spacingHorizontalM, rowGap: tokens.spacingVerticalS },
  note: { margin: 0 },
});

/** The job card's Pause, Start, Restart and scope, each journaled by the engine. */
const JOB_ACTIONS: JobActions = {
  pause: pauseProvisioning,
  start: resumeProvisioning,
  restart: restartProvisioning,
  setScope: setProvisioningScope,
  heldBack: heldBackDeletions,
  allowDeletions: allowHeldBackDeletions,
};

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
      <TestPanel enabled={Boolean(account && entra?.jobId)} onNavigate={onNavigate} />
      <PreviewPanel enabled={Boolean(account && entra?.jobId)} testId="entra-preview" />
      <StartPanel enabled={Boolean(account && entra?.jobId)} onJobChanged={() => setJobVersion((v) => v + 1)} />
      {/* Read again whenever a step changes the job (saved, started): the journal's time has
          one-second resolution, so a counter bumped by Start makes sure the card reloads. */}
      {account && entra?.jobId && (
        <JobCard key={`${journal?.journal.updatedAt ?? ''}#${jobVersion}`} load={entraJobStatus} actions={JOB_ACTIONS} />
      )}
      {account && entra?.jobId && <ScimTokenPanel />}
    </StepView>
  );
}

function SignInPanel({ account, onSignedIn }: { account?: EntraAccount; onSignedIn: (account: EntraAccount) => void }): ReactElement {
  const styles = useStyles();
  const { appInfo, refreshJournal } = useWizardData();
  const signIn = useOperation<EntraAccount>('Signing in to Microsoft');
  const [prompt, setPrompt] = useState<DeviceCodePrompt | undefined>();
  // Where the sign-in goes: `organizations` (the account's home tenant), a domain or an ID.
  const [tenant, setTenant] = useState('');

  useEffect(() => {
    let current = true;
    entraTenant().then(
      (chosen) => current && setTenant((typed) => typed || chosen),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, []);

  const start = async (method: MicrosoftSignInMethod) => {
    setPrompt(undefined);
    const done = await signIn.run((id) =>
      entraSignIn(id, method, tenant.trim() || null, (event) => {
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
          Tenant {tenantWords(account)}
          {account.resumed ? ' · with your saved session' : ''}
        </SuccessBar>
      )}
      <Field
        label="Tenant"
        hint="organizations signs in to the account's home tenant; a guest or partner admin names the customer's tenant by a verified domain (contoso.com) or its tenant ID."
      >
        <Input value={tenant} onChange={(_, data) => setTenant(data.value)} placeholder="organizations" data-testid="entra-tenant" />
      </Field>
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
  // The name the last Use or Create was about: its result and error speak of it, not of
  // whatever the search box says now.
  const [attempted, setAttempted] = useState<string | undefined>();
  const use = useOperation<EntraAppSetup>('Setting up the enterprise app');
  const saved = journal?.journal.entra;
  const name = search ?? saved?.appName ?? 'Unity';
  const notFound = use.problem?.kind === 'notFound' && use.problem.action.startsWith('Looking for the enterprise app');
  const { reset } = use;

  const go = async (appName: string, create: boolean) => {
    setEvents([]);
    setAttempted(appName);
    if (await use.run((id) => entraUseApp(id, appName, create, (event) => setEvents((current) => [...current, event])))) {
      setSearch(undefined);
      await refreshJournal();
    }
  };

  const onSearch = (text: string) => {
    setSearch(text);
    setSelectedId(undefined);
    // A new search makes the last answer about another name: it goes, and so does its button.
    if (!use.running) {
      reset();
      setEvents([]);
    }
  };

  const createButton = (appName: string, testId: string) => (
    <ConfirmButton
      appearance="primary"
      size="small"
      testId={testId}
      title={`Create the enterprise app “${appName}”?`}
      body={
        <>
          This creates a new non-gallery enterprise app named “{appName}” in your Entra tenant, with a provisioning
          job for Unity. Your people will need to be assigned to it, and single sign-on set up on it if it is not the
          app they already use for Unity.
        </>
      }
      confirm={`Create “${appName}”`}
      onConfirm={() => void go(appName, true)}
    >
      Create “{appName}”
    </ConfirmButton>
  );

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
            onSearch={onSearch}
            selected={selectedId}
            onSelect={(app) => {
              setSelectedId(app.id);
              onSearch(app.displayName);
            }}
            // One offer to create a name: once Use has failed on it, the error bar carries it.
            createAction={(text) => (use.running || (notFound && attempted === text) ? undefined : createButton(text, 'entra-create-app-direct'))}
          />
          <div className={styles.row}>
            <Button appearance="primary" disabled={use.running || !name.trim()} onClick={() => void go(name.trim(), false)} data-testid="entra-use-app">
              Use “{name.trim()}”
            </Button>
            {use.running && <Button onClick={use.cancel}>Cancel</Button>}
          </div>
          <ProgressNotes events={events} running={use.running} label="Enterprise app progress" />
          {use.result && (
            <SuccessBar title={`“${use.result.app.displayName}” ${use.result.app.created ? 'created' : 'found'}`} testId="entra-app-result">
              Its provisioning job {use.result.job.created ? 'was created' : 'was found'}. {use.result.job.status.summary}
            </SuccessBar>
          )}
          {!use.result && saved?.jobId && !use.problem && (
            <Body1 data-testid="entra-app-saved">
              Using “{saved.appName}” and its provisioning job.
            </Body1>
          )}
          {use.problem && (
            <ProblemBar
              problem={use.problem}
              testId="entra-app-problem"
              actions={notFound && attempted ? createButton(attempted, 'entra-create-app') : undefined}
            />
          )}
        </>
      )}
    </Panel>
  );
}

function TestPanel({ enabled, onNavigate }: { enabled: boolean; onNavigate: (section: SectionId) => void }): ReactElement {
  const styles = useStyles();
  const { refreshJournal, journal, session } = useWizardData();
  const replay = useReplay();
  const verdict = useOperation<TestConnectionOutcome>('Entra’s Test Connection');
  // Waits before Graph retries (throttling, a 503), shown while Entra's verdict is pending.
  const [verdictEvents, setVerdictEvents] = useState<WizardProgress[]>([]);
  const reveal = useReveal<HTMLDivElement>(verdict.result ?? verdict.problem);
  // Step 2's replay of the same URL and token stands for this computer's half: shown by
  // reference, not repeated check by check.
  const earlier = currentReplay(journal, session);
  const earlierPassed = earlier && !earlier.report.cancelled && earlier.report.summary.failed === 0;
  const [ranHere, setRanHere] = useState(false);

  const test = async () => {
    verdict.reset();
    if (!earlierPassed) {
      setRanHere(true);
      const report = await replay.start();
      if (!report || report.summary.failed > 0) return;
    }
    setVerdictEvents([]);
    const heard = (event: WizardProgress) => setVerdictEvents((current) => [...current, event]);
    if (await verdict.run((id) => entraTestConnection(id, heard))) await refreshJournal();
  };

  return (
    <Panel
      title="Test Connection"
      intro="This computer replays Entra’s calls first (step 2’s test), then Entra itself tries the URL and token (Test Connection in the Entra admin center)."
    >
      <div className={styles.row}>
        <Button appearance="primary" disabled={!enabled || replay.operation.running || verdict.running} onClick={() => void test()} data-testid="entra-test">
          Test Connection
        </Button>
      </div>
      {earlierPassed && !ranHere && earlier && (
        <div className={styles.row} data-testid="entra-replay-reference">
          <Body1>
            This computer’s replay (step 2, {earlier.at.toLocaleTimeString()}): {summaryLine(earlier.report)}
          </Body1>
          <Button appearance="transparent" size="small" onClick={() => onNavigate('connector')}>
            See the checks in step 2
          </Button>
        </div>
      )}
      {ranHere && <ReplayResults replay={replay} testId="entra-replay" />}
      <div ref={reveal}>
        {verdict.running && <ProgressNotes events={verdictEvents} running label="Entra’s verdict" testId="entra-verdict-notes" />}
        {verdict.result && (
          <SuccessBar title="Entra says: the connection works" testId="entra-verdict">
            Entra reached {verdict.result.url} with token …{verdict.result.tokenLastFour}.
          </SuccessBar>
        )}
        {verdict.problem && <ProblemBar problem={verdict.problem} testId="entra-verdict-problem" />}
      </div>
    </Panel>
  );
}

function StartPanel({ enabled, onJobChanged }: { enabled: boolean; onJobChanged: () => void }): ReactElement {
  const styles = useStyles();
  const { refreshJournal } = useWizardData();
  const [events, setEvents] = useState<WizardProgress[]>([]);
  const [draft, setDraft] = useState<DeletionProtectionDraft | undefined>();
  const [draftProblem, setDraftProblem] = useState<Problem | undefined>();
  const start = useOperation<ProvisioningStarted>('Saving and starting provisioning');
  const threshold = draft ? thresholdOf(draft) : undefined;

  // The safeguards the job will get: chosen before, or the engine's suggestion.
  useEffect(() => {
    if (!enabled) return;
    let current = true;
    entraDeletionProtection(newOperationId('protection')).then(
      (protection) => {
        if (!current) return;
        setDraft((typed) => typed ?? draftOf(protection));
        setDraftProblem(undefined);
      },
      (error: unknown) => current && setDraftProblem(toProblem(error, 'Reading the deletion safeguards')),
    );
    return () => {
      current = false;
    };
  }, [enabled]);

  const go = async () => {
    if (!draft || threshold === undefined) return;
    setEvents([]);
    const protection = { deleteThreshold: threshold, notify: draft.notify.trim(), skipOutOfScopeDeletions: draft.skipOutOfScopeDeletions };
    if (await start.run((id) => entraSaveAndStart(id, protection, (event) => setEvents((current) => [...current, event])))) {
      await refreshJournal();
      onJobChanged();
    }
  };

  return (
    <Panel title="Save and start" intro="Saves the URL, the token and the deletion safeguards in the app’s provisioning settings in Entra, and starts provisioning.">
      <Body1 as="p" className={styles.note}>
        Protection against mass deletion: a cycle that would disable or delete more users than the threshold holds them
        all back and puts the job in quarantine until you allow them on the job card. Unity deletes an account rather
        than deactivating it, so this is on by default.
      </Body1>
      {draft ? (
        <DeletionProtectionFields draft={draft} onChange={setDraft} disabled={start.running} />
      ) : (
        enabled && !draftProblem && <Spinner size="tiny" label="Reading the deletion safeguards…" />
      )}
      {draftProblem && <ProblemBar problem={draftProblem} testId="deletion-protection-problem" />}
      <div className={styles.row}>
        <Button
          appearance="primary"
          disabled={!enabled || start.running || !draft || threshold === undefined}
          onClick={() => void go()}
          data-testid="entra-save-start"
        >
          Save and start provisioning
        </Button>
        {start.running && <Button onClick={start.cancel}>Cancel</Button>}
      </div>
      <ProgressNotes events={events} running={start.running} label="Start progress" />
      {start.result && (
        <SuccessBar title={start.result.started ? 'Provisioning started' : 'Provisioning was already running'} testId="entra-started">
          {start.result.status.summary} Deletion safeguards saved: {threshold === 0 ? 'no threshold' : `at most ${threshold} deletions a cycle`}
          {draft?.notify.trim() ? `, notices to ${draft.notify.trim()}` : ', no notice e-mails'}
          {draft?.skipOutOfScopeDeletions ? ', out-of-scope deletions skipped' : ''}.
        </SuccessBar>
      )}
      {start.problem && <ProblemBar problem={start.problem} />}
    </Panel>
  );
}

/** "Contoso (contoso.com) · c0a7…", the tenant's name first, its ID for support. */
function tenantWords(account: EntraAccount): string {
  const named = account.tenantName ?? account.tenantDomain;
  const where = named && account.tenantName && account.tenantDomain ? `${account.tenantName} (${account.tenantDomain})` : named;
  if (where && account.tenantId) return `${where} · ${account.tenantId}`;
  return where ?? account.tenantId ?? 'unknown';
}
