// Diagnose, for support staff: why does provisioning into Unity not work, and what fixes it.
import type { ReactElement } from 'react';
import { BeingBuiltNotice } from '../common/BeingBuiltNotice';
import { ViewPage } from '../common/ViewPage';

export function DiagnoseView(): ReactElement {
  return (
    <ViewPage
      id="diagnose"
      eyebrow="Support"
      title="Diagnose a connection"
      summary={
        <>
          Probe a SCIM endpoint from this computer the way Entra calls it, and read the
          provisioning job’s state, quarantine reason and recent logs. Each failure comes with its
          cause and fix, and a redacted report (no secrets) can be attached to a ticket.
        </>
      }
    >
      <BeingBuiltNotice title="Diagnose is being built">
        Coming next: a URL and token or the configured app, the check list with live results, the
        job’s recent provisioning log for a person, and the report export (HTML for people, JSON
        for tickets).
      </BeingBuiltNotice>
    </ViewPage>
  );
}
