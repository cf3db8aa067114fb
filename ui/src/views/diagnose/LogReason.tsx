// A provisioning log entry's reason: in Unity's terms when the engine recognised the SCIM
// error Entra quoted (cause and fix), with Entra's raw text behind a disclosure.
import type { ReactElement } from 'react';
import type { ProvisioningLogEntry } from '../../ipc';

export function LogReason({ entry }: { entry: ProvisioningLogEntry }): ReactElement {
  const raw = [entry.errorCode, entry.reason].filter(Boolean).join(': ');
  if (!entry.unity) return <>{raw}</>;
  return (
    <>
      <span data-testid="log-unity-cause">{entry.unity.cause}</span> {entry.unity.fix}
      {raw && (
        <details>
          <summary>Entra’s message</summary>
          {raw}
        </details>
      )}
    </>
  );
}
