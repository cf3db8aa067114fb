// Protection against mass deletion, shown before Start: the accidental-deletion threshold,
// who Entra e-mails, and whether users leaving scope keep their Unity account. The values come
// from the engine (chosen before, or suggested: 5 % of those in scope or at least 10, the
// signed-in admin told) and go back with Save and start, which writes them to the job.
import { Checkbox, Field, Input, makeStyles, tokens } from '@fluentui/react-components';
import type { ReactElement } from 'react';
import type { DeletionProtection } from '../../ipc';

const useStyles = makeStyles({
  fields: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM, maxWidth: '40rem' },
  threshold: { maxWidth: '12rem' },
});

/** What the form holds: the threshold as typed, so a half-typed number can be said to be wrong. */
export interface DeletionProtectionDraft {
  threshold: string;
  notify: string;
  skipOutOfScopeDeletions: boolean;
}

export function draftOf(protection: DeletionProtection): DeletionProtectionDraft {
  return {
    threshold: String(protection.deleteThreshold),
    notify: protection.notify,
    skipOutOfScopeDeletions: protection.skipOutOfScopeDeletions,
  };
}

/** The threshold as a whole number from 0, or undefined when what was typed is not one. */
export function thresholdOf(draft: DeletionProtectionDraft): number | undefined {
  const text = draft.threshold.trim();
  if (!/^\d{1,9}$/.test(text)) return undefined;
  return Number(text);
}

export interface DeletionProtectionFieldsProps {
  draft: DeletionProtectionDraft;
  onChange: (draft: DeletionProtectionDraft) => void;
  disabled?: boolean;
}

export function DeletionProtectionFields({ draft, onChange, disabled }: DeletionProtectionFieldsProps): ReactElement {
  const styles = useStyles();
  const threshold = thresholdOf(draft);
  return (
    <div className={styles.fields} data-testid="deletion-protection">
      <Field
        label="Accidental deletion threshold"
        validationState={threshold === undefined ? 'error' : 'none'}
        validationMessage={threshold === undefined ? 'A whole number of users, 0 or more.' : undefined}
        hint={threshold === 0 ? 'Off: Entra deletes any number in one cycle.' : 'Users per cycle. Suggested: 5 % of those in scope, at least 10.'}
      >
        <Input
          className={styles.threshold}
          inputMode="numeric"
          value={draft.threshold}
          disabled={disabled}
          onChange={(_e, data) => onChange({ ...draft, threshold: data.value })}
          data-testid="deletion-threshold"
        />
      </Field>
      <Field
        label="Notification e-mail"
        hint="Entra writes here when the job goes into quarantine or holds deletions back. Separate several addresses with semicolons."
      >
        <Input
          type="email"
          value={draft.notify}
          disabled={disabled}
          onChange={(_e, data) => onChange({ ...draft, notify: data.value })}
          data-testid="deletion-notify"
        />
      </Field>
      <Field>
        <Checkbox
          checked={draft.skipOutOfScopeDeletions}
          disabled={disabled}
          onChange={(_e, data) => onChange({ ...draft, skipOutOfScopeDeletions: data.checked === true })}
          label="Skip out-of-scope deletions: people who are unassigned (or leave an assigned group) keep their Unity account; only people disabled or deleted in Entra are removed"
          data-testid="deletion-skip-out-of-scope"
        />
      </Field>
    </div>
  );
}
