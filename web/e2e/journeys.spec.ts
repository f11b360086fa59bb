// The portal's journeys in Chromium, each person with a browser context and a wallet of their own: a
// borrower from KYC (with the attestation submitted by the wallet) through a listing and a repayment; an
// investor from the suitability questionnaire through funding, a claim, a note offered for sale and an
// auto-invest mandate; an operator approving the investor's KYC review. A screenshot of every step goes
// to reports/web/. The steps run in order: each journey waits on what another did.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { gzipSync } from 'node:zlib'
import { type Browser, type BrowserContext, expect, type Page, test } from '@playwright/test'
import { formatUnitsExact } from '../src/lib/money'
import { api, mineAt } from './chain'
import { env } from './env'
import { AGGRESSIVE_INVESTOR, type Applicant, applicant, CAUTIOUS_BORROWER, STRONG_APPLICANT } from './people'
import { attachTestWallet } from './wallet'

const HOME_BUDGET = 300_000 // gzipped JavaScript bytes of the home page's first load
const DIST = resolve(import.meta.dirname, '../dist')

test.describe.configure({ mode: 'serial' })

let borrower: Page
let investor: Page
let operator: Page
let loanId: number
const contexts: BrowserContext[] = []

async function personPage(browser: Browser, key?: `0x${string}`): Promise<Page> {
  const context = await browser.newContext({ baseURL: env.webUrl })
  contexts.push(context)
  if (key) await attachTestWallet(context, key, env.rpcUrl, env.chainId)
  const page = await context.newPage()
  page.on('pageerror', (error) => console.log(`[page error] ${error.message}`))
  return page
}

test.beforeAll(async ({ browser }) => {
  borrower = await personPage(browser, env.borrowerKey)
  investor = await personPage(browser, env.investorKey)
  operator = await personPage(browser)
})

test.afterAll(async () => {
  for (const context of contexts) await context.close()
})

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${env.reports}/${name}.png`, fullPage: true })
}

async function signIn(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Connect wallet' }).first().click()
  await page.getByRole('button', { name: 'Sign in with Ethereum' }).click()
  await expect(page.getByTestId('signed-in')).toBeVisible()
}

async function answerQuestionnaire(page: Page, answers: Record<string, string>): Promise<void> {
  const form = page.getByTestId('suitability-form')
  for (const [name, value] of Object.entries(answers)) await form.locator(`select[name="${name}"]`).selectOption(value)
  await form.getByRole('button', { name: 'Submit answers' }).click()
  await expect(page.getByTestId('suitability-done')).toBeVisible()
}

async function submitKyc(page: Page, person: Applicant, mode: 'direct' | 'signature'): Promise<void> {
  const form = page.getByTestId('kyc-form')
  for (const [name, value] of Object.entries(person)) await form.locator(`input[name="${name}"]`).fill(value)
  await form.locator(`input[name="attestationMode"][value="${mode}"]`).check()
  await form.getByRole('button', { name: 'Submit for KYC' }).click()
}

/** The value of a figure (its label and hint aside). */
function figure(page: Page | ReturnType<Page['locator']>, testId: string) {
  return page.getByTestId(testId).locator('.figure-value')
}

function amountText(text: string | null): bigint {
  // "1,234.50 mUSD" -> base units (6 decimals), exactly
  const [whole = '0', fraction = ''] = (text ?? '').replace(/[^\d.]/g, '').split('.')
  return BigInt(whole) * 1_000_000n + BigInt(fraction.padEnd(6, '0').slice(0, 6) || '0')
}

test('borrower: questionnaire, KYC with a wallet-submitted attestation, an application, its offer, a listing', async () => {
  const page = borrower
  await page.goto('borrow')
  await signIn(page)
  await answerQuestionnaire(page, CAUTIOUS_BORROWER)
  await shot(page, 'borrower-1-questionnaire')

  await submitKyc(page, applicant('Ada Lindqvist', '1979-04-12'), 'signature')
  await expect(page.getByTestId('kyc-state')).toHaveText('approved')
  await expect(page.getByTestId('attestation-status')).toHaveText('signed')
  await page.getByRole('button', { name: 'Submit attestation from my wallet' }).click()
  await expect(page.getByTestId('onchain-identity')).toContainText('eligible')
  await expect(page.getByTestId('attestation-status')).toHaveText('attested')
  await shot(page, 'borrower-2-kyc-attested-by-wallet')

  const form = page.getByTestId('application-form')
  await form.locator('input[name="amount"]').fill('1000')
  await form.locator('input[name="termMonths"]').fill('3')
  await form.locator('select[name="purpose"]').selectOption('car_used')
  await form.locator('input[name="monthlyIncome"]').fill('15000')
  for (const [name, value] of Object.entries(STRONG_APPLICANT)) {
    const field = form.locator(`[name="${name}"]`)
    if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(value)
    else await field.fill(value)
  }
  await form.getByRole('button', { name: 'Apply' }).click()
  await expect(page.getByTestId('application-status')).toHaveText('approved')
  await expect(page.getByTestId('offer')).toContainText('1,000.00 mUSD')

  // The credit oracle publishes the approved score on the chain; the listing waits for it.
  await expect(page.getByTestId('credit-record')).toContainText('published and fresh', { timeout: 90_000 })
  await shot(page, 'borrower-3-offer')
  await page.getByRole('button', { name: 'List loan' }).click()
  const card = page.locator('[data-testid^="borrower-loan-"]')
  await expect(card).toBeVisible()
  loanId = Number((await card.getAttribute('data-testid'))!.replace('borrower-loan-', ''))
  await expect(card).toContainText('listed')
  await shot(page, 'borrower-4-listed')
})

test('investor: questionnaire, then KYC that goes to manual review', async () => {
  const page = investor
  await page.goto('invest')
  await signIn(page)
  await answerQuestionnaire(page, AGGRESSIVE_INVESTOR)
  await expect(page.getByTestId('risk-class')).toHaveText('5')
  // A namesake of a sanctions-list entry (another date of birth): a near match a reviewer must clear.
  await submitKyc(page, applicant('Farid Haddad', '1990-05-20'), 'direct')
  await expect(page.getByTestId('kyc-state')).toHaveText('in review')
  await shot(page, 'investor-1-kyc-in-review')
})

test('operator: approves the KYC review in the console', async () => {
  const page = operator
  await page.goto('operator')
  await page.locator('input[name="apiKey"]').fill(env.reviewerKey)
  await page.getByRole('button', { name: 'Use key' }).click()
  await page.getByRole('link', { name: 'KYC reviews' }).first().click()
  const item = page.getByTestId('kyc-queue-item')
  await expect(item).toHaveCount(1)
  await expect(item).toContainText('sanctions_near_match')
  await shot(page, 'operator-1-queue')
  await item.getByRole('link').click()
  await expect(page.getByTestId('kyc-review-item')).toContainText('Farid Haddad')
  await expect(page.getByTestId('screening-matches')).toContainText('near match')
  await page.locator('textarea[name="note"]').fill('Date of birth differs from the listed person; a namesake.')
  await page.getByRole('button', { name: 'Approve' }).click()
  await expect(page.getByTestId('kyc-decision')).toHaveText('approved')
  await shot(page, 'operator-2-approved')
  await page.getByRole('link', { name: 'Audit log' }).click()
  // the reviewer's approval, beside the borrower's automatic one (actor system:kyc)
  const approvals = page.getByTestId('audit-entry').filter({ hasText: 'kyc.application.approved' })
  await expect(approvals.filter({ hasNotText: 'system:' })).toHaveCount(1)
  await shot(page, 'operator-3-audit-log')
})

async function openFunding(page: Page): Promise<ReturnType<Page['locator']>> {
  await page.locator('input[name="fundAmount"]').fill('1000')
  await page.getByRole('button', { name: 'Fund…' }).click()
  const warning = page.getByTestId('suitability-warning')
  await warning.getByRole('checkbox').check()
  return warning
}

test('investor: funds the loan after the suitability warning', async () => {
  const page = investor
  await page.goto('invest')
  await expect(page.getByTestId('kyc-state')).toHaveText('approved')
  await expect(page.getByTestId('onchain-identity')).toContainText('investor risk class 5')

  // With an empty wallet the stablecoin refuses the market's transfer: its error, decoded with the
  // deployment's merged errors ABI, reads as a sentence before anything is signed.
  await page.goto(`loans/${loanId}`)
  await (await openFunding(page)).getByRole('button', { name: 'Send funding' }).click()
  await expect(page.getByRole('alert').filter({ hasText: `Fund loan #${loanId}` })).toContainText(
    'Your wallet holds 0.00 mUSD of the stablecoin; this needs 1,000.00 mUSD.',
  )
  await shot(page, 'investor-2-revert-explained')

  await page.goto('invest')
  await page.getByRole('button', { name: /Get 10,000 test/ }).click()
  await expect(page.getByTestId('wallet-balance').first()).toContainText('10,000.00 mUSD')

  await page.goto(`loans?grade=1&status=listed`)
  const link = page.getByRole('link', { name: `#${loanId}`, exact: true })
  await expect(page.getByTestId('loan-row').filter({ has: link })).toHaveCount(1)
  await shot(page, 'investor-3-loan-list')
  await link.click()
  await expect(page.getByTestId('risk-notice').first()).toBeVisible()
  await expect(page.getByTestId('legal-statement')).toBeVisible()
  await page.locator('input[name="fundAmount"]').fill('1000')
  await page.getByRole('button', { name: 'Fund…' }).click()
  const warning = page.getByTestId('suitability-warning')
  await expect(warning.getByTestId('suitability-verdict')).toContainText('Your investor risk class is 5')
  await expect(warning.getByTestId('suitability-verdict')).toContainText('need class 1 or higher')
  await shot(page, 'investor-4-suitability-warning')
  await expect(warning.getByRole('button', { name: 'Send funding' })).toBeDisabled() // until the notice is read
  await warning.getByRole('checkbox').check()
  await warning.getByRole('button', { name: 'Send funding' }).click()
  await expect(page.getByText(`Fund loan #${loanId}: done`)).toBeVisible()
  await expect(page.getByRole('progressbar', { name: 'Funded' })).toHaveAttribute('aria-valuenow', '100')
  await shot(page, 'investor-5-funded')
})

test("borrower: draws down, then repays the amount due on the chain's clock", async () => {
  const page = borrower
  await page.goto('borrow')
  const card = page.getByTestId(`borrower-loan-${loanId}`)
  await expect(card.getByRole('button', { name: 'Draw down' })).toBeEnabled()
  await card.getByRole('button', { name: 'Draw down' }).click()
  await expect(card.getByTestId('repayment')).toBeVisible()
  await page.getByRole('button', { name: /Get 10,000 test/ }).click() // interest money
  await expect(figure(card, 'amount-due')).toHaveText('0.00 mUSD')
  await expect(card.getByTestId('installment-state').first()).toHaveText('upcoming')
  await shot(page, 'borrower-5-drawn')

  // A day and an hour past the first due date on the chain's clock: the page says late from the chain.
  const detail = await api<{ schedule: { dueAt: string }[] }>(`/v2/loans/${loanId}`)
  const due = Math.floor(Date.parse(detail.schedule[0]!.dueAt) / 1000)
  await mineAt(due + 86_400 + 3_600)
  await expect(card.getByTestId('installment-state').first()).toHaveText('2 days late')
  await expect(figure(card, 'days-past-due')).toHaveText('2 (1–30 days late)')
  const owed = amountText(await figure(card, 'amount-due').textContent())
  expect(owed).toBeGreaterThan(0n)
  await expect(card.getByTestId('accrual-margin')).toBeVisible()
  await shot(page, 'borrower-6-late-on-chain-clock')

  await card.getByRole('button', { name: /^Repay / }).click()
  await expect(card.getByText(`Repay loan #${loanId}: done`)).toBeVisible()
  await expect(figure(card, 'amount-due')).toHaveText('0.00 mUSD')
  await expect(card.getByTestId('installment-state').first()).toHaveText('paid')
  await shot(page, 'borrower-7-repaid')
})

test('investor: claims, offers the note for sale and signs an auto-invest mandate', async () => {
  const page = investor
  await page.goto('invest')
  const holding = page.getByTestId('holding')
  await expect(holding).toHaveCount(1)
  await expect(holding.getByTestId('holding-claimable')).not.toHaveText('0.00 mUSD')
  await holding.getByRole('button', { name: 'Claim' }).click()
  await expect(page.getByText(/Claim note \d+: done/)).toBeVisible()
  await expect(figure(page, 'portfolio-received')).not.toHaveText('0.00 mUSD')
  await expect(page.getByTestId('asset-donut')).toBeVisible()
  await expect(page.getByTestId('returns-bars')).toBeVisible()
  await expect(page.getByTestId('transaction').filter({ hasText: 'claim' })).toHaveCount(1)
  await shot(page, 'investor-6-claimed')

  await holding.getByRole('button', { name: 'Sell…' }).click()
  await holding.getByRole('button', { name: 'Check price' }).click()
  await expect(holding.getByTestId('sale-quote')).toContainText('of par')
  await holding.getByRole('button', { name: 'Offer for sale' }).click()
  await expect(holding.getByTestId('note-on-offer')).toBeVisible()
  await shot(page, 'investor-7-note-offered')

  const auto = page.getByTestId('auto-invest')
  await auto.locator('input[name="autoDeposit"]').fill('100')
  await auto.getByRole('button', { name: 'Deposit' }).click()
  await expect(figure(auto, 'auto-balance')).toHaveText('100.00 mUSD')
  await auto.getByRole('button', { name: 'Sign and set mandate' }).click()
  await expect(auto.getByText('Set the auto-invest mandate: done')).toBeVisible()
  await expect(figure(auto, 'mandate')).toContainText('grades AB')
  await shot(page, 'investor-8-auto-invest')
})

test('home: platform figures, and its first load within the JavaScript budget', async ({ browser }) => {
  const page = await personPage(browser)
  const scripts: string[] = []
  page.on('response', (response) => {
    const url = new URL(response.url())
    if (url.pathname.endsWith('.js')) scripts.push(url.pathname.replace(/^\/app\//, ''))
  })
  await page.goto('')
  // The page sums the loan book itself; the API's list is what it must agree with, to the base unit.
  const book = await api<{ items: { status: string; principal: string }[] }>('/v2/loans?limit=200')
  const lent = book.items
    .filter((loan) => ['active', 'repaid', 'defaulted'].includes(loan.status))
    .reduce((sum, loan) => sum + BigInt(loan.principal), 0n)
  expect(lent).toBeGreaterThanOrEqual(1_000_000_000n)
  await expect(figure(page, 'figure-loans')).toHaveText(String(book.items.length))
  await expect(figure(page, 'figure-lent')).toHaveText(`${formatUnitsExact(lent, 6)} mUSD`)
  await expect(page.getByTestId('figure-reserve')).toContainText('mUSD')
  await shot(page, 'home')
  const total = scripts.reduce((sum, file) => sum + gzipSync(readFileSync(resolve(DIST, file))).length, 0)
  console.log(`home page loaded ${scripts.length} scripts, ${(total / 1000).toFixed(1)} kB gzipped`)
  expect(total).toBeLessThanOrEqual(HOME_BUDGET)
})

test('every page is usable 375 px wide', async () => {
  const pages: [Page, string][] = [
    [investor, ''],
    [investor, 'loans'],
    [investor, `loans/${loanId}`],
    [borrower, 'borrow'],
    [investor, 'invest'],
    [operator, 'operator/kyc'],
    [operator, 'operator/audit'],
    [investor, 'account'],
  ]
  for (const [page, path] of pages) {
    await page.setViewportSize({ width: 375, height: 812 })
    await page.goto(path)
    await expect(page.locator('main h1').first()).toBeVisible()
    await page.waitForTimeout(500) // charts and late figures laid out
    const width = await page.evaluate(() => document.documentElement.scrollWidth)
    expect(width, `${path || 'home'} is ${width} px wide at 375`).toBeLessThanOrEqual(375)
    await shot(page, `mobile-${path.replace(/\//g, '-') || 'home'}`)
  }
})

test('account: signing out ends the session, at the service too', async () => {
  const page = investor
  await page.setViewportSize({ width: 1200, height: 900 })
  await page.goto('account')
  await expect(page.getByTestId('session-address')).toBeVisible()
  const token = await page.evaluate(() => JSON.parse(sessionStorage.getItem('peerlend.wallet-session')!).token as string)
  await page.getByRole('button', { name: 'Sign out', exact: true }).click()
  await expect(page.getByRole('button', { name: 'Sign in with Ethereum' })).toBeVisible()
  const me = await fetch(`${env.apiUrl}/v2/auth/me`, { headers: { Authorization: `Bearer ${token}` } })
  expect(me.status).toBe(401)
  await shot(page, 'investor-9-signed-out')
})
