// A provisioning log entry's reason: in Unity's terms when the engine recognised the SCIM
// error Entra quoted (the cause, then the fix on its own line, as a step 4 card says them),
// with Entra's raw text behind a disclosure.
import type { ReactElement } from 'react';
import type { ProvisioningLogEntry } from '../../ipc';

export function LogReason({ entry }: { entry: ProvisioningLogEntry }): ReactElement {
  const raw = [entry.errorCode, entry.reason].filter(Boolean).join(': ');
  if (!entry.unity) return <>{raw}</>;
  return (
    <>
      <div data-testid="log-unity-cause">{entry.unity.cause}</div>
      <div data-testid="log-unity-fix">
        <strong>Fix:</strong> {entry.unity.fix}
      </div>
      {raw && (
        <details data-testid="log-entra-message">
          <summary>Entra’s message</summary>
          {raw}
        </details>
      )}
    </>
  );
}
