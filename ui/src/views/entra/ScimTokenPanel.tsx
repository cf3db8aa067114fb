// The SCIM token Entra uses: its last four characters, its age and when it was last checked,
// and "Rotate token" without downtime. On the API road the app mints the new token itself; on
// the guided road the admin pastes one from the Dashboard. Either way the engine has Unity
// and Entra accept the new token before the old one goes, and a failure keeps the old one.
import { Body1, Field, Input, makeStyles, tokens } from '@fluentui/react-components';
import { ArrowSyncRegular } from '@fluentui/react-icons';
import { useCallback, useEffect, useState, type ReactElement } from 'react';
import { useWizardData } from '../../frame/journal';
import { rotateScimToken, scimTokenFacts, type RotationOutcome, type TokenFacts } from '../../ipc';
import { ConfirmButton } from '../common/ConfirmButton';
import { formatTime } from '../common/jobTimes';
import { Panel } from '../common/Panel';
import { ProblemBar } from '../common/ProblemBar';
import { ProgressNotes } from '../common/ProgressNotes';
import { SuccessBar } from '../common/SuccessBar';
import { useOperation } from '../common/useOperation';

const useStyles = makeStyles({
  grid: { display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: tokens.spacingHorizontalL, rowGap: tokens.spacingVerticalXS, margin: 0 },
  term: { color: tokens.colorNeutralForeground3 },
  value: { margin: 0 },
  row: { display: 'flex', alignItems: 'flex-end', flexWrap: 'wrap', columnGap: tokens.spacingHorizontalM, rowGap: tokens.spacingVerticalS },
  paste: { minWidth: '22rem' },
});

/** "12 days old, made 18/11/2026, 10:00:00", "Made today, 09:10:00", "Not known". */
export function ageWords(facts: TokenFacts): string {
  const made = facts.createdAt ? formatTime(facts.createdAt) : undefined;
  const days = facts.ageDays;
  if (days === null || days === undefined) return made ? `Made ${made}` : 'Not known';
  if (days < 1) return `Made today${made ? `, ${made}` : ''}`;
  return `${days} day${days === 1 ? '' : 's'} old${made ? `, made ${made}` : ''}`;
}

export function ScimTokenPanel(): ReactElement {
  const styles = useStyles();
  const { refreshJournal } = useWizardData();
  const [facts, setFacts] = useState<TokenFacts | undefined>();
  const [pasted, setPasted] = useState('');
  const rotate = useOperation<RotationOutcome>('Rotating the SCIM token');
  const api = facts?.road === 'api';
  const old = facts?.lastFour ? `…${facts.lastFour}` : 'the old token';

  const loadFacts = useCallback(async () => {
    try {
      setFacts(await scimTokenFacts());
    } catch {
      // Without facts the panel still offers the rotation; nothing to say about it.
    }
  }, []);

  useEffect(() => {
    const timer = window.setTimeout(() => void loadFacts(), 0);
    return () => window.clearTimeout(timer);
  }, [loadFacts]);

  const go = async () => {
    const token = api ? null : pasted.trim();
    if (await rotate.run((id) => rotateScimToken(id, token))) {
      setPasted('');
      await loadFacts();
      await refreshJournal();
    }
  };

  return (
    <Panel
      title="SCIM token"
      testId="token-panel"
      intro="The bearer token Entra sends to Unity. Rotate it regularly, or at once if it may have leaked: the connection keeps working throughout."
    >
      <dl className={styles.grid}>
        <dt className={styles.term}>Token</dt>
        <dd className={styles.value} data-testid="token-last-four">
          {facts ? (facts.lastFour ? `Ends in …${facts.lastFour}` : 'Not known') : 'Reading…'}
          {facts?.road ? ` · ${api ? 'made by this app through Unity’s API' : 'pasted from the Unity Dashboard'}` : ''}
        </dd>
        <dt className={styles.term}>Age</dt>
        <dd className={styles.value} data-testid="token-age">
          {facts ? ageWords(facts) : 'Reading…'}
        </dd>
        <dt className={styles.term}>Last checked</dt>
        <dd className={styles.value} data-testid="token-checked">
          {facts?.lastCheckedAt ? `${formatTime(facts.lastCheckedAt)}, by this app or Entra’s Test Connection` : 'Not yet'}
        </dd>
      </dl>
      <div className={styles.row}>
        {!api && (
          <Field label="New bearer token from the Unity Dashboard" className={styles.paste}>
            <Input type="password" value={pasted} onChange={(_e, data) => setPasted(data.value)} disabled={rotate.running} data-testid="token-paste" />
          </Field>
        )}
        <ConfirmButton
          icon={<ArrowSyncRegular />}
          testId="token-rotate"
          disabled={rotate.running || !facts || (!api && !pasted.trim())}
          title="Rotate the SCIM token?"
          body={
            <>
              {api
                ? 'The app creates a new bearer token for the service account in Unity. '
                : 'The app uses the token you pasted. '}
              Unity must accept it and Entra’s Test Connection must pass with it before it is saved in the job’s settings and
              tested again from there. {api ? `Only then is ${old} revoked.` : `Afterwards, revoke ${old} in the Unity Dashboard.`} If
              any step fails, {old} stays in use and nothing is revoked.
            </>
          }
          confirm="Rotate token"
          onConfirm={() => void go()}
        >
          {api ? 'Rotate token' : 'Rotate to this token'}
        </ConfirmButton>
      </div>
      <ProgressNotes events={[]} running={rotate.running} waiting={rotate.waiting} label="Rotation progress" />
      {rotate.result && (
        <SuccessBar title={`Token rotated: Entra now uses …${rotate.result.newTokenLastFour}`} testId="token-rotated">
          {rotate.result.oldTokenRevoked ? `The old token …${rotate.result.oldTokenLastFour ?? ''} is revoked.` : (rotate.result.followUp ?? '')}
        </SuccessBar>
      )}
      {rotate.problem && (
        <>
          <ProblemBar problem={rotate.problem} testId="token-rotate-problem" />
          <Body1>{old} is still in use; nothing was revoked.</Body1>
        </>
      )}
    </Panel>
  );
}
