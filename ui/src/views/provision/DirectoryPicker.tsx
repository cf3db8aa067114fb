// The directory picker: search users and groups as you type, move with the keyboard (from the
// search box too), select several, see the choice as removable tags. Who is already assigned
// to the app is marked, so assigning stays a choice the admin sees, and each group says how
// many members it has, so choosing it says how many people that means.
//
// Each keystroke starts its search at once (no debounce): the rows come one Graph round trip
// after the key. A newer keystroke supersedes the search before it: its answer and events are
// dropped here, and the backend aborts it (wizard::SearchSlot), so it makes no further Graph
// calls. A tenant's Graph throttling then sees two `$search` requests per key of a person
// typing, and the member counts (up to 20 calls) only for the text they paused on. The rows
// are shown as soon as the users and groups are listed; member counts fill in afterwards.
import {
  Badge,
  Caption1,
  Field,
  Body1,
  makeStyles,
  mergeClasses,
  SearchBox,
  Spinner,
  Tag,
  TagGroup,
  tokens,
  typographyStyles,
} from '@fluentui/react-components';
import { CheckboxCheckedRegular, CheckboxUncheckedRegular, PeopleRegular, PersonRegular } from '@fluentui/react-icons';
import { memo, useCallback, useEffect, useMemo, useRef, useState, type ReactElement } from 'react';
import {
  cancelOperation,
  directorySearch,
  newOperationId,
  toProblem,
  type DirectoryEntry,
  type DirectorySearchEvent,
  type Problem,
} from '../../ipc';
import { ProblemBar } from '../common/ProblemBar';
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
  // Plain spans with Fluent's type ramp: a row is on screen for every search, and Fluent's
  // Text components cost more to mount than the spans they render.
  name: { ...typographyStyles.body1 },
  detail: { ...typographyStyles.caption1 },
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

/** One search's rows, with the member counts that have come in so far. */
interface Answer {
  text: string;
  entries: DirectoryEntry[];
  counts: ReadonlyMap<string, number>;
}

/** The search in flight (the newest one): anything from an older search is dropped. */
interface Pending {
  operationId: string;
  text: string;
}

const NO_ANSWER: Answer = { text: '', entries: [], counts: new Map() };

export function DirectoryPicker({ selected, onChange, top = 999, assignedIds }: DirectoryPickerProps): ReactElement {
  const styles = useStyles();
  const list = useRef<VirtualListHandle>(null);
  const [search, setSearch] = useState('');
  const [answer, setAnswer] = useState<Answer>(NO_ANSWER);
  const [pending, setPending] = useState<Pending | undefined>();
  const [problem, setProblem] = useState<Problem | undefined>();
  // The newest search, read by the answers as they come back to tell stale from current.
  const latest = useRef<Pending | undefined>(undefined);
  const results = answer.entries;
  // The search box sits low on step 4's page: each search's answer is scrolled into view, so
  // the rows the arrow keys move through are on screen, not below the fold.
  const reveal = useReveal<HTMLDivElement>(results.length ? results : undefined);

  // Leaving the step stops the search still running (its Graph calls with it).
  useEffect(
    () => () => {
      if (latest.current) void cancelOperation(latest.current.operationId);
    },
    [],
  );

  // Started from the keystroke itself, not from an effect after the render it causes.
  const searchFor = (value: string) => {
    const text = value.trim();
    if (text === (latest.current?.text ?? '')) return;
    const older = latest.current;
    if (!text) {
      // An empty box searches nothing: the last rows stay, the search in flight stops.
      latest.current = undefined;
      setPending(undefined);
      if (older) void cancelOperation(older.operationId);
      return;
    }
    const mine: Pending = { operationId: newOperationId('directory'), text };
    latest.current = mine;
    setPending(mine);
    const isCurrent = () => latest.current === mine;
    let shown = false;
    const onEvent = (event: DirectorySearchEvent) => {
      if (!isCurrent()) return;
      if (event.type === 'found') {
        shown = true;
        setAnswer({ text, entries: event.entries, counts: new Map() });
        setProblem(undefined);
        setPending(undefined);
      } else {
        setAnswer((current) => ({ ...current, counts: new Map(current.counts).set(event.groupId, event.memberCount) }));
      }
    };
    directorySearch(mine.operationId, text, top, onEvent).then(
      (entries) => {
        if (!isCurrent()) return;
        const counts = new Map<string, number>();
        for (const entry of entries) if (entry.memberCount != null) counts.set(entry.id, entry.memberCount);
        // The answer carries every count; its rows are already on screen unless the answer
        // overtook the "found" event, and keeping that array keeps the list where it is.
        setAnswer((current) => (shown ? { ...current, counts } : { text, entries, counts }));
        setProblem(undefined);
        setPending(undefined);
      },
      (error: unknown) => {
        if (!isCurrent()) return;
        setProblem(toProblem(error, 'Searching the directory'));
        setPending(undefined);
      },
    );
  };

  const selectedIds = useMemo(() => new Set(selected.map((entry) => entry.id)), [selected]);
  const toggle = useCallback(
    (entry: DirectoryEntry) =>
      onChange(selectedIds.has(entry.id) ? selected.filter((other) => other.id !== entry.id) : [...selected, entry]),
    [onChange, selected, selectedIds],
  );
  const isSelected = useCallback((entry: DirectoryEntry) => selectedIds.has(entry.id), [selectedIds]);
  const { counts } = answer;
  const renderRow = useCallback(
    (entry: DirectoryEntry, state: { active: boolean; selected: boolean }) => (
      <PickerRow
        entry={entry}
        memberCount={counts.get(entry.id) ?? entry.memberCount ?? undefined}
        active={state.active}
        selected={state.selected}
        assigned={assignedIds?.has(entry.id) ?? false}
      />
    ),
    [counts, assignedIds],
  );
  const searching = pending !== undefined;
  const text = search.trim();

  return (
    <>
      <Field
        label="Search users and groups"
        hint="Name, user principal name or e-mail. Arrow keys move through the results, Enter selects (Space too, in the list)."
      >
        <SearchBox
          value={search}
          onChange={(_e, data) => {
            setSearch(data.value);
            searchFor(data.value);
          }}
          onKeyDown={(event) => {
            list.current?.handleKey(event);
          }}
          aria-controls={results.length ? 'picker-results' : undefined}
          data-testid="picker-search"
        />
      </Field>
      {searching && <Spinner size="tiny" label="Searching…" data-testid="picker-searching" />}
      {problem && <ProblemBar problem={problem} testId="picker-problem" />}
      {text && !searching && results.length === 0 && !problem && answer.text === text && (
        <Body1>Nobody matches “{text}”.</Body1>
      )}
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
            idOf={idOf}
            isSelected={isSelected}
            onToggle={toggle}
            testId="picker-results"
            handleRef={list}
            renderRow={renderRow}
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

const idOf = (entry: DirectoryEntry) => `${entry.kind}-${entry.id}`;

interface PickerRowProps {
  entry: DirectoryEntry;
  memberCount: number | undefined;
  active: boolean;
  selected: boolean;
  assigned: boolean;
}

/** One result row; memoised, so a count coming in or the active row moving redraws one row. */
const PickerRow = memo(function PickerRow({ entry, memberCount, active, selected, assigned }: PickerRowProps) {
  const styles = useStyles();
  return (
    <div className={mergeClasses(styles.row, active && styles.active)}>
      {selected ? <CheckboxCheckedRegular className={styles.checked} aria-hidden="true" /> : <CheckboxUncheckedRegular aria-hidden="true" />}
      {entry.kind === 'group' ? <PeopleRegular aria-label="Group" /> : <PersonRegular aria-label="User" />}
      <span className={styles.text}>
        <span className={mergeClasses(styles.name, styles.ellipsis)}>{entry.displayName}</span>
        <span className={mergeClasses(styles.detail, styles.ellipsis, styles.muted)} data-testid="picker-detail">
          {entryDetail({ ...entry, memberCount })}
        </span>
      </span>
      {assigned ? (
        <Badge appearance="tint" color="informative" data-testid="picker-assigned">
          Assigned
        </Badge>
      ) : (
        <span />
      )}
    </div>
  );
});
