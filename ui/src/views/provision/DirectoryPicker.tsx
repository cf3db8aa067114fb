// The directory picker: search users and groups as you type (debounced), move with the
// keyboard (from the search box too), select several, see the choice as removable tags. Who is
// already assigned to the app is marked, so assigning stays a choice the admin sees, and each
// group says how many members it has, so choosing it says how many people that means.
import {
  Badge,
  Body1,
  Caption1,
  Field,
  makeStyles,
  mergeClasses,
  SearchBox,
  Spinner,
  Tag,
  TagGroup,
  tokens,
} from '@fluentui/react-components';
import { CheckboxCheckedRegular, CheckboxUncheckedRegular, PeopleRegular, PersonRegular } from '@fluentui/react-icons';
import { useEffect, useRef, useState, type ReactElement } from 'react';
import { directorySearch, newOperationId, toProblem, type DirectoryEntry, type Problem } from '../../ipc';
import { ProblemBar } from '../common/ProblemBar';
import { useDebounced } from '../common/useDebounced';
import { useReveal } from '../common/useReveal';
import { VirtualList, type VirtualListHandle } from './VirtualList';

const ROW_HEIGHT = 44;

const useStyles = makeStyles({
  row: {
    display: 'grid',
    gridTemplateColumns: '20px 20px minmax(0, 1fr) auto',
    columnGap: tokens.spacingHorizontalS,
    alignItems: 'center',
    height: '100%',
    paddingInline: tokens.spacingHorizontalM,
    cursor: 'pointer',
    ':hover': { backgroundColor: tokens.colorNeutralBackground1Hover },
  },
  active: {
    backgroundColor: tokens.colorNeutralBackground1Selected,
    boxShadow: `inset 3px 0 0 ${tokens.colorBrandStroke1}`,
  },
  text: { display: 'flex', flexDirection: 'column', minWidth: 0 },
  ellipsis: { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  muted: { color: tokens.colorNeutralForeground3 },
  checked: { color: tokens.colorBrandForeground1 },
  results: { display: 'flex', flexDirection: 'column', rowGap: tokens.spacingVerticalM, scrollMarginBlock: tokens.spacingVerticalXXL },
});

/** The row's second line: the UPN of a user; the mail (or "Group") and member count of a group. */
export function entryDetail(entry: DirectoryEntry): string {
  if (entry.kind !== 'group' || entry.memberCount === null || entry.memberCount === undefined) return entry.detail;
  const count = entry.memberCount;
  return `${entry.detail} · ${count.toLocaleString()} member${count === 1 ? '' : 's'}`;
}

export interface DirectoryPickerProps {
  selected: DirectoryEntry[];
  onChange: (selected: DirectoryEntry[]) => void;
  /** How many of each (users, groups) to fetch per search. */
  top?: number;
  /** Object ids of the users and groups already assigned to the app. */
  assignedIds?: ReadonlySet<string>;
}

export function DirectoryPicker({ selected, onChange, top = 999, assignedIds }: DirectoryPickerProps): ReactElement {
  const styles = useStyles();
  const list = useRef<VirtualListHandle>(null);
  const [search, setSearch] = useState('');
  const text = useDebounced(search.trim(), 300);
  const [results, setResults] = useState<DirectoryEntry[]>([]);
  const [searching, setSearching] = useState(false);
  const [problem, setProblem] = useState<Problem | undefined>();
  // The search box sits low on step 4's page: each search's answer is scrolled into view, so
  // the rows the arrow keys move through are on screen, not below the fold.
  const reveal = useReveal<HTMLDivElement>(results.length ? results : undefined);

  useEffect(() => {
    if (!text) return;
    let current = true;
    const timer = window.setTimeout(() => {
      setSearching(true);
      directorySearch(newOperationId('directory'), text, top).then(
        (found) => {
          if (!current) return;
          setResults(found);
          setProblem(undefined);
          setSearching(false);
        },
        (error: unknown) => {
          if (!current) return;
          setProblem(toProblem(error, 'Searching the directory'));
          setSearching(false);
        },
      );
    }, 0);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [text, top]);

  const selectedIds = new Set(selected.map((entry) => entry.id));
  const toggle = (entry: DirectoryEntry) =>
    onChange(selectedIds.has(entry.id) ? selected.filter((other) => other.id !== entry.id) : [...selected, entry]);

  return (
    <>
      <Field
        label="Search users and groups"
        hint="Name, user principal name or e-mail. Arrow keys move through the results, Enter selects (Space too, in the list)."
      >
        <SearchBox
          value={search}
          onChange={(_e, data) => setSearch(data.value)}
          onKeyDown={(event) => {
            list.current?.handleKey(event);
          }}
          aria-controls={results.length ? 'picker-results' : undefined}
          data-testid="picker-search"
        />
      </Field>
      {searching && <Spinner size="tiny" label="Searching…" />}
      {problem && <ProblemBar problem={problem} testId="picker-problem" />}
      {text && !searching && results.length === 0 && !problem && <Body1>Nobody matches “{text}”.</Body1>}
      {results.length > 0 && (
        <div ref={reveal} className={styles.results}>
          <Caption1 className={styles.muted} data-testid="picker-count">
            {results.length.toLocaleString()} found
          </Caption1>
          <VirtualList
            items={results}
            rowHeight={ROW_HEIGHT}
            height={Math.min(6, results.length) * ROW_HEIGHT + 2}
            label="Search results"
            idOf={(entry) => `${entry.kind}-${entry.id}`}
            isSelected={(entry) => selectedIds.has(entry.id)}
            onToggle={toggle}
            testId="picker-results"
            handleRef={list}
            renderRow={(entry, state) => (
              <div className={mergeClasses(styles.row, state.active && styles.active)}>
                {state.selected ? (
                  <CheckboxCheckedRegular className={styles.checked} aria-hidden="true" />
                ) : (
                  <CheckboxUncheckedRegular aria-hidden="true" />
                )}
                {entry.kind === 'group' ? <PeopleRegular aria-label="Group" /> : <PersonRegular aria-label="User" />}
                <span className={styles.text}>
                  <Body1 className={styles.ellipsis}>{entry.displayName}</Body1>
                  <Caption1 className={mergeClasses(styles.ellipsis, styles.muted)} data-testid="picker-detail">
                    {entryDetail(entry)}
                  </Caption1>
                </span>
                {assignedIds?.has(entry.id) ? (
                  <Badge appearance="tint" color="informative" data-testid="picker-assigned">
                    Assigned
                  </Badge>
                ) : (
                  <span />
                )}
              </div>
            )}
          />
        </div>
      )}
      {selected.length > 0 && (
        <TagGroup
          aria-label="Chosen users and groups"
          onDismiss={(_e, data) => onChange(selected.filter((entry) => entry.id !== data.value))}
          data-testid="picker-selected"
        >
          {selected.map((entry) => (
            <Tag
              key={entry.id}
              value={entry.id}
              dismissible
              dismissIcon={{ 'aria-label': `Remove ${entry.displayName}` }}
              icon={entry.kind === 'group' ? <PeopleRegular /> : <PersonRegular />}
            >
              {entry.displayName}
            </Tag>
          ))}
        </TagGroup>
      )}
    </>
  );
}
