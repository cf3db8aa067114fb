// The theme follows the system's light/dark preference while the window is open.
import { act, render, screen } from '@testing-library/react';
import { platformFonts, useSystemTheme } from './useSystemTheme';

function ThemeProbe() {
  const { dark, theme } = useSystemTheme();
  return <p>{`${dark ? 'dark' : 'light'} ${theme.colorNeutralBackground1}`}</p>;
}

/** A matchMedia whose dark-mode answer the test controls, firing `change` like a browser does. */
function fakeSystemPreference(initiallyDark: boolean) {
  const listeners = new Set<() => void>();
  const query = {
    matches: initiallyDark,
    addEventListener: (_: string, listener: () => void) => listeners.add(listener),
    removeEventListener: (_: string, listener: () => void) => listeners.delete(listener),
  };
  vi.stubGlobal('matchMedia', (text: string) => {
    expect(text).toBe('(prefers-color-scheme: dark)');
    return query;
  });
  return {
    switchTo(dark: boolean) {
      query.matches = dark;
      listeners.forEach((listener) => listener());
    },
  };
}

afterEach(() => vi.unstubAllGlobals());

describe('useSystemTheme', () => {
  it('starts light or dark as the system says and follows a later switch', () => {
    const system = fakeSystemPreference(false);
    render(<ThemeProbe />);
    expect(screen.getByText(/^light #ffffff$/)).toBeInTheDocument();

    act(() => system.switchTo(true));
    expect(screen.getByText(/^dark #292929$/)).toBeInTheDocument();

    act(() => system.switchTo(false));
    expect(screen.getByText(/^light #ffffff$/)).toBeInTheDocument();
  });

  it('falls back to light where the browser cannot tell', () => {
    vi.stubGlobal('matchMedia', undefined);
    render(<ThemeProbe />);
    expect(screen.getByText(/^light /)).toBeInTheDocument();
  });

  it('uses the desktop’s generic fonts on Linux and Fluent’s own stacks elsewhere', () => {
    expect(platformFonts('Linux x86_64', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15')).toEqual({
      fontFamilyBase: 'sans-serif',
      fontFamilyNumeric: 'sans-serif',
      fontFamilyMonospace: 'monospace',
    });
    expect(platformFonts('Win32', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edg/120')).toEqual({});
    expect(platformFonts('MacIntel', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0)')).toEqual({});
    expect(platformFonts('Linux armv8l', 'Mozilla/5.0 (Linux; Android 14)')).toEqual({});
  });
});
