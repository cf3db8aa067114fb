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

// On Linux, the desktop's own fonts through fontconfig's generic families. Fluent's web stacks
// start with families a Linux desktop rarely has ('Segoe UI', -apple-system, Roboto, Consolas),
// and WebKitGTK asks fontconfig for every missing family, for each size and weight, before it
// lays out the first text: measured, that search took longer than React's first render
// (tests/bench/notes.md). Windows and macOS keep Fluent's stacks, whose first family they have.
/** The theme's font families for `platform` and `userAgent` (navigator's): generic families on
 * Linux, nothing to override elsewhere. */
export function platformFonts(platform: string, userAgent: string): Partial<Theme> {
  const linux = /linux/i.test(platform) && !/android/i.test(userAgent);
  return linux ? { fontFamilyBase: 'sans-serif', fontFamilyNumeric: 'sans-serif', fontFamilyMonospace: 'monospace' } : {};
}
const FONTS = typeof navigator === 'undefined' ? {} : platformFonts(navigator.platform, navigator.userAgent);
const LIGHT: Theme = { ...webLightTheme, ...FONTS };
const DARK: Theme = { ...webDarkTheme, ...FONTS };

export function useSystemTheme(): SystemTheme {
  const dark = useSyncExternalStore(subscribe, prefersDark, () => false);
  return { dark, theme: dark ? DARK : LIGHT };
}
