// Step 2: the SCIM base connector URL Entra calls, with a copy button, and a Test that
// replays Entra's Test Connection query (and the calls after it) from this computer.
import { Body1, Button, Field, Input, makeStyles, tokens } from '@fluentui/react-components';
import { useState, type ReactElement } from 'react';
import { useWizardData } from '../../frame/journal';
import type { SectionId } from '../../frame/sections';
import { connectorResolve, type ConnectorUrlOutcome, type WizardProgress } from '../../ipc';
import { CopyButton } from '../common/CopyButton';
import { Panel } from '../common/Panel';
import { ProblemBar } from '../common/ProblemBar';
import { ProgressNotes } from '../common/ProgressNotes';
import { ReplayResults, useReplay } from '../common/ReplayPanel';
import { StepView } from '../common/StepView';
import { useOperation } from '../common/useOperation';

const useStyles = makeStyles({
  row: { display: 'flex', alignItems: 'flex-end', columnGap: tokens.spacingHorizontalM, flexWrap: 'wrap', rowGap: tokens.spacingVerticalS },
  url: { flexGrow: 1, minWidth: '320px' },
});

export interface ConnectorStepViewProps {
  onNavigate: (section: SectionId) => void;
}

export function ConnectorStepView({ onNavigate }: ConnectorStepViewProps): ReactElement {
  const styles = useStyles();
  const { journal, refreshJournal } = useWizardData();
  const resolve = useOperation<ConnectorUrlOutcome>('Finding the SCIM connector URL');
  const [events, setEvents] = useState<WizardProgress[]>([]);
  const replay = useReplay();
  const unity = journal?.journal.unity;
  const url = resolve.result?.url ?? unity?.scimUrl ?? '';
  const apiRoad = unity?.road === 'api';

  const find = async () => {
    setEvents([]);
    if (await resolve.run((id) => connectorResolve(id, (event) => setEvents((current) => [...current, event])))) {
      await refreshJournal();
    }
  };

  return (
    <StepView
      step="connector"
      onNavigate={onNavigate}
      summary={
        <>
          Entra sends every request to your organization’s SCIM base connector URL. Copy it into
          Entra if you set provisioning up by hand, and test it here the way Entra will call it.
        </>
      }
    >
      <Panel title="Your SCIM base connector URL">
        <div className={styles.row}>
          <Field label="SCIM base connector URL (Entra’s Tenant URL)" className={styles.url}>
            {/* Read-only, and looks it: a filled field with no border to type into. */}
            <Input readOnly appearance="filled-darker" value={url} placeholder="Not known yet" data-testid="connector-url" />
          </Field>
          <CopyButton text={url} label="Copy the connector URL" testId="connector-copy" disabled={!url}>
            Copy
          </CopyButton>
        </div>
        {apiRoad && (
          <div className={styles.row}>
            <Button appearance={url ? 'secondary' : 'primary'} onClick={() => void find()} disabled={resolve.running} data-testid="connector-resolve">
              {url ? 'Fetch it from Unity again' : 'Fetch it from Unity'}
            </Button>
            {resolve.running && <Button onClick={resolve.cancel}>Cancel</Button>}
          </div>
        )}
        {!url && !apiRoad && <Body1>Do step 1 first: the URL comes with the token.</Body1>}
        <ProgressNotes events={events} running={resolve.running} label="Connector URL progress" />
        {resolve.problem && <ProblemBar problem={resolve.problem} />}
      </Panel>
      <Panel
        title="Test it like Entra does"
        intro="Replays, from this computer, the requests Entra’s Test Connection and first cycle make: the URL’s shape, the network, the token, the user and group queries, errors and paging."
      >
        <div>
          <Button appearance="primary" disabled={!url || replay.operation.running} onClick={() => void replay.start()} data-testid="connector-test">
            Test
          </Button>
        </div>
        <ReplayResults replay={replay} testId="connector-checks" />
      </Panel>
    </StepView>
  );
}
