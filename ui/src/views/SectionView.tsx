// Picks the view for the selected section. Start is in the first bundle; the steps, Diagnose and
// Settings are chunks of their own, fetched in the background once the first view has painted,
// so the window's first paint loads only what Start shows.
import { Spinner } from '@fluentui/react-components';
import { Suspense, useEffect, type ReactElement } from 'react';
import type { SectionId } from '../frame/sections';
import { firstPaint, type AppInfo } from '../ipc';
import { lazyView } from './common/lazyView';
import { StartView } from './start/StartView';

const Unity = lazyView(() => import('./unity/UnityStepView').then((m) => m.UnityStepView));
const Connector = lazyView(() => import('./connector/ConnectorStepView').then((m) => m.ConnectorStepView));
const Entra = lazyView(() => import('./entra/EntraStepView').then((m) => m.EntraStepView));
const Provision = lazyView(() => import('./provision/ProvisionStepView').then((m) => m.ProvisionStepView));
const Diagnose = lazyView(() => import('./diagnose/DiagnoseView').then((m) => m.DiagnoseView));
const Settings = lazyView(() => import('./settings/SettingsView').then((m) => m.SettingsView));

/** Fetches every view's chunk; resolves when all are loaded (tests await it). */
export function preloadViews(): Promise<unknown> {
  return Promise.all([Unity, Connector, Entra, Provision, Diagnose, Settings].map((view) => view.preload()));
}

export interface SectionViewProps {
  section: SectionId;
  appInfo?: AppInfo;
  onNavigate: (section: SectionId) => void;
}

export function SectionView({ section, appInfo, onNavigate }: SectionViewProps): ReactElement {
  useEffect(() => {
    // After the first view's paint (the frame after this commit): the start-up benchmark's
    // mark, then the other views' chunks.
    let timer = 0;
    const frame = requestAnimationFrame(() => {
      // The frame after the first view's commit, by the page's clock: what a person sees.
      const paintedAt = performance.timeOrigin + performance.now();
      timer = window.setTimeout(() => {
        firstPaint(paintedAt, performance.timeOrigin).catch(() => undefined);
        void preloadViews();
      }, 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      window.clearTimeout(timer);
    };
  }, []);

  return (
    <Suspense fallback={<Spinner label="Loading…" />}>
      <Section section={section} appInfo={appInfo} onNavigate={onNavigate} />
    </Suspense>
  );
}

function Section({ section, appInfo, onNavigate }: SectionViewProps): ReactElement {
  switch (section) {
    case 'start':
      return <StartView profileName={appInfo?.profile.name} onNavigate={onNavigate} />;
    case 'unity':
      return <Unity.View onNavigate={onNavigate} />;
    case 'connector':
      return <Connector.View onNavigate={onNavigate} />;
    case 'entra':
      return <Entra.View onNavigate={onNavigate} />;
    case 'provision':
      return <Provision.View onNavigate={onNavigate} />;
    case 'diagnose':
      return <Diagnose.View />;
    case 'settings':
      return <Settings.View appInfo={appInfo} />;
  }
}
