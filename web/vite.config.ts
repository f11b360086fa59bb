import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// Served by the API under /app (backend/web_app.py). `npm run dev` proxies the API and the runtime
// configuration to a running `make up` (PEERLEND_API_URL to point elsewhere).
const api = process.env.PEERLEND_API_URL ?? 'http://127.0.0.1:8000'

export default defineConfig({
  base: '/app/',
  plugins: [react()],
  build: {
    // dist/.vite/manifest.json: scripts/bundle-size.mjs follows the home page's chunks through it
    manifest: true,
    target: 'es2022',
    // The budget that matters is the home page's first load, checked by scripts/bundle-size.mjs.
    chunkSizeWarningLimit: 700,
  },
  server: {
    proxy: { '/v2': api, '/app/config.json': api },
  },
})
