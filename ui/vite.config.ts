// Vite builds the window's web assets into ui/dist, which Tauri embeds and serves at its root.
// The same file configures Vitest so that tests see exactly the app's module graph.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [react()],
  clearScreen: false,
  server: {
    host: '127.0.0.1',
    port: 1420,
    strictPort: true,
  },
  preview: {
    host: '127.0.0.1',
    port: 4173,
    strictPort: true,
  },
  build: {
    outDir: 'dist',
    // WebKitGTK (Linux) and WebView2 (Windows) are evergreen enough for ES2022.
    target: 'es2022',
    // Tauri's CSP forbids inline script; keep every asset a file (no data: URLs either).
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1500,
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    css: false,
    clearMocks: true,
    restoreMocks: true,
    // Generous: CI shares two cores with a Rust build, and axe walks the whole document.
    testTimeout: 15_000,
  },
});
