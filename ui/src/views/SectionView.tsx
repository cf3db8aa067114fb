// Picks the view for the selected section.
import type { ReactElement } from 'react';
import type { SectionId } from '../frame/sections';
import type { AppInfo } from '../ipc';
import { ConnectorStepView } from './connector/ConnectorStepView';
import { DiagnoseView } from './diagnose/DiagnoseView';
import { EntraStepView } from './entra/EntraStepView';
import { ProvisionStepView } from './provision/ProvisionStepView';
import { SettingsView } from './settings/SettingsView';
import { StartView } from './start/StartView';
import { UnityStepView } from './unity/UnityStepView';

export interface SectionViewProps {
  section: SectionId;
  appInfo?: AppInfo;
  onNavigate: (section: SectionId) => void;
}

export function SectionView({ section, appInfo, onNavigate }: SectionViewProps): ReactElement {
  switch (section) {
    case 'start':
      return <StartView profileName={appInfo?.profile.name} onNavigate={onNavigate} />;
    case 'unity':
      return <UnityStepView onNavigate={onNavigate} />;
    case 'connector':
      return <ConnectorStepView onNavigate={onNavigate} />;
    case 'entra':
      return <EntraStepView onNavigate={onNavigate} />;
    case 'provision':
      return <ProvisionStepView onNavigate={onNavigate} />;
    case 'diagnose':
      return <DiagnoseView />;
    case 'settings':
      return <SettingsView appInfo={appInfo} />;
  }
}
