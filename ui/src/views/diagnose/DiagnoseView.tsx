// Diagnose, for support staff: why does provisioning into Unity not work, and what fixes it.
// Probe a URL and token (or the configured ones) check by check, read the job and its recent
// provisioning logs for a person, and export a redacted report for a ticket.
import {
  Body1,
  Button,
  Checkbox,
  Field,
  Input,
  makeStyles,
  Radio,
  RadioGroup,
  tokens,
} from '@fluentui/react-components';
import { useState, type ReactElement } from 'react';
import { useWizardData } from '../../frame/journal';
import {
  diagnoseJob,
  exportReport,
  openReportsFolder,
  runDiagnosis,
  saveReportAs,
  searchProvisioningLogs,
  type DiagnoseReport,
  type ExportedReport,
} from '../../ipc';
import { CheckList } from '../common/CheckList';
import { CopyButton } from '../common/CopyButton';
import { JobCard } from '../common/JobCard';
import { Panel } from '../common/Panel';
import { ProblemBar } from '../common/ProblemBar';
import { ReplayVerdict } from '../common/ReplayPanel';
import { SuccessBar } from '../common/SuccessBar';
import { useChecks } from '../common/useChecks';
import { useOperation } from '../common/useOperation';
import { useReveal } from '../common/useReveal';
import { ViewPage } from '../common/ViewPage';
import { LogSearch } from './LogSearch';

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM },
  row: { display: 'flex', alignItems: 'flex-end', flexWrap: 'wrap', columnGap: tokens.spacingHorizontalM, rowGap: tokens.spacingVerticalS },
  grow: { flexGrow: 1, minWidth: '280px' },
  results: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalS },
  path: { fontFamily: tokens.fontFamilyMonospace, overflowWrap: 'anywhere' },
  hint: { color: tokens.colorNeutralForeground3, alignSelf: 'center' },
});

type Source = 'pasted' | 'configured';

export function DiagnoseView(): ReactElement {
  const styles = useStyles();
  const { journal } = useWizardData();
  // Once steps 1 and 2 gave the app a URL and a token, those are what an admin means to check:
  // start there, rather than with two empty fields and a disabled button.
  const unity = journal?.journal.unity;
  const configured = Boolean(unity?.scimUrl && unity.tokenLastFour);
  const [picked, setSource] = useState<Source | undefined>();
  const source: Source = picked ?? (configured ? 'configured' : 'pasted');
  const [url, setUrl] = useState('');
  const [token, setToken] = useState('');
  const [writeChecks, setWriteChecks] = useState(false);
  const checks = useChecks();
  const run = useOperation<DiagnoseReport>('Diagnosing the SCIM endpoint');
  const [showJob, setShowJob] = useState(false);
  const exported = useOperation<ExportedReport>('Exporting the report');
  const savedAs = useOperation<string | null>('Saving the report');
  const folder = useOperation<string>('Opening the reports folder');
  // One answer about the report at a time: a new click clears what the last one said.
  const report = (work: () => Promise<unknown>) => {
    for (const operation of [exported, savedAs, folder]) if (!operation.running) operation.reset();
    void work();
  };

  const reveal = useReveal<HTMLDivElement>(run.result ?? run.problem);
  // Results belong to the target they were about: changing the target clears them.
  const changeTarget = (change: () => void) => {
    change();
    if (!run.running) {
      run.reset();
      checks.reset();
    }
  };

  const start = async () => {
    checks.reset();
    const target = source === 'configured' ? ({ source: 'configured' } as const) : ({ source: 'pasted', url, token } as const);
    await run.run((id) => runDiagnosis(id, target, writeChecks, checks.onEvent));
  };

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
      <Panel title="Endpoint checks">
        <form
          className={styles.form}
          onSubmit={(event) => {
            event.preventDefault();
            void start();
          }}
        >
          <RadioGroup value={source} onChange={(_e, data) => changeTarget(() => setSource(data.value as Source))} layout="horizontal" aria-label="What to diagnose">
            <Radio value="pasted" label="A URL and token" data-testid="diagnose-source-pasted" />
            <Radio value="configured" label="The configured app (steps 1–3)" data-testid="diagnose-source-configured" />
          </RadioGroup>
          {source === 'pasted' && (
            <div className={styles.row}>
              <Field label="SCIM base URL (Entra’s Tenant URL)" required className={styles.grow}>
                <Input value={url} onChange={(_e, data) => changeTarget(() => setUrl(data.value))} data-testid="diagnose-url" />
              </Field>
              <Field label="Bearer token (Entra’s Secret Token)" required className={styles.grow}>
                <Input type="password" autoComplete="off" value={token} onChange={(_e, data) => changeTarget(() => setToken(data.value))} data-testid="diagnose-token" />
              </Field>
            </div>
          )}
          <Checkbox
            checked={writeChecks}
            onChange={(_e, data) => changeTarget(() => setWriteChecks(Boolean(data.checked)))}
            label="Also create, change and delete a test user and group (always cleaned up)"
          />
          <div className={styles.row}>
            <Button
              type="submit"
              appearance="primary"
              disabled={run.running || (source === 'pasted' && (!url.trim() || !token.trim()))}
              data-testid="diagnose-run"
            >
              Run the checks
            </Button>
            {run.running && (
              <Button onClick={run.cancel} data-testid="diagnose-cancel">
                Cancel
              </Button>
            )}
            {!run.running && source === 'pasted' && (!url.trim() || !token.trim()) && (
              <Body1 className={styles.hint} data-testid="diagnose-run-hint">
                Fill in the URL and the token to run the checks.
              </Body1>
            )}
          </div>
        </form>
        <div ref={reveal} className={styles.results}>
          {run.problem && <ProblemBar problem={run.problem} />}
          {run.result && checks.rows.length === 0 && <ReplayVerdict report={run.result} testId="diagnose" />}
          {checks.rows.length > 0 && (
            <CheckList
              rows={checks.rows}
              label="Diagnosis checks"
              testId="diagnose-checklist"
              verdict={run.result ? <ReplayVerdict report={run.result} testId="diagnose" /> : undefined}
            />
          )}
        </div>
      </Panel>

      <Panel title="The provisioning job and its logs" intro="For the app set up in step 3: its state and quarantine, and what Entra logged, by person, time and status.">
        {showJob ? (
          <JobCard load={diagnoseJob} refreshEvery={0} />
        ) : (
          <div>
            <Button onClick={() => setShowJob(true)} data-testid="diagnose-read-job">
              Read the job
            </Button>
          </div>
        )}
        <LogSearch load={searchProvisioningLogs} />
      </Panel>

      <Panel title="Report for a ticket" intro="HTML for people and JSON for tickets, with the app version, profile, timings and request ids. Tokens appear only as their last four characters.">
        <div className={styles.row}>
          <Button onClick={() => report(() => exported.run(() => exportReport()))} disabled={exported.running} data-testid="diagnose-export">
            Export the report
          </Button>
          <Button onClick={() => report(() => savedAs.run(() => saveReportAs()))} disabled={savedAs.running} data-testid="diagnose-save-as">
            Save as…
          </Button>
          <Button onClick={() => report(() => folder.run(() => openReportsFolder()))} disabled={folder.running} data-testid="diagnose-open-folder">
            Open the reports folder
          </Button>
        </div>
        {exported.result && (
          <SuccessBar title="Report written" testId="diagnose-export-paths">
            <div className={styles.path}>{exported.result.htmlPath}</div>
            <div className={styles.path}>{exported.result.jsonPath}</div>
            <CopyButton text={exported.result.jsonPath} label="Copy the JSON report’s path" size="small">
              Copy path
            </CopyButton>
          </SuccessBar>
        )}
        {savedAs.result && (
          <SuccessBar title="Report saved" testId="diagnose-saved-path">
            <div className={styles.path}>{savedAs.result}</div>
          </SuccessBar>
        )}
        {[exported, savedAs, folder].map(
          (operation, index) => operation.problem && <ProblemBar key={index} problem={operation.problem} testId="export-problem" />,
        )}
      </Panel>
    </ViewPage>
  );
}
