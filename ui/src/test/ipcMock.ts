// The ipc seam with every command replaced by a mock; the pure helpers stay real. Use it as
//   vi.mock('../../ipc', async (original) => (await import('../../test/ipcMock')).mockedIpc(await original()));
const KEEP = new Set(['asProblem', 'toProblem', 'describeIpcError', 'newOperationId', 'NotInAppError']);

export function mockedIpc<T extends Record<string, unknown>>(actual: T): T {
  const mocked: Record<string, unknown> = { ...actual };
  for (const [name, value] of Object.entries(actual)) {
    if (typeof value === 'function' && !KEEP.has(name)) mocked[name] = vi.fn();
  }
  (mocked.cancelOperation as ReturnType<typeof vi.fn>).mockResolvedValue(true);
  // A running command waits for nothing unless a test says so.
  (mocked.operationWaiting as ReturnType<typeof vi.fn>).mockResolvedValue(null);
  // Views start background reads; by default they find nothing.
  (mocked.checkPrerequisites as ReturnType<typeof vi.fn>).mockResolvedValue([]);
  (mocked.entraAccount as ReturnType<typeof vi.fn>).mockResolvedValue(null);
  (mocked.unityAccount as ReturnType<typeof vi.fn>).mockResolvedValue(null);
  (mocked.entraTenant as ReturnType<typeof vi.fn>).mockResolvedValue('organizations');
  (mocked.unityDashboardLinks as ReturnType<typeof vi.fn>).mockResolvedValue(null);
  (mocked.entraSearchApps as ReturnType<typeof vi.fn>).mockResolvedValue([]);
  (mocked.directorySearch as ReturnType<typeof vi.fn>).mockResolvedValue([]);
  (mocked.listAssigned as ReturnType<typeof vi.fn>).mockResolvedValue([]);
  (mocked.entraDeletionProtection as ReturnType<typeof vi.fn>).mockResolvedValue({ deleteThreshold: 10, notify: 'admin@contoso.com', skipOutOfScopeDeletions: false });
  (mocked.heldBackDeletions as ReturnType<typeof vi.fn>).mockResolvedValue({ held: false, users: [] });
  (mocked.scimTokenFacts as ReturnType<typeof vi.fn>).mockResolvedValue({});
  return mocked as T;
}
