// Settings: the active cloud profile's endpoints; choosing the profile (applied at the next
// launch), the client IDs and the request timeout; and signing out, which clears the keychain.
import {
  Body1,
  Button,
  Field,
  Input,
  makeStyles,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Radio,
  RadioGroup,
  SpinButton,
  Subtitle2,
  tokens,
} from '@fluentui/react-components';
import { Fragment, useEffect, useState, type ReactElement } from 'react';
import { useWizardData } from '../../frame/journal';
import {
  chooseProfileFile,
  openLogFolder,
  settingsGet,
  settingsSave,
  signOut,
  signOutPlan,
  toProblem,
  type AppInfo,
  type Problem,
  type SettingsView as Settings,
  type SignOutOutcome,
  type SignOutScope,
  type StepId,
  type WindowSettings,
} from '../../ipc';
import { Panel } from '../common/Panel';
import { ProblemBar } from '../common/ProblemBar';
import { SuccessBar } from '../common/SuccessBar';
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
          The cloud profile decides which Microsoft and Unity services this app talks to. Changes
          apply when the app next starts; signing out removes this app’s saved sign-ins and token
          from {appInfo?.secretStore ?? 'its secret store'}.
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
      {appInfo && <SettingsForm />}
      {appInfo && <SignOutPanel />}
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
    ['Microsoft client ID', profile.microsoftClientId],
    ['Unity client ID', profile.unityClientId ?? 'none'],
    ['Secrets kept in', appInfo.secretStore],
    ['SCIM connector URL', profile.scimBaseUrl],
    ['Data folder', appInfo.dataDir],
    ['Reports folder', appInfo.reportsDir],
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

const PROFILES: { value: string; label: string }[] = [
  { value: 'global', label: 'Global (public clouds)' },
  { value: 'usgov', label: 'US Government' },
  { value: 'china', label: 'China (21Vianet)' },
  { value: 'sandbox', label: 'Sandbox (simulated clouds, nothing real is touched)' },
  { value: 'custom', label: 'A custom profile file' },
];

const useFormStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM },
  row: { display: 'flex', alignItems: 'center', columnGap: tokens.spacingHorizontalM },
  grow: { flexGrow: 1 },
});

/**
 * What the Unity client ID is, when to change it and where it comes from (docs/unity-admin-contract.md:
 * Unity publishes no OAuth registration for other apps, so the public clouds' profile has none).
 */
function UnityClientIdHelp(): ReactElement {
  return (
    <span data-testid="settings-unity-client-id-help">
      <strong>What it is:</strong> the OAuth client ID of the Unity sign-in app registration, the public ID Unity
      knows this app by when you sign in to Unity in your browser. It is not a secret, and not the SCIM token or a
      service account key. <strong>When to change it:</strong> only when Unity has issued a registration for this app
      (or issues a new one). Leave it empty to use the cloud profile’s own; a profile without one (the public
      clouds’ has none) makes step 1 take the Dashboard road, where you create the token in the Unity Dashboard and
      paste it. <strong>Where to find it:</strong> Unity has no Dashboard page to create one; it comes from Unity
      (your Unity account manager or Unity support), or from the <code>unity.clientId</code> of a cloud profile file
      you were given.
    </span>
  );
}

function SettingsForm(): ReactElement {
  const styles = useFormStyles();
  const [view, setView] = useState<Settings | undefined>();
  const [draft, setDraft] = useState<WindowSettings>({});
  const [logFolder, setLogFolder] = useState<string | undefined>();
  const [problem, setProblem] = useState<Problem | undefined>();
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    let current = true;
    settingsGet().then(
      (loaded) => {
        if (!current) return;
        setView(loaded);
        setDraft(loaded.saved);
      },
      (error: unknown) => current && setProblem(toProblem(error, 'Reading the settings')),
    );
    return () => {
      current = false;
    };
  }, []);

  const update = (change: Partial<WindowSettings>) => {
    setSaved(false);
    setDraft((current) => ({ ...current, ...change }));
  };

  // The system's file picker, shown by Rust; only the chosen path comes back.
  const showLogs = async () => {
    try {
      setLogFolder(await openLogFolder());
    } catch (error) {
      setProblem(toProblem(error, 'Opening the log folder'));
    }
  };
  const choose = async () => {
    try {
      const chosen = await chooseProfileFile();
      if (chosen) update({ customProfilePath: chosen });
    } catch (error) {
      setProblem(toProblem(error, 'Choosing a profile file'));
    }
  };

  const save = async () => {
    try {
      setView(await settingsSave(draft));
      setProblem(undefined);
      setSaved(true);
    } catch (error) {
      setProblem(toProblem(error, 'Saving the settings'));
    }
  };

  return (
    <Panel title="Change the settings" intro="Saved in the data folder and applied when the app next starts.">
      {view?.overriddenByCommandLine && (
        <MessageBar intent="info">
          <MessageBarBody>
            This run uses “{view.activeProfile}” because the app was launched with a cloud of its own (the built-in sandbox or a profile file named at launch); that wins over the saved choice.
          </MessageBarBody>
        </MessageBar>
      )}
      <form
        className={styles.form}
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <RadioGroup
          aria-label="Cloud profile"
          value={draft.profile ?? 'global'}
          onChange={(_e, data) => update({ profile: data.value })}
          data-testid="settings-profile-choice"
        >
          {PROFILES.map((profile) => (
            <Radio key={profile.value} value={profile.value} label={profile.label} />
          ))}
        </RadioGroup>
        {draft.profile === 'custom' && (
          <Field label="Profile file (JSON)" required hint={
              <>
                A cloud profile as <code>scim-setup sandbox</code> prints it: the sign-in, Graph and Unity addresses and the client IDs.
              </>
            }>
            {/* Fluent's Input takes its label and hint from the Field around this row. */}
            <div className={styles.row}>
              <Input
                className={styles.grow}
                value={draft.customProfilePath ?? ''}
                onChange={(_e, data) => update({ customProfilePath: data.value })}
                data-testid="settings-profile-path"
              />
              <Button onClick={() => void choose()} data-testid="settings-profile-choose">
                Choose…
              </Button>
            </div>
          </Field>
        )}
        <Field label="Microsoft client (application) ID" hint="Leave empty for the profile’s default public client.">
          <Input value={draft.microsoftClientId ?? ''} onChange={(_e, data) => update({ microsoftClientId: data.value || null })} />
        </Field>
        <Field label="Unity client ID" hint={<UnityClientIdHelp />}>
          <Input
            value={draft.unityClientId ?? ''}
            placeholder="Empty: the profile’s own, if it has one"
            onChange={(_e, data) => update({ unityClientId: data.value || null })}
            data-testid="settings-unity-client-id"
          />
        </Field>
        <Field label="Request timeout (seconds)">
          <SpinButton
            min={5}
            max={600}
            value={draft.requestTimeoutSeconds ?? 60}
            onChange={(_e, data) => {
              const value = data.value ?? Number(data.displayValue);
              if (Number.isFinite(value)) update({ requestTimeoutSeconds: value });
            }}
          />
        </Field>
        <Field
          label="Log level"
          hint="info by default; debug for more detail. Support may ask for a filter such as scim_core=trace. When the SCIM_SETUP_LOG environment variable is set, it wins over this. Applied when the app next starts."
        >
          <Input
            value={draft.logLevel ?? ''}
            placeholder="info"
            onChange={(_e, data) => update({ logLevel: data.value.trim() || null })}
            data-testid="settings-log-level"
          />
        </Field>
        <div className={styles.row}>
          <Button onClick={() => void showLogs()} data-testid="settings-open-logs">
            Open the log folder
          </Button>
          {logFolder && <Body1>{logFolder}</Body1>}
        </div>
        <div className={styles.row}>
          <Button type="submit" appearance="primary" data-testid="settings-save">
            Save
          </Button>
        </div>
      </form>
      {saved && <SuccessBar title="Saved" testId="settings-saved">Restart the app to use the new settings.</SuccessBar>}
      {problem && <ProblemBar problem={problem} testId="settings-problem" />}
    </Panel>
  );
}

/** The three separate sign-outs, and all of them at once, each with what it removes. */
const SIGN_OUTS: { scope: SignOutScope; label: string; testId: string }[] = [
  { scope: 'microsoft', label: 'Sign out of Microsoft', testId: 'sign-out-microsoft' },
  { scope: 'unity', label: 'Sign out of Unity', testId: 'sign-out-unity' },
  { scope: 'scimToken', label: 'Forget the SCIM token', testId: 'sign-out-scimToken' },
  { scope: 'everything', label: 'Sign out of everything', testId: 'settings-sign-out' },
];

/**
 * What a sign-out changes in the window, in its own steps' words: a sign-in's step keeps what
 * it made (the service account, the running job), while forgetting the token undoes steps 1
 * and 2. Built from the engine's `forgottenSteps`, so the sentence follows what is forgotten.
 */
export function signOutConsequences(steps: readonly StepId[]): string {
  const said: string[] = [];
  if (steps.includes('unityCredentials') || steps.includes('connectorUrl')) {
    said.push(
      'Steps 1 and 2 go back to not started: the app no longer holds the token to test or save again (Entra keeps its own copy and goes on provisioning).',
    );
  } else if (steps.includes('signInUnity')) {
    said.push('Step 1 stays done: the service account and its token keep working; sign in to Unity again only to change them.');
  }
  if (steps.includes('signInMicrosoft')) {
    said.push('Provisioning keeps running in Entra; sign in to Microsoft again before steps 3 and 4 can change anything.');
  }
  return said.join(' ');
}

function SignOutPanel(): ReactElement {
  const styles = useFormStyles();
  const { refreshJournal, appInfo, updateSession } = useWizardData();
  const [asking, setAsking] = useState<{ scope: SignOutScope; plan: SignOutOutcome } | undefined>();
  const [outcome, setOutcome] = useState<SignOutOutcome | undefined>();
  const [problem, setProblem] = useState<Problem | undefined>();
  const ask = async (scope: SignOutScope) => {
    setOutcome(undefined);
    setProblem(undefined);
    try {
      setAsking({ scope, plan: await signOutPlan(scope) });
    } catch (error) {
      setProblem(toProblem(error, 'Signing out'));
    }
  };
  const confirm = async (scope: SignOutScope) => {
    setAsking(undefined);
    try {
      setOutcome(await signOut(scope));
      // What this run checked with the forgotten token and sign-ins no longer stands.
      updateSession({ replay: undefined, provisionFailed: undefined });
      await refreshJournal();
    } catch (error) {
      setProblem(toProblem(error, 'Signing out'));
    }
  };
  const store = appInfo?.secretStore ?? 'the secret store';
  return (
    <Panel
      title="Sign out"
      intro={`Each of these forgets only what it names, from ${store} for this profile. What was set up in Entra and Unity stays; the steps that need what was forgotten wait for it again.`}
    >
      <div className={styles.row}>
        {SIGN_OUTS.map(({ scope, label, testId }) => (
          <Button key={scope} onClick={() => void ask(scope)} data-testid={testId}>
            {label}
          </Button>
        ))}
      </div>
      {asking && (
        <MessageBar intent="warning" layout="multiline" data-testid="sign-out-ask">
          <MessageBarBody>
            <MessageBarTitle>{SIGN_OUTS.find((entry) => entry.scope === asking.scope)?.label}?</MessageBarTitle>
            {asking.plan.removed.length
              ? `This removes from ${asking.plan.store}: ${asking.plan.removed.join(', ')}.`
              : `Nothing of this is stored in ${asking.plan.store} now.`}{' '}
            {signOutConsequences(asking.plan.forgottenSteps)}
          </MessageBarBody>
          <MessageBarActions>
            <Button appearance="primary" onClick={() => void confirm(asking.scope)} data-testid="sign-out-confirm">
              Yes, remove it
            </Button>
            <Button onClick={() => setAsking(undefined)}>Keep it</Button>
          </MessageBarActions>
        </MessageBar>
      )}
      {outcome && (
        <SuccessBar title="Signed out" testId="sign-out-result">
          {outcome.removed.length ? `Removed from ${outcome.store}: ${outcome.removed.join(', ')}.` : `Nothing was stored in ${outcome.store}.`}
        </SuccessBar>
      )}
      {problem && <ProblemBar problem={problem} />}
    </Panel>
  );
}
