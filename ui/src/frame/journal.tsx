// The journal of non-secret progress, shared by every view: which org, app and job, which
// steps are done. Views refresh it after a step succeeds; the navigation reads step status
// from it, and Start offers to resume where it stopped.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactElement, type ReactNode } from 'react';
import { getJournal, type AppInfo, type JournalView } from '../ipc';
import { NO_PROGRESS, type StepId, type StepStatus } from './sections';

export interface WizardData {
  appInfo?: AppInfo;
  journal?: JournalView;
  refreshJournal: () => Promise<void>;
}

const WizardDataContext = createContext<WizardData>({ refreshJournal: async () => undefined });

export function WizardDataProvider({ appInfo, children }: { appInfo?: AppInfo; children: ReactNode }): ReactElement {
  const [journal, setJournal] = useState<JournalView | undefined>();
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
  const value = useMemo(() => ({ appInfo, journal, refreshJournal }), [appInfo, journal, refreshJournal]);
  return <WizardDataContext.Provider value={value}>{children}</WizardDataContext.Provider>;
}

export function useWizardData(): WizardData {
  return useContext(WizardDataContext);
}

/** Each window step's status from the engine's finished steps. */
export function stepStatusFrom(journal: JournalView | undefined): Record<StepId, StepStatus> {
  if (!journal) return NO_PROGRESS;
  const done = (id: string) => id in journal.journal.stepsDone;
  const status = (finished: boolean, started: boolean): StepStatus =>
    finished ? 'done' : started ? 'inProgress' : 'notStarted';
  return {
    unity: status(done('unityCredentials'), done('signInUnity')),
    connector: status(done('connectorUrl'), false),
    entra: status(
      done('startProvisioning'),
      ['signInMicrosoft', 'enterpriseApp', 'provisioningJob', 'testConnection', 'saveCredentials'].some(done),
    ),
    provision: status(done('provisionOnDemand'), done('assignment')),
  };
}
