// Step 2: the SCIM base URL Entra will call, checked the way Entra's Test Connection does.
import type { ReactElement } from 'react';
import type { SectionId } from '../../frame/sections';
import { StepView } from '../common/StepView';

export interface ConnectorStepViewProps {
  onNavigate: (section: SectionId) => void;
}

export function ConnectorStepView({ onNavigate }: ConnectorStepViewProps): ReactElement {
  return (
    <StepView
      step="connector"
      onNavigate={onNavigate}
      summary={
        <>
          This is the address Entra calls to create, update and deactivate people in Unity. The
          app finds it for your organization and tests it from this computer, the same way
          Entra’s Test Connection will.
        </>
      }
      notBuiltYet={
        <>
          Coming next: the connector URL with a copy button, and a Test that replays Entra’s
          query with a live check list.
        </>
      }
    />
  );
}
