// Brings a new result into view once, when it appears, so an admin who pressed a button near
// the top of a long page sees the verdict without hunting for it below the fold.
import { useEffect, useRef, type RefObject } from 'react';

/**
 * A ref for the element to reveal; it is scrolled the least distance into view each time `key`
 * changes to a new defined value (a new result), never while it stays the same.
 */
export function useReveal<T extends HTMLElement>(key: unknown): RefObject<T | null> {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (key === undefined || key === null || key === false) return;
    // jsdom has no scrollIntoView; a real window always has it.
    ref.current?.scrollIntoView?.({ block: 'nearest', behavior: 'smooth' });
  }, [key]);
  return ref;
}
