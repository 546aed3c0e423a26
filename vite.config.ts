// Vite build of the renderer (desk, kiosk, display, customer screen): one SPA with hash routes,
// relative asset paths so it loads from file://, a custom protocol, or the hall service.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    // RENDERER_OUT lets several people build and preview their own copy on one machine.
    outDir: process.env.RENDERER_OUT ?? '../dist/renderer',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
    sourcemap: false,
  },
  server: { host: '127.0.0.1' },
});
