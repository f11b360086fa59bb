// Browser journeys against a running stack the caller starts: tests/e2e/test_web_portal.py starts
// anvil, the deployment, the API serving web/dist at /app, the indexer and the oracle, then runs
// `playwright test` here with their URLs and the wallets' keys in the environment (e2e/env.ts).
// The browser is Debian's chromium (no download is reachable): PEERLEND_CHROMIUM, else /usr/bin/chromium.
import { defineConfig } from '@playwright/test'

const reports = process.env.PEERLEND_WEB_REPORTS ?? '../reports/web'

export default defineConfig({
  testDir: 'e2e',
  outputDir: `${reports}/test-results`,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 180_000,
  expect: { timeout: 30_000 },
  reporter: [['list']],
  projects: [
    { name: 'journeys', testIgnore: /(servicing|collections|disclosure|accessibility)\.spec\.ts/ },
    // After the journeys, on the loan, notes and people they made: inbox, statements, restructuring,
    // complaints, AML and every console section for each role's key.
    { name: 'servicing', testMatch: /servicing\.spec\.ts/, dependencies: ['journeys'] },
    // These move the chain's clock 40 days past the loan's due date: a case to collect, figures overdue.
    { name: 'collections', testMatch: /collections\.spec\.ts/, dependencies: ['servicing'] },
    { name: 'disclosure', testMatch: /disclosure\.spec\.ts/, dependencies: ['collections'] },
    // axe-core over every page, each with what the journeys left on it.
    { name: 'accessibility', testMatch: /accessibility\.spec\.ts/, dependencies: ['disclosure'] },
  ],
  use: {
    baseURL: process.env.PEERLEND_WEB_URL,
    viewport: { width: 1200, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.PEERLEND_CHROMIUM ?? '/usr/bin/chromium',
      // As root, without a sandbox; no background traffic (this machine's network is closed).
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
      ],
    },
  },
})
