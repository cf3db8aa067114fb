// A small windowing list: only the rows in view (plus a few) are in the DOM, so 100,000
// results scroll as smoothly as 10. Rows have a fixed height. It is a listbox with
// aria-activedescendant: the list keeps focus, arrows move the active row, Space toggles. A
// search box above it can forward its arrow keys through `handleRef`, so the keyboard works
// from where the admin is typing.
import { makeStyles, tokens } from '@fluentui/react-components';
import {
  useCallback,
  useEffect,
  useImperativeHandle,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactElement,
  type ReactNode,
  type Ref,
} from 'react';

const useStyles = makeStyles({
  viewport: {
    position: 'relative',
    overflowY: 'auto',
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
    ':focus-visible': { outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}`, outlineOffset: '1px' },
  },
  row: { position: 'absolute', left: 0, right: 0, boxSizing: 'border-box' },
});

export interface VirtualListProps<T> {
  items: readonly T[];
  rowHeight: number;
  height: number;
  label: string;
  idOf: (item: T) => string;
  isSelected: (item: T) => boolean;
  onToggle: (item: T) => void;
  renderRow: (item: T, state: { active: boolean; selected: boolean }) => ReactNode;
  /** How many rows to render beyond the visible ones, each side. */
  overscan?: number;
  testId?: string;
  /** For a search box that forwards its keys (arrows, Page Up/Down, Enter) to the list. */
  handleRef?: Ref<VirtualListHandle>;
}

export interface VirtualListHandle {
  /** Handles a key pressed elsewhere (the search box): true when the list used it. */
  handleKey: (event: KeyboardEvent<HTMLElement>) => boolean;
  /** The DOM id of the active row, for aria-activedescendant on the search box. */
  activeId: () => string | undefined;
}

export function VirtualList<T>({
  items,
  rowHeight,
  height,
  label,
  idOf,
  isSelected,
  onToggle,
  renderRow,
  overscan = 6,
  testId,
  handleRef,
}: VirtualListProps<T>): ReactElement {
  const styles = useStyles();
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [active, setActive] = useState(0);
  const count = items.length;
  const activeIndex = Math.min(active, Math.max(count - 1, 0));

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((scrollTop + height) / rowHeight) + overscan);

  const reveal = useCallback(
    (index: number) => {
      const element = viewport.current;
      if (!element) return;
      const top = index * rowHeight;
      if (top < element.scrollTop) element.scrollTop = top;
      else if (top + rowHeight > element.scrollTop + height) element.scrollTop = top + rowHeight - height;
      setScrollTop(element.scrollTop);
    },
    [rowHeight, height],
  );

  // A new result set starts at the top (adjusted while rendering, as React advises).
  const [shownItems, setShownItems] = useState(items);
  if (shownItems !== items) {
    setShownItems(items);
    setActive(0);
    setScrollTop(0);
  }
  useEffect(() => {
    if (viewport.current) viewport.current.scrollTop = 0;
  }, [items]);

  const move = (index: number) => {
    const next = Math.max(0, Math.min(count - 1, index));
    setActive(next);
    reveal(next);
  };

  const rowId = (index: number) => `${testId ?? 'vlist'}-row-${index}`;

  const handleKey = (event: KeyboardEvent<HTMLElement>, fromSearch: boolean): boolean => {
    if (!count) return false;
    const page = Math.max(1, Math.floor(height / rowHeight) - 1);
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(activeIndex + 1),
      ArrowUp: () => move(activeIndex - 1),
      PageDown: () => move(activeIndex + page),
      PageUp: () => move(activeIndex - page),
      Home: () => move(0),
      End: () => move(count - 1),
      ' ': () => {
        const item = items[activeIndex];
        if (item !== undefined) onToggle(item);
      },
      Enter: () => {
        const item = items[activeIndex];
        if (item !== undefined) onToggle(item);
      },
    };
    // Typing in a search box keeps Space, Home and End for the text.
    if (fromSearch && [' ', 'Home', 'End'].includes(event.key)) return false;
    const action = keys[event.key];
    if (!action) return false;
    event.preventDefault();
    action();
    return true;
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    handleKey(event, false);
  };

  useImperativeHandle(handleRef, () => ({
    handleKey: (event) => handleKey(event, true),
    activeId: () => (count ? rowId(activeIndex) : undefined),
  }));

  const rows = Array.from({ length: Math.max(0, last - first) }, (_, offset) => first + offset).map((index) => {
    const item = items[index];
    if (item === undefined) return null;
    const selected = isSelected(item);
    const isActive = index === activeIndex;
    return (
      <div
        key={idOf(item)}
        id={rowId(index)}
        role="option"
        aria-selected={selected}
        aria-setsize={count}
        aria-posinset={index + 1}
        className={styles.row}
        style={{ top: index * rowHeight, height: rowHeight }}
        onMouseDown={(event) => event.preventDefault()}
        onClick={(event) => {
          setActive(index);
          // Focus without scrolling: a page that jumps under the pointer makes the next click
          // land on the wrong person.
          event.currentTarget.closest<HTMLElement>('[role="listbox"]')?.focus({ preventScroll: true });
          onToggle(item);
        }}
        data-testid="picker-option"
      >
        {renderRow(item, { active: isActive, selected })}
      </div>
    );
  });

  return (
    <div
      ref={viewport}
      id={testId ?? 'vlist'}
      role="listbox"
      aria-label={label}
      aria-multiselectable="true"
      aria-activedescendant={count ? rowId(activeIndex) : undefined}
      tabIndex={0}
      className={styles.viewport}
      style={{ height }}
      onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
      onKeyDown={onKeyDown}
      data-testid={testId}
    >
      <div style={{ height: count * rowHeight, position: 'relative' }}>{rows}</div>
    </div>
  );
}
