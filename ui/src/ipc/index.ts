// The window's only way to the Rust backend. Components import typed functions from here and
// never from @tauri-apps/api (ESLint enforces it), so component tests mock this one module.
// Types come from ./bindings, generated from the Rust types by ts-rs: never edit those by hand.
// Long commands take an operation id (cancel with `cancelOperation`) and stream progress
// through a Channel; secrets only ever travel from here to Rust, never back.
import { Channel, invoke, isTauri } from '@tauri-apps/api/core';
import type { AppInfo } from './bindings/AppInfo';
import type { AppRoleAssignment } from './bindings/AppRoleAssignment';
import type { AssignmentOutcome } from './bindings/AssignmentOutcome';
import type { ConnectorUrlOutcome } from './bindings/ConnectorUrlOutcome';
import type { DashboardLinks } from './bindings/DashboardLinks';
import type { DashboardPage } from './bindings/DashboardPage';
import type { DiagnoseProgress } from './bindings/DiagnoseProgress';
import type { DiagnoseReport } from './bindings/DiagnoseReport';
import type { DirectoryEntry } from './bindings/DirectoryEntry';
import type { EntraAccount } from './bindings/EntraAccount';
import type { EntraAppSetup } from './bindings/EntraAppSetup';
import type { ExportedReport } from './bindings/ExportedReport';
import type { JobStatus } from './bindings/JobStatus';
import type { JournalView } from './bindings/JournalView';
import type { MicrosoftSignInMethod } from './bindings/MicrosoftSignInMethod';
import type { OnDemandSubject } from './bindings/OnDemandSubject';
import type { PrerequisiteCheck } from './bindings/PrerequisiteCheck';
import type { Problem } from './bindings/Problem';
import type { ProvisioningLogEntry } from './bindings/ProvisioningLogEntry';
import type { ProvisioningStarted } from './bindings/ProvisioningStarted';
import type { ProvisionOnDemandOutcome } from './bindings/ProvisionOnDemandOutcome';
import type { ServicePrincipal } from './bindings/ServicePrincipal';
import type { SettingsView } from './bindings/SettingsView';
import type { SignOutOutcome } from './bindings/SignOutOutcome';
import type { SignOutScope } from './bindings/SignOutScope';
import type { TestConnectionOutcome } from './bindings/TestConnectionOutcome';
import type { UnityCredentialsOutcome } from './bindings/UnityCredentialsOutcome';
import type { UnitySignInOutcome } from './bindings/UnitySignInOutcome';
import type { WindowSettings } from './bindings/WindowSettings';
import type { WizardProgress } from './bindings/WizardProgress';

export type { AppInfo } from './bindings/AppInfo';
export type { AppRoleAssignment } from './bindings/AppRoleAssignment';
export type { AssignmentOutcome } from './bindings/AssignmentOutcome';
export type { CheckResult } from './bindings/CheckResult';
export type { ConnectorUrlOutcome } from './bindings/ConnectorUrlOutcome';
export type { CycleCounts } from './bindings/CycleCounts';
export type { DashboardLinks } from './bindings/DashboardLinks';
export type { DashboardPage } from './bindings/DashboardPage';
export type { DeviceCodePrompt } from './bindings/DeviceCodePrompt';
export type { DiagnoseProgress } from './bindings/DiagnoseProgress';
export type { DiagnoseReport } from './bindings/DiagnoseReport';
export type { DirectoryEntry } from './bindings/DirectoryEntry';
export type { EntraAccount } from './bindings/EntraAccount';
export type { EntraAppSetup } from './bindings/EntraAppSetup';
export type { EntryTally } from './bindings/EntryTally';
export type { Evidence } from './bindings/Evidence';
export type { ExportedReport } from './bindings/ExportedReport';
export type { Fact } from './bindings/Fact';
export type { JobStatus } from './bindings/JobStatus';
export type { Journal } from './bindings/Journal';
export type { JournalView } from './bindings/JournalView';
export type { LogGroup } from './bindings/LogGroup';
export type { LogWindow } from './bindings/LogWindow';
export type { MicrosoftSignInMethod } from './bindings/MicrosoftSignInMethod';
export type { OnDemandStep } from './bindings/OnDemandStep';
export type { OnDemandSubject } from './bindings/OnDemandSubject';
export type { OnDemandVerdict } from './bindings/OnDemandVerdict';
export type { PlannedCheck } from './bindings/PlannedCheck';
export type { PrerequisiteCheck } from './bindings/PrerequisiteCheck';
export type { PrincipalKind } from './bindings/PrincipalKind';
export type { Problem } from './bindings/Problem';
export type { ProblemDetail } from './bindings/ProblemDetail';
export type { ProfileSummary } from './bindings/ProfileSummary';
export type { ProvisioningLogEntry } from './bindings/ProvisioningLogEntry';
export type { ProvisioningLogPage } from './bindings/ProvisioningLogPage';
export type { ProvisioningLogQuery } from './bindings/ProvisioningLogQuery';
export type { ProvisioningScope } from './bindings/ProvisioningScope';
export type { ProvisioningStarted } from './bindings/ProvisioningStarted';
export type { ProvisionOnDemandOutcome } from './bindings/ProvisionOnDemandOutcome';
export type { ServicePrincipal } from './bindings/ServicePrincipal';
export type { SettingsView } from './bindings/SettingsView';
export type { SignOutOutcome } from './bindings/SignOutOutcome';
export type { SignOutScope } from './bindings/SignOutScope';
export type { StepId } from './bindings/StepId';
export type { WindowStep } from './bindings/WindowStep';
export type { WindowStepStatus } from './bindings/WindowStepStatus';
export type { PrerequisiteId } from './bindings/PrerequisiteId';
export type { PrerequisiteState } from './bindings/PrerequisiteState';
export type { TestConnectionOutcome } from './bindings/TestConnectionOutcome';
export type { UnityCredentialsOutcome } from './bindings/UnityCredentialsOutcome';
export type { UnityOrganization } from './bindings/UnityOrganization';
export type { UnitySignInOutcome } from './bindings/UnitySignInOutcome';
export type { WindowSettings } from './bindings/WindowSettings';
export type { WizardProgress } from './bindings/WizardProgress';

/** Raised when the page runs outside the SCIM Setup app (for example in a plain web browser). */
export class NotInAppError extends Error {
  constructor() {
    super('This page is running outside the SCIM Setup app, so it cannot reach its engine.');
    this.name = 'NotInAppError';
  }
}

/** Version, active cloud profile, sandbox flag and data folder of the running app. */
export async function getAppInfo(): Promise<AppInfo> {
  // `vite build --mode preview-mock` swaps in sample data so the frame can be looked at in a
  // plain browser. Vite replaces MODE at build time, so a normal build drops this branch and
  // the sample module entirely.
  if (import.meta.env.MODE === 'preview-mock') {
    const { previewAppInfo } = await import('./previewAppInfo');
    return previewAppInfo;
  }
  requireApp();
  return invoke<AppInfo>('app_info');
}

function requireApp(): void {
  if (!isTauri()) throw new NotInAppError();
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  requireApp();
  return invoke<T>(command, args);
}

function channel<T>(onEvent: (event: T) => void): Channel<T> {
  const result = new Channel<T>();
  result.onmessage = onEvent;
  return result;
}

let operationCounter = 0;
/** A fresh id for a long command, so it can be cancelled. */
export function newOperationId(prefix = 'op'): string {
  operationCounter += 1;
  return `${prefix}-${Date.now().toString(36)}-${operationCounter}`;
}

export const cancelOperation = (operationId: string) => call<boolean>('cancel_operation', { operationId });
/** The first view has painted: the start-up benchmark's mark (a no-op unless it is measuring). */
export const reportFirstPaint = () => call<null>('first_paint');

// Start
export const getJournal = () => call<JournalView>('journal_state');
export const checkPrerequisites = (operationId: string) =>
  call<PrerequisiteCheck[]>('check_prerequisites', { operationId });

// Step 1: Unity
export const unitySignIn = (operationId: string) => call<UnitySignInOutcome>('unity_sign_in', { operationId });
export const unityEnsureCredentials = (
  operationId: string,
  orgId: string | null,
  onProgress: (event: WizardProgress) => void,
) => call<UnityCredentialsOutcome>('unity_ensure_credentials', { operationId, orgId, onProgress: channel(onProgress) });
/** The guided road: the token goes to Rust and is never returned. */
export const unityAcceptPasted = (operationId: string, connector: string, token: string) =>
  call<ConnectorUrlOutcome>('unity_accept_pasted', { operationId, connector, token });
export const unityDashboardLinks = (orgId: string | null) =>
  call<DashboardLinks | null>('unity_dashboard_links', { orgId });
export const openDashboardPage = (page: DashboardPage, orgId: string | null) =>
  call<null>('open_dashboard_page', { page, orgId });

// Step 2: connector URL
export const connectorResolve = (operationId: string, onProgress: (event: WizardProgress) => void) =>
  call<ConnectorUrlOutcome>('connector_resolve', { operationId, onProgress: channel(onProgress) });

// Step 3: Entra
export const entraSignIn = (
  operationId: string,
  method: MicrosoftSignInMethod,
  onProgress: (event: WizardProgress) => void,
) => call<EntraAccount>('entra_sign_in', { operationId, method, onProgress: channel(onProgress) });
export const entraAccount = (operationId: string) => call<EntraAccount | null>('entra_account', { operationId });
export const entraSearchApps = (operationId: string, text: string) =>
  call<ServicePrincipal[]>('entra_search_apps', { operationId, text });
export const entraUseApp = (
  operationId: string,
  name: string,
  create: boolean,
  onProgress: (event: WizardProgress) => void,
) => call<EntraAppSetup>('entra_use_app', { operationId, name, create, onProgress: channel(onProgress) });
export const entraTestConnection = (operationId: string) =>
  call<TestConnectionOutcome>('entra_test_connection', { operationId });
export const entraSaveAndStart = (operationId: string, onProgress: (event: WizardProgress) => void) =>
  call<ProvisioningStarted>('entra_save_and_start', { operationId, onProgress: channel(onProgress) });
export const entraJobStatus = (operationId: string) => call<JobStatus>('entra_job_status', { operationId });

// Step 4: provision on demand
export const directorySearch = (operationId: string, text: string, top?: number) =>
  call<DirectoryEntry[]>('directory_search', { operationId, text, top: top ?? null });
export const listAssigned = (operationId: string) => call<AppRoleAssignment[]>('list_assigned', { operationId });
export const assignPrincipals = (operationId: string, principals: OnDemandSubject[]) =>
  call<AssignmentOutcome[]>('assign_principals', { operationId, principals });
export const provisionNow = (
  operationId: string,
  subjects: OnDemandSubject[],
  onProgress: (event: WizardProgress) => void,
) => call<ProvisionOnDemandOutcome[]>('provision_now', { operationId, subjects, onProgress: channel(onProgress) });

// Diagnose
export type DiagnoseTargetInput = { source: 'configured' } | { source: 'pasted'; url: string; token: string };
export const runDiagnosis = (
  operationId: string,
  target: DiagnoseTargetInput,
  writeChecks: boolean,
  onProgress: (event: DiagnoseProgress) => void,
) => call<DiagnoseReport>('run_diagnosis', { operationId, target, writeChecks, onProgress: channel(onProgress) });
export const diagnoseJob = (operationId: string) => call<JobStatus>('diagnose_job', { operationId });
export const diagnoseLogs = (operationId: string, user: string) =>
  call<ProvisioningLogEntry[]>('diagnose_logs', { operationId, user });
export const exportReport = () => call<ExportedReport>('export_report');

// Settings
export const getSettings = () => call<SettingsView>('settings_get');
export const saveSettings = (settings: WindowSettings) => call<SettingsView>('settings_save', { settings });
export const signOut = (scope: SignOutScope = 'everything') => call<SignOutOutcome>('sign_out', { scope });

/** The engine's Problem, if that is what a command rejected with. */
export function asProblem(error: unknown): Problem | undefined {
  if (
    error !== null &&
    typeof error === 'object' &&
    'kind' in error &&
    typeof error.kind === 'string' &&
    'cause' in error &&
    typeof error.cause === 'string' &&
    'fix' in error &&
    typeof error.fix === 'string'
  ) {
    return error as Problem;
  }
  return undefined;
}

/** A Problem for anything a command rejected with, so every view shows one shape. */
export function toProblem(error: unknown, action: string): Problem {
  const problem = asProblem(error);
  if (problem) return problem;
  return {
    kind: 'server',
    action,
    cause: describeIpcError(error),
    fix: 'Try again; if it keeps happening, copy the details into a support ticket.',
    detail: {},
  };
}

/** A sentence for a person from whatever a command rejected with. */
export function describeIpcError(error: unknown): string {
  const problem = asProblem(error);
  if (problem) return problem.cause;
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  return 'The app’s engine returned an error it could not describe.';
}
