// The journal of non-secret progress, shared by every view: which org, app and job, which
// steps are done. Views refresh it after a step succeeds; the navigation reads step status
// from it, and Start offers to resume where it stopped. Beside it, what this run of the window
// has seen and the journal does not keep: the last replay of Entra's calls (step 2's own check,
// shown by reference in step 3) and whether the last on-demand run failed.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactElement, type ReactNode } from 'react';
import { getJournal, type AppInfo, type DiagnoseReport, type JournalView, type ProvisionOnDemandOutcome } from '../ipc';
import { NO_PROGRESS, type StepId, type StepStatus } from './sections';

/** The last replay of Entra's calls against the configured URL and token. */
export interface ReplayMemory {
  report: DiagnoseReport;
  /** Which URL and token it was about: a new one makes it stale. */
  target: string;
  at: Date;
}

/** What this run of the window learnt that the journal does not keep. */
export interface SessionFacts {
  replay?: ReplayMemory;
  /** True when the last provisioning on demand had a failure or a skip. */
  provisionFailed?: boolean;
  /** This run's provisioning on demand, newest first, so step 4 keeps its history. */
  provisionRuns?: ProvisionRun[];
}

/** One press of "Provision on demand": when, and each person's outcome. */
export interface ProvisionRun {
  at: Date;
  outcomes: ProvisionOnDemandOutcome[];
}

export interface WizardData {
  appInfo?: AppInfo;
  journal?: JournalView;
  refreshJournal: () => Promise<void>;
  session: SessionFacts;
  updateSession: (change: Partial<SessionFacts>) => void;
}

const WizardDataContext = createContext<WizardData>({
  refreshJournal: async () => undefined,
  session: {},
  updateSession: () => undefined,
});

/** The configured URL and token as one key, so a replay of another target reads as stale. */
export function replayTarget(journal: JournalView | undefined): string {
  const unity = journal?.journal.unity;
  return `${unity?.scimUrl ?? ''}|${unity?.tokenLastFour ?? ''}`;
}

/** The remembered replay, if it is about the URL and token configured now. */
export function currentReplay(journal: JournalView | undefined, session: SessionFacts): ReplayMemory | undefined {
  return session.replay && session.replay.target === replayTarget(journal) ? session.replay : undefined;
}

export function WizardDataProvider({ appInfo, children }: { appInfo?: AppInfo; children: ReactNode }): ReactElement {
  const [journal, setJournal] = useState<JournalView | undefined>();
  const [session, setSession] = useState<SessionFacts>({});
  const updateSession = useCallback((change: Partial<SessionFacts>) => setSession((current) => ({ ...current, ...change })), []);
  const refreshJournal = useCallback(async () => {
    try {
      setJournal(await getJournal());
    } catch {
      // Without an engine there is no journal; the frame already says why.
    }
  }, []);
  useEffect(() => {
    if (!appInfo) return;
    let current = true;
    getJournal().then(
      (loaded) => current && setJournal(loaded),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [appInfo]);
  const value = useMemo(
    () => ({ appInfo, journal, refreshJournal, session, updateSession }),
    [appInfo, journal, refreshJournal, session, updateSession],
  );
  return <WizardDataContext.Provider value={value}>{children}</WizardDataContext.Provider>;
}

export function useWizardData(): WizardData {
  return useContext(WizardDataContext);
}

/**
 * Each window step's status from the engine's finished steps and this run's own checks. A step
 * is Done only when its own check passed: step 2 when the URL is known and Entra's calls worked
 * (this run's replay, or Entra's Test Connection), step 4 when the last run had no failure.
 */
export function stepStatusFrom(journal: JournalView | undefined, session: SessionFacts = {}): Record<StepId, StepStatus> {
  if (!journal) return NO_PROGRESS;
  const done = (id: string) => id in journal.journal.stepsDone;
  const status = (finished: boolean, started: boolean): StepStatus =>
    finished ? 'done' : started ? 'inProgress' : 'notStarted';
  const replay = currentReplay(journal, session);
  const replayFailed = Boolean(replay && (replay.report.summary.failed > 0 || replay.report.cancelled));
  const connectorTested = replay ? !replayFailed : done('testConnection');
  const connector: StepStatus = !done('connectorUrl')
    ? 'notStarted'
    : replayFailed
      ? 'failed'
      : connectorTested
        ? 'done'
        : 'inProgress';
  // Signing out of Microsoft undoes what steps 3 and 4 stand on: they wait for a new sign-in.
  const signedIn = done('signInMicrosoft');
  const provision: StepStatus = session.provisionFailed
    ? 'failed'
    : status(signedIn && done('provisionOnDemand'), done('assignment') || done('provisionOnDemand'));
  return {
    unity: status(done('unityCredentials'), done('signInUnity')),
    connector,
    entra: status(
      signedIn && done('startProvisioning'),
      ['signInMicrosoft', 'enterpriseApp', 'provisioningJob', 'testConnection', 'saveCredentials', 'startProvisioning'].some(
        done,
      ),
    ),
    provision,
  };
}
