// The window's sections, in the order the navigation lists them. A section's id is also the
// suffix of its stable test selectors: `nav-<id>` on the navigation item, `view-<id>` on the view.

import type { WindowStep } from '../ipc';

/** A window step's id: the engine's `WindowStep`, generated from Rust. */
export type StepId = WindowStep;
export type SectionId = 'start' | StepId | 'diagnose' | 'settings';

export type StepStatus = 'notStarted' | 'inProgress' | 'done' | 'failed';

export interface StepSection {
  id: StepId;
  number: 1 | 2 | 3 | 4;
  label: string;
}

export const STEPS: readonly StepSection[] = [
  { id: 'unity', number: 1, label: 'Unity service account' },
  { id: 'connector', number: 2, label: 'SCIM connector URL' },
  { id: 'entra', number: 3, label: 'Entra provisioning' },
  { id: 'provision', number: 4, label: 'Provision on demand' },
];

export const STEP_STATUS_LABEL: Record<StepStatus, string> = {
  notStarted: 'Not started',
  inProgress: 'In progress',
  done: 'Done',
  failed: 'Needs attention',
};

/** Every step not started: what the frame shows until the journal says otherwise. */
export const NO_PROGRESS: Record<StepId, StepStatus> = {
  unity: 'notStarted',
  connector: 'notStarted',
  entra: 'notStarted',
  provision: 'notStarted',
};

/** The step after `id`, or undefined after the last one. */
export function nextStep(id: StepId): StepSection | undefined {
  const index = STEPS.findIndex((step) => step.id === id);
  return STEPS[index + 1];
}

/** The step before `id`, or undefined before the first one. */
export function previousStep(id: StepId): StepSection | undefined {
  const index = STEPS.findIndex((step) => step.id === id);
  return index > 0 ? STEPS[index - 1] : undefined;
}

export function stepById(id: StepId): StepSection {
  const step = STEPS.find((candidate) => candidate.id === id);
  if (!step) throw new Error(`Unknown step ${id}`);
  return step;
}

/** The id of the DOM element that holds the current view, for aria-controls. */
export const VIEW_PANEL_ID = 'view-panel';

export function navTabId(id: SectionId): string {
  return `nav-tab-${id}`;
}
