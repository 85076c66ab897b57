import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The dashboard: built into web/dist, which the Hub serves at `/` with an SPA fallback. */
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // A dashboard loaded once per session: one small JS and one CSS file are all it needs.
    reportCompressedSize: true,
  },
  server: {
    // `npx vite --config web/vite.config.ts` against a Hub on its default address.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
