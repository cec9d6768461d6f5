// Production build of the web app (client assets + server bundle). No CDN: fonts and Leaflet come from npm.
import { reactRouter } from '@react-router/dev/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [reactRouter()],
  build: { sourcemap: false, assetsInlineLimit: 0 },
  logLevel: 'warn',
});
