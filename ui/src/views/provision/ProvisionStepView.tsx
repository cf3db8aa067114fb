// Step 4: who is assigned to the app (and unassigning), a picker over the directory to choose
// more, then assigning (confirmed: a lasting change) and provisioning on demand with a live
// timeline per person, a summary, and Cancel; this session's earlier runs stay below.
import { Body1, Button, Caption1, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, tokens } from '@fluentui/react-components';
import { useCallback, useEffect, useState, type ReactElement } from 'react';
import { useWizardData } from '../../frame/journal';
import type { SectionId } from '../../frame/sections';
import {
  assignPrincipals,
  listAssigned,
  newOperationId,
  provisionNow,
  toProblem,
  type AssignedPrincipal,
  type AssignmentOutcome,
  type DirectoryEntry,
  type OnDemandSubject,
  type Problem,
  type ProvisionOnDemandOutcome,
  type WizardProgress,
} from '../../ipc';
import { ConfirmButton } from '../common/ConfirmButton';
import { listed } from '../common/listed';
import { PreviewPanel } from '../common/PreviewPanel';
import { Panel } from '../common/Panel';
import { ProblemBar } from '../common/ProblemBar';
import { ProgressNotes } from '../common/ProgressNotes';
import { StepView } from '../common/StepView';
import { SuccessBar } from '../common/SuccessBar';
import { useOperation } from '../common/useOperation';
import { useReveal } from '../common/useReveal';
import { WaitingLine } from '../common/WaitingLine';
import { AssignedList } from './AssignedList';
import { DirectoryPicker } from './DirectoryPicker';
import { tally, Timeline } from './Timeline';

const useStyles = makeStyles({
  row: { display: 'flex', alignItems: 'center', flexWrap: 'wrap', columnGap: tokens.spacingHorizontalM, rowGap: tokens.spacingVerticalS },
  timelines: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalS },
  muted: { color: tokens.colorNeutralForeground3 },
  summaryLine: { cursor: 'pointer', paddingBlock: tokens.spacingVerticalXS },
});

export interface ProvisionStepViewProps {
  onNavigate: (section: SectionId) => void;
}

/** The chosen users whose email domain Unity has not validated (Unity refuses them), by domain. */
function outsideValidatedDomains(chosen: DirectoryEntry[], validated: string[]): Map<string, string[]> {
  const refused = new Map<string, string[]>();
  if (!validated.length) return refused;
  const known = new Set(validated.map((domain) => domain.toLowerCase()));
  for (const entry of chosen.filter((candidate) => candidate.kind === 'user')) {
    const label = subjectOf(entry).label;
    const domain = label.split('@')[1]?.toLowerCase();
    if (domain === undefined || known.has(domain)) continue;
    refused.set(domain, [...(refused.get(domain) ?? []), label]);
  }
  return refused;
}

/** The warning's words for the chosen people Unity will refuse, each domain named, and the
 * Dashboard page (from the engine's catalogue) where a domain is validated. */
function domainWarning(refused: Map<string, string[]>, validated: string[], domainsMenu: string | undefined): string {
  const domains = [...refused.keys()];
  const notValidated = domains.length > 1 ? 'are not validated domains' : 'is not a validated domain';
  return (
    `${listed(domains)} ${notValidated} of the Unity organization (validated: ${validated.join(', ')}), so Unity will refuse ` +
    `${listed([...refused.values()].flat())}. Validate ${listed(domains)} in the Unity Dashboard${domainsMenu ? ` (${domainsMenu})` : ''} first, or ` +
    'choose users of a validated domain.'
  );
}

function subjectOf(entry: DirectoryEntry): OnDemandSubject {
  return {
    objectId: entry.id,
    kind: entry.kind,
    label: entry.kind === 'user' && entry.detail ? entry.detail : entry.displayName,
    members: [],
    memberOf: null,
  };
}

export function ProvisionStepView({ onNavigate }: ProvisionStepViewProps): ReactElement {
  const styles = useStyles();
  const { appInfo, journal, refreshJournal, session, updateSession } = useWizardData();
  // How many of a group's members one press provisions on demand: the engine's cap, from app info.
  const groupMembersOnDemand = appInfo?.maxGroupMembers;
  const ready = Boolean(journal?.journal.entra.jobId);
  const [assigned, setAssigned] = useState<AssignedPrincipal[] | undefined>();
  const [assignedProblem, setAssignedProblem] = useState<Problem | undefined>();
  const [chosen, setChosen] = useState<DirectoryEntry[]>([]);
  const [events, setEvents] = useState<WizardProgress[]>([]);
  const [outcomes, setOutcomes] = useState<ProvisionOnDemandOutcome[]>([]);
  const assign = useOperation<AssignmentOutcome[]>('Assigning to the app');
  const provision = useOperation<ProvisionOnDemandOutcome[]>('Provisioning on demand');
  const reveal = useReveal<HTMLDivElement>(provision.state.status === 'idle' ? undefined : provision.state.status);
  const runs = session.provisionRuns ?? [];

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

  const assignedIds = new Set((assigned ?? []).map((assignment) => assignment.principalId));
  const unassignedChosen = chosen.filter((entry) => !assignedIds.has(entry.id));
  const largeGroups =
    groupMembersOnDemand === undefined
      ? []
      : chosen.filter((entry) => entry.kind === 'group' && (entry.memberCount ?? 0) > groupMembersOnDemand);
  const validatedDomains = journal?.journal.unity.validatedDomains ?? [];
  const refusedByUnity = outsideValidatedDomains(chosen, validatedDomains);

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
      const result = tally(done);
      updateSession({
        provisionFailed: result.failed.length + result.skipped.length > 0,
        provisionRuns: [{ at: new Date(), outcomes: done }, ...runs],
      });
      await loadAssigned();
      await refreshJournal();
    } else {
      updateSession({ provisionFailed: true });
    }
  };

  const finished = provision.state.status === 'done' || provision.state.status === 'failed';
  const earlierRuns = finished && outcomes.length > 0 ? runs.slice(1) : runs;
  const names = (entries: DirectoryEntry[]) => entries.map((entry) => entry.displayName).join(', ');
  // "Assigned: 1 newly assigned" was about the last choice: a new choice takes it away.
  const choose = (next: DirectoryEntry[]) => {
    setChosen(next);
    if (!assign.running) assign.reset();
  };

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
      <Panel
        title="Assigned to the app"
        testId="assigned-panel"
        intro="Entra provisions these users and groups into Unity on every cycle. Unassigning takes them out of scope."
      >
        <AssignedList assigned={assigned} problem={assignedProblem} ready={ready} onRefresh={loadAssigned} />
      </Panel>
      <PreviewPanel enabled={ready} testId="provision-preview" />
      <Panel
        title="Choose people"
        intro={`Search the directory, select users or groups. A group is provisioned member by member${groupMembersOnDemand === undefined ? '' : ` (up to ${groupMembersOnDemand} of them)`}.`}
      >
        {ready ? <DirectoryPicker selected={chosen} onChange={choose} assignedIds={assignedIds} /> : <Body1>Available after step 3.</Body1>}
        {refusedByUnity.size > 0 && (
          <MessageBar intent="warning" layout="multiline" data-testid="provision-domain-warning">
            <MessageBarBody>
              <MessageBarTitle>Not in a validated Unity domain</MessageBarTitle>
              {domainWarning(refusedByUnity, validatedDomains, appInfo?.dashboard.ssoDomainsMenu)}
            </MessageBarBody>
          </MessageBar>
        )}
        {largeGroups.length > 0 && (
          <Caption1 className={styles.muted} data-testid="provision-large-group-note">
            {largeGroups.map((entry) => `${entry.displayName} has ${(entry.memberCount ?? 0).toLocaleString()} members`).join('; ')}: the first{' '}
            {groupMembersOnDemand} are provisioned now, one result each; Entra provisions the rest on its next cycle once the group is assigned.
          </Caption1>
        )}
        {unassignedChosen.length > 0 && (
          <Caption1 className={styles.muted} data-testid="provision-unassigned-note">
            Not assigned to the app yet: {names(unassignedChosen)}. Provisioning assigns them first; they stay assigned until you unassign them.
          </Caption1>
        )}
        <div className={styles.row}>
          <ConfirmButton
            disabled={!unassignedChosen.length || assign.running || provision.running}
            testId="provision-assign"
            title={`Assign ${unassignedChosen.length === 1 ? 'one more' : `${unassignedChosen.length} more`} to the app?`}
            body={
              <>
                {names(unassignedChosen)} will be assigned to the app. Assigning is a lasting change: Entra provisions whoever
                is assigned into Unity on its next cycle and every cycle after, until you unassign them.
              </>
            }
            confirm="Assign"
            onConfirm={() => void doAssign()}
          >
            Assign only
          </ConfirmButton>
          {unassignedChosen.length > 0 ? (
            <ConfirmButton
              appearance="primary"
              disabled={provision.running}
              testId="provision-run"
              title={`Assign ${unassignedChosen.length === 1 ? 'one more' : `${unassignedChosen.length} more`} to the app and provision?`}
              body={
                <>
                  {names(unassignedChosen)} {unassignedChosen.length === 1 ? 'is' : 'are'} not assigned to the app yet. Assigning is a
                  lasting change: Entra keeps provisioning whoever is assigned on every cycle, until you unassign them.
                </>
              }
              confirm="Assign and provision"
              onConfirm={() => void doProvision()}
            >
              Assign and provision
            </ConfirmButton>
          ) : (
            <Button appearance="primary" disabled={!chosen.length || provision.running} onClick={() => void doProvision()} data-testid="provision-run">
              Provision on demand
            </Button>
          )}
          {provision.running && (
            <Button onClick={provision.cancel} data-testid="provision-cancel">
              Cancel
            </Button>
          )}
          {ready && chosen.length === 0 && !provision.running && (
            <Caption1 className={styles.muted} data-testid="provision-choose-first">
              Choose at least one user or group above.
            </Caption1>
          )}
        </div>
        {assign.result && (
          <SuccessBar title="Assigned" testId="assign-result">
            {assign.result.filter((a) => a.created).length} newly assigned, {assign.result.filter((a) => !a.created).length} already assigned.
          </SuccessBar>
        )}
        <WaitingLine waiting={assign.waiting} testId="assign-waiting" />
        {assign.problem && <ProblemBar problem={assign.problem} />}
      </Panel>
      {(provision.running || outcomes.length > 0 || provision.problem) && (
        <Panel title="Provisioning on demand" testId="provision-results">
          <div ref={reveal} className={styles.timelines}>
            {finished && outcomes.length > 0 && <RunSummary outcomes={outcomes} testId="provision-summary" />}
            {provision.problem && <ProblemBar problem={provision.problem} />}
            <ProgressNotes events={events} running={provision.running} label="Provisioning progress" />
            {outcomes.map((outcome, index) => (
              <Timeline key={index} outcome={outcome} index={index} />
            ))}
          </div>
        </Panel>
      )}
      {earlierRuns.length > 0 && (
        <Panel title="Earlier runs in this session" testId="provision-history">
          {earlierRuns.map((run, runIndex) => (
            <details key={run.at.getTime()}>
              <summary className={styles.summaryLine}>
                {run.at.toLocaleTimeString()}: {tallyLine(tally(run.outcomes))}
              </summary>
              <div className={styles.timelines}>
                {run.outcomes.map((outcome, index) => (
                  <Timeline key={`${runIndex}-${index}`} outcome={outcome} index={index} />
                ))}
              </div>
            </details>
          ))}
        </Panel>
      )}
    </StepView>
  );
}

/** "1 created, 0 updated, …": the same words the cards use, counted from the same outcomes. */
export function tallyLine(summary: ReturnType<typeof tally>): string {
  const groups = summary.groups ? `; ${summary.groups} group${summary.groups === 1 ? '' : 's'} in Unity` : '';
  return `${summary.created} created, ${summary.updated} updated, ${summary.inSync} already in sync, ${summary.skipped.length} skipped, ${summary.failed.length} failed${groups}`;
}

function RunSummary({ outcomes, testId }: { outcomes: ProvisionOnDemandOutcome[]; testId: string }): ReactElement {
  const summary = tally(outcomes);
  return (
    <MessageBar
      intent={summary.failed.length ? 'error' : summary.skipped.length ? 'warning' : 'success'}
      layout="multiline"
      data-testid={testId}
    >
      <MessageBarBody>
        <MessageBarTitle>{tallyLine(summary)}</MessageBarTitle>
        {summary.skipped.map((outcome, index) => (
          <div key={`s${index}`}>
            Skipped {outcome.subject.label}: {outcome.cause}
          </div>
        ))}
        {summary.failed.map((outcome, index) => (
          <div key={`f${index}`}>Failed {outcome.subject.label}: see its card below for the cause and the fix.</div>
        ))}
      </MessageBarBody>
    </MessageBar>
  );
}
