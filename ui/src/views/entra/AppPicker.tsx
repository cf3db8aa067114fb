// Choosing the Unity enterprise app: search as you type, pick one, or create a new
// non-gallery app of the typed name when none fits.
import { Body1, Caption1, makeStyles, Radio, RadioGroup, SearchBox, Spinner, tokens, Field } from '@fluentui/react-components';
import { useEffect, useState, type ReactElement, type ReactNode } from 'react';
import { entraSearchApps, newOperationId, toProblem, type Problem, type ServicePrincipal } from '../../ipc';
import { ProblemBar } from '../common/ProblemBar';
import { useDebounced } from '../common/useDebounced';

const useStyles = makeStyles({
  list: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalXXS },
  muted: { color: tokens.colorNeutralForeground3 },
  none: { display: 'flex', alignItems: 'center', flexWrap: 'wrap', columnGap: tokens.spacingHorizontalM, rowGap: tokens.spacingVerticalS },
});

export interface AppPickerProps {
  search: string;
  onSearch: (text: string) => void;
  selected?: string;
  onSelect: (app: ServicePrincipal) => void;
  /** Offered beside "No enterprise app matches": creating one of the searched name. */
  createAction?: (text: string) => ReactNode;
}

export function AppPicker({ search, onSearch, selected, onSelect, createAction }: AppPickerProps): ReactElement {
  const styles = useStyles();
  const text = useDebounced(search.trim(), 300);
  const [apps, setApps] = useState<ServicePrincipal[] | undefined>();
  const [searching, setSearching] = useState(false);
  // A failed search, with the text it was about: shown only while the box still says that.
  const [failed, setFailed] = useState<{ text: string; problem: Problem } | undefined>();
  const problem = failed && failed.text === search.trim() ? failed.problem : undefined;

  useEffect(() => {
    if (!text) return;
    let current = true;
    // Async on purpose: the spinner shows only once the search actually starts.
    const timer = window.setTimeout(() => {
      setSearching(true);
      entraSearchApps(newOperationId('apps'), text).then(
        (found) => {
          if (!current) return;
          setApps(found);
          setFailed(undefined);
          setSearching(false);
        },
        (error: unknown) => {
          if (!current) return;
          setFailed({ text, problem: toProblem(error, 'Searching enterprise apps') });
          setSearching(false);
        },
      );
    }, 0);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [text]);

  return (
    <>
      <Field label="Enterprise app name" hint="The app your people use to sign in to Unity. Type to search.">
        <SearchBox value={search} onChange={(_e, data) => onSearch(data.value)} data-testid="entra-app-search" />
      </Field>
      {searching && <Spinner size="tiny" label="Searching…" />}
      {problem && <ProblemBar problem={problem} testId="app-search-problem" />}
      {apps && apps.length > 0 && (
        <RadioGroup
          aria-label="Matching enterprise apps"
          value={selected ?? ''}
          onChange={(_e, data) => {
            const app = apps.find((candidate) => candidate.id === data.value);
            if (app) onSelect(app);
          }}
          className={styles.list}
          data-testid="entra-app-list"
        >
          {apps.map((app) => (
            <Radio
              key={app.id}
              value={app.id}
              label={
                <span>
                  {app.displayName}{' '}
                  <Caption1 className={styles.muted}>
                    {app.applicationTemplateId ? 'enterprise app' : 'no provisioning template'} · Application ID {app.appId}
                  </Caption1>
                </span>
              }
            />
          ))}
        </RadioGroup>
      )}
      {apps && apps.length === 0 && text && text === search.trim() && !searching && (
        <div className={styles.none}>
          <Body1 data-testid="entra-app-none">No enterprise app matches “{text}”.</Body1>
          {createAction?.(text)}
        </div>
      )}
    </>
  );
}
