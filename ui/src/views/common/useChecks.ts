// Folds a diagnosis's live events (planned, started, finished, waiting) into one row per
// check; a running check shows the latest countdown while the endpoint keeps it waiting.
import { useCallback, useState } from 'react';
import type { CheckResult, DiagnoseProgress } from '../../ipc';

export type CheckRow =
  | { id: string; title: string; state: 'pending' | 'running'; waiting?: string }
  | { id: string; title: string; state: 'finished'; result: CheckResult };

export function foldCheck(rows: CheckRow[], event: DiagnoseProgress): CheckRow[] {
  switch (event.event) {
    case 'planned':
      return event.checks.map((check) => ({ id: check.id, title: check.title, state: 'pending' }));
    case 'checkStarted':
      return upsert(rows, { id: event.id, title: event.title, state: 'running' });
    case 'checkFinished':
      return upsert(rows, { id: event.result.id, title: event.result.title, state: 'finished', result: event.result });
    case 'waiting':
      // Entra's first calls go out together, so every running check waits on the same endpoint.
      return rows.map((row) => (row.state === 'running' ? { ...row, waiting: event.reason } : row));
  }
}

function upsert(rows: CheckRow[], row: CheckRow): CheckRow[] {
  const index = rows.findIndex((candidate) => candidate.id === row.id);
  if (index < 0) return [...rows, row];
  const next = rows.slice();
  next[index] = row;
  return next;
}

export function useChecks(): {
  rows: CheckRow[];
  onEvent: (event: DiagnoseProgress) => void;
  reset: () => void;
  setFromResults: (results: CheckResult[]) => void;
} {
  const [rows, setRows] = useState<CheckRow[]>([]);
  const onEvent = useCallback((event: DiagnoseProgress) => setRows((current) => foldCheck(current, event)), []);
  const reset = useCallback(() => setRows([]), []);
  const setFromResults = useCallback(
    (results: CheckResult[]) =>
      setRows(results.map((result) => ({ id: result.id, title: result.title, state: 'finished', result }))),
    [],
  );
  return { rows, onEvent, reset, setFromResults };
}
