// JournalView values for component tests: an empty journal, with the parts a test needs.
import type { JournalView, StepId as StepIdOfEngine } from '../ipc';

type Parts = {
  done?: StepIdOfEngine[];
  unity?: Partial<JournalView['journal']['unity']>;
  entra?: Partial<JournalView['journal']['entra']>;
  resumeAt?: JournalView['resumeAt'];
  steps?: Partial<JournalView['steps']>;
};

export function journalFixture(parts: Parts = {}): JournalView {
  return {
    resumeAt: parts.resumeAt ?? null,
    steps: { unity: 'notStarted', connector: 'notStarted', entra: 'notStarted', provision: 'notStarted', ...parts.steps },
    tokenStoredIn: 'memory (this run only)',
    journal: {
      version: 1,
      profileName: 'sandbox',
      graphBase: 'http://127.0.0.1:41001/v1.0',
      unityApi: 'http://127.0.0.1:41002',
      unity: { validatedDomains: [], ...parts.unity },
      entra: { appCreatedByUs: false, ...parts.entra },
      intents: [],
      stepsDone: Object.fromEntries((parts.done ?? []).map((id) => [id, '2026-11-28T22:00:00Z'])),
      updatedAt: null,
    },
  };
}
