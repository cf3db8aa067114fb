// Step 4: who is assigned to the app, a picker over the directory to choose more, then
// provisioning on demand with a live timeline per person, a summary, and Cancel.
import {
  Body1,
  Button,
  Caption1,
  makeStyles,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  tokens,
} from '@fluentui/react-components';
import { ArrowClockwiseRegular } from '@fluentui/react-icons';
import { useCallback, useEffect, useState, type ReactElement } from 'react';
import { useWizardData } from '../../frame/journal';
import type { SectionId } from '../../frame/sections';
import {
  assignPrincipals,
  listAssigned,
  newOperationId,
  provisionNow,
  toProblem,
  type AppRoleAssignment,
  type AssignmentOutcome,
  type DirectoryEntry,
  type OnDemandSubject,
  type Problem,
  type ProvisionOnDemandOutcome,
  type WizardProgress,
} from '../../ipc';
import { Panel } from '../common/Panel';
import { ProblemBar } from '../common/ProblemBar';
import { ProgressNotes } from '../common/ProgressNotes';
import { StepView } from '../common/StepView';
import { SuccessBar } from '../common/SuccessBar';
import { useOperation } from '../common/useOperation';
import { DirectoryPicker } from './DirectoryPicker';
import { tally, Timeline } from './Timeline';

const useStyles = makeStyles({
  row: { display: 'flex', alignItems: 'center', flexWrap: 'wrap', columnGap: tokens.spacingHorizontalM, rowGap: tokens.spacingVerticalS },
  list: { margin: 0, paddingInlineStart: tokens.spacingHorizontalXL, maxHeight: '160px', overflowY: 'auto' },
  timelines: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalS },
  muted: { color: tokens.colorNeutralForeground3 },
});

export interface ProvisionStepViewProps {
  onNavigate: (section: SectionId) => void;
}

function subjectOf(entry: DirectoryEntry): OnDemandSubject {
  return { objectId: entry.id, kind: entry.kind, label: entry.kind === 'user' && entry.detail ? entry.detail : entry.displayName, members: [] };
}

export function ProvisionStepView({ onNavigate }: ProvisionStepViewProps): ReactElement {
  const styles = useStyles();
  const { journal, refreshJournal } = useWizardData();
  const ready = Boolean(journal?.journal.entra.jobId);
  const [assigned, setAssigned] = useState<AppRoleAssignment[] | undefined>();
  const [assignedProblem, setAssignedProblem] = useState<Problem | undefined>();
  const [chosen, setChosen] = useState<DirectoryEntry[]>([]);
  const [events, setEvents] = useState<WizardProgress[]>([]);
  const [outcomes, setOutcomes] = useState<ProvisionOnDemandOutcome[]>([]);
  const assign = useOperation<AssignmentOutcome[]>('Assigning to the app');
  const provision = useOperation<ProvisionOnDemandOutcome[]>('Provisioning on demand');

  const loadAssigned = useCallback(async () => {
    try {
      setAssigned(await listAssigned(newOperationId('assigned')));
      setAssignedProblem(undefined);
    } catch (error) {
      setAssignedProblem(toProblem(error, 'Listing who is assigned to the app'));
    }
  }, []);

  useEffect(() => {
    if (!ready) return;
    const timer = window.setTimeout(() => void loadAssigned(), 0);
    return () => window.clearTimeout(timer);
  }, [ready, loadAssigned]);

  const doAssign = async () => {
    if (await assign.run((id) => assignPrincipals(id, chosen.map(subjectOf)))) {
      await loadAssigned();
      await refreshJournal();
    }
  };

  const doProvision = async () => {
    setEvents([]);
    setOutcomes([]);
    const done = await provision.run((id) =>
      provisionNow(id, chosen.map(subjectOf), (event) => {
        if (event.type === 'userProvisioned') setOutcomes((current) => [...current, event.outcome]);
        else setEvents((current) => [...current, event]);
      }),
    );
    if (done) {
      setOutcomes(done);
      await loadAssigned();
      await refreshJournal();
    }
  };

  const summary = tally(outcomes);
  const finished = provision.state.status === 'done' || provision.state.status === 'failed';

  return (
    <StepView
      step="provision"
      onNavigate={onNavigate}
      summary={
        <>
          Entra provisions only the people assigned to the app. Choose a few, assign them, and
          provision them right now instead of waiting for the next cycle: you see each step Entra
          takes, and why a person was skipped or failed.
        </>
      }
    >
      {!ready && (
        <MessageBar intent="info">
          <MessageBarBody>Do step 3 first: provisioning on demand needs the app’s provisioning job.</MessageBarBody>
        </MessageBar>
      )}
      <Panel title="Assigned to the app" testId="assigned-panel">
        {assigned === undefined && ready && !assignedProblem && <Spinner size="tiny" label="Reading the assignments…" />}
        {assigned && assigned.length === 0 && <Body1>Nobody is assigned yet.</Body1>}
        {assigned && assigned.length > 0 && (
          <>
            <Caption1 className={styles.muted}>{assigned.length} assigned</Caption1>
            <ul className={styles.list} data-testid="assigned-list">
              {assigned.map((assignment) => (
                <li key={assignment.id}>
                  {assignment.principalDisplayName ?? assignment.principalId}{' '}
                  <Caption1 className={styles.muted}>({assignment.principalType ?? 'principal'})</Caption1>
                </li>
              ))}
            </ul>
          </>
        )}
        {assignedProblem && <ProblemBar problem={assignedProblem} testId="assigned-problem" />}
        <div>
          <Button icon={<ArrowClockwiseRegular />} disabled={!ready} onClick={() => void loadAssigned()}>
            Refresh
          </Button>
        </div>
      </Panel>
      <Panel title="Choose people" intro="Search the directory, select users or groups (a group brings up to 50 of its members).">
        {ready ? <DirectoryPicker selected={chosen} onChange={setChosen} /> : <Body1>Available after step 3.</Body1>}
        <div className={styles.row}>
          <Button disabled={!chosen.length || assign.running || provision.running} onClick={() => void doAssign()} data-testid="provision-assign">
            Assign to the app
          </Button>
          <Button appearance="primary" disabled={!chosen.length || provision.running} onClick={() => void doProvision()} data-testid="provision-run">
            Provision on demand
          </Button>
          {provision.running && (
            <Button onClick={provision.cancel} data-testid="provision-cancel">
              Cancel
            </Button>
          )}
        </div>
        {assign.result && (
          <SuccessBar title="Assigned" testId="assign-result">
            {assign.result.filter((a) => a.created).length} newly assigned, {assign.result.filter((a) => !a.created).length} already assigned.
          </SuccessBar>
        )}
        {assign.problem && <ProblemBar problem={assign.problem} />}
      </Panel>
      {(provision.running || outcomes.length > 0 || provision.problem) && (
        <Panel title="Provisioning on demand" testId="provision-results">
          <ProgressNotes events={events} running={provision.running} label="Provisioning progress" />
          {finished && outcomes.length > 0 && (
            <MessageBar
              intent={summary.failed.length ? 'error' : summary.skipped.length ? 'warning' : 'success'}
              layout="multiline"
              data-testid="provision-summary"
            >
              <MessageBarBody>
                <MessageBarTitle>
                  {summary.created} created, {summary.updated} updated, {summary.inSync} already in sync, {summary.skipped.length} skipped,{' '}
                  {summary.failed.length} failed
                </MessageBarTitle>
                {summary.skipped.map((outcome, index) => (
                  <div key={`s${index}`}>
                    Skipped {outcome.subject.label}: {outcome.cause}
                  </div>
                ))}
                {summary.failed.map((outcome, index) => (
                  <div key={`f${index}`}>
                    Failed {outcome.subject.label}: {outcome.cause} {outcome.fix && <strong>Fix: {outcome.fix}</strong>}
                  </div>
                ))}
              </MessageBarBody>
            </MessageBar>
          )}
          <div className={styles.timelines}>
            {outcomes.map((outcome, index) => (
              <Timeline key={index} outcome={outcome} index={index} />
            ))}
          </div>
          {provision.problem && <ProblemBar problem={provision.problem} />}
        </Panel>
      )}
    </StepView>
  );
}
