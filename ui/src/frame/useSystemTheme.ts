// Follows the operating system's light or dark preference, live: switching the system theme
// while the window is open re-themes it at once.
import { webDarkTheme, webLightTheme, type Theme } from '@fluentui/react-components';
import { useSyncExternalStore } from 'react';

const DARK_QUERY = '(prefers-color-scheme: dark)';

function darkQuery(): MediaQueryList | undefined {
  // Absent in some test environments; light is the safe default there.
  return typeof window.matchMedia === 'function' ? window.matchMedia(DARK_QUERY) : undefined;
}

function subscribe(onChange: () => void): () => void {
  const query = darkQuery();
  query?.addEventListener('change', onChange);
  return () => query?.removeEventListener('change', onChange);
}

function prefersDark(): boolean {
  return darkQuery()?.matches ?? false;
}

export interface SystemTheme {
  dark: boolean;
  theme: Theme;
}

export function useSystemTheme(): SystemTheme {
  const dark = useSyncExternalStore(subscribe, prefersDark, () => false);
  return { dark, theme: dark ? webDarkTheme : webLightTheme };
}
