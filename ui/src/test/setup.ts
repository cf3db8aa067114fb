// Vitest set-up for component tests: DOM matchers, and the few browser APIs jsdom lacks that
// Fluent UI touches.
import '@testing-library/jest-dom/vitest';

if (typeof window.ResizeObserver === 'undefined') {
  window.ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
}

// jsdom does no layout: offsetParent is always null and the body measures 0×0, so Tabster
// (Fluent's keyboard navigation) takes every element for hidden and will not move focus with the
// arrow keys. Here every connected element counts as laid out, in a 1280×800 window.
Object.defineProperty(HTMLElement.prototype, 'offsetParent', {
  configurable: true,
  get(this: HTMLElement) {
    return this.isConnected ? this.parentElement : null;
  },
});
document.body.getBoundingClientRect = () => new DOMRect(0, 0, 1280, 800);

// What ui/index.html gives the real page; axe checks for both.
document.documentElement.lang = 'en';
document.title = 'SCIM Setup';
