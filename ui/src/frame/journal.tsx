// The journal of non-secret progress, shared by every view: which org, app and job, which
// steps are done. Views refresh it after a step succeeds; the navigation shows each step's
// status and Start offers to resume where it stopped, both computed by the engine. Beside it,
// what this run of the window has seen and the journal does not keep: the last replay of
// Entra's calls (step 2's own check, shown by reference in step 3) and whether the last
// on-demand run failed; these refine the engine's statuses for this run only.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactElement, type ReactNode } from 'react';
import { journalState, type AppInfo, type DiagnoseReport, type JournalView, type ProvisionOnDemandOutcome } from '../ipc';
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
      setJournal(await journalState());
    } catch {
      // Without an engine there is no journal; the frame already says why.
    }
  }, []);
  useEffect(() => {
    if (!appInfo) return;
    let current = true;
    journalState().then(
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
 * Each window step's status: the engine's (from the journal), refined by this run's own checks.
 * A replay of Entra's calls against the configured URL and token decides step 2 (done or
 * failed), and a failed on-demand run marks step 4 failed.
 */
export function stepStatusFrom(journal: JournalView | undefined, session: SessionFacts = {}): Record<StepId, StepStatus> {
  if (!journal) return NO_PROGRESS;
  const steps: Record<StepId, StepStatus> = { ...journal.steps };
  const replay = currentReplay(journal, session);
  if (replay && steps.connector !== 'notStarted') {
    steps.connector = replay.report.summary.failed > 0 || replay.report.cancelled ? 'failed' : 'done';
  }
  if (session.provisionFailed) steps.provision = 'failed';
  return steps;
}
