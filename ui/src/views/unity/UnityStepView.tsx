// Step 1: a Unity service account with the SCIM Authenticator role and a bearer token for it.
import type { ReactElement } from 'react';
import type { SectionId } from '../../frame/sections';
import { StepView } from '../common/StepView';

export interface UnityStepViewProps {
  onNavigate: (section: SectionId) => void;
}

export function UnityStepView({ onNavigate }: UnityStepViewProps): ReactElement {
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
      notBuiltYet={
        <>
          Coming next: Unity sign-in in your browser, choosing the organization, the guided road
          with a paste box and an immediate check, and the token stored in the system keychain.
        </>
      }
    />
  );
}
