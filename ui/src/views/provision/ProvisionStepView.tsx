// Step 4: provision chosen people now instead of waiting for Entra's next cycle.
import type { ReactElement } from 'react';
import type { SectionId } from '../../frame/sections';
import { StepView } from '../common/StepView';

export interface ProvisionStepViewProps {
  onNavigate: (section: SectionId) => void;
}

export function ProvisionStepView({ onNavigate }: ProvisionStepViewProps): ReactElement {
  return (
    <StepView
      step="provision"
      onNavigate={onNavigate}
      summary={
        <>
          Choose people or groups from your directory and provision them right now, instead of
          waiting for Entra’s next cycle. Each person’s result appears step by step as Entra
          reports it: import, scope, match, action, export.
        </>
      }
      notBuiltYet={
        <>
          Coming next: who is assigned to the app, a search-as-you-type picker over the directory,
          a live timeline per person, a summary of what was created, updated, skipped or failed,
          and Cancel.
        </>
      }
    />
  );
}
