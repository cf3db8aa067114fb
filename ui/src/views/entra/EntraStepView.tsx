// Step 3: the Entra side — the Unity enterprise app's provisioning job, tested, saved, started.
import type { ReactElement } from 'react';
import type { SectionId } from '../../frame/sections';
import { StepView } from '../common/StepView';

export interface EntraStepViewProps {
  onNavigate: (section: SectionId) => void;
}

export function EntraStepView({ onNavigate }: EntraStepViewProps): ReactElement {
  return (
    <StepView
      step="entra"
      onNavigate={onNavigate}
      summary={
        <>
          Sign in to Entra and pick the enterprise app you use for Unity sign-in. The app sets up
          its provisioning job, runs Test Connection, saves the URL and token, and starts
          provisioning; the job’s state and schedule then stay in view here.
        </>
      }
      notBuiltYet={
        <>
          Coming next: Entra sign-in (browser or device code), the tenant and app picker, Test
          Connection check by check with Entra’s own verdict, Save and Start, and a job card that
          refreshes itself.
        </>
      }
    />
  );
}
