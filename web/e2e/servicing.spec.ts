// Journeys after the loan is drawn and repaid once (journeys.spec.ts, run first: playwright.config.ts),
// on the loan, note and people it made: the investor reads the repayment notice in the inbox and the
// month's statement with its CSV and PDF and the year's XIRR; the borrower proposes a new schedule on the
// loan page and the holder signs the approval there, then executes it; the investor files a complaint
// about the loan that a reviewer acknowledges, answers and resolves; a compliance officer proposes to
// freeze the investor (whose funding is a large transaction at this stack's threshold) and a second one
// approves it; and every console section answers each role's key with content or "not for this key".
// Every figure shown is checked against the API to the base unit. Screenshots go to reports/web/.
import { readFileSync } from 'node:fs'
import { type Browser, type BrowserContext, expect, type Locator, type Page, test } from '@playwright/test'
import { privateKeyToAccount } from 'viem/accounts'
import { formatBps, formatUnitsExact } from '../src/lib/money'
import { SECTIONS } from '../src/pages/operator/sections'
import { api, chainNow } from './chain'
import { env } from './env'
import { attachTestWallet } from './wallet'

test.describe.configure({ mode: 'serial' })

const borrowerAddress = privateKeyToAccount(env.borrowerKey).address
const investorAddress = privateKeyToAccount(env.investorKey).address
const contexts: BrowserContext[] = []
let borrower: Page
let investor: Page
let operator: Page
let officer: Page
let loanId: number
let complaintId: string
let caseId: number

async function personPage(browser: Browser, key?: `0x${string}`): Promise<Page> {
  const context = await browser.newContext({ baseURL: env.webUrl, acceptDownloads: true })
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
  officer = await personPage(browser)
  const loans = await api<{ items: { loanId: number; status: string }[] }>(`/v2/loans?borrower=${borrowerAddress}`)
  expect(loans.items.map((l) => l.status)).toEqual(['active'])
  loanId = loans.items[0]!.loanId
})

test.afterAll(async () => {
  for (const context of contexts) await context.close()
})

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${env.reports}/${name}.png`, fullPage: true })
}

async function connect(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Connect wallet' }).first().click()
  await expect(page.getByTestId('wallet-address')).toBeVisible()
}

async function signIn(page: Page): Promise<void> {
  await connect(page)
  await page.getByRole('button', { name: 'Sign in with Ethereum' }).click()
  await expect(page.getByTestId('signed-in')).toBeVisible()
}

async function useKey(page: Page, key: string): Promise<void> {
  const forget = page.getByRole('button', { name: 'Forget key' })
  await expect(page.locator('input[name="apiKey"]').or(forget)).toBeVisible()
  if (await forget.isVisible()) await forget.click()
  await page.locator('input[name="apiKey"]').fill(key)
  await page.getByRole('button', { name: 'Use key' }).click()
}

/** The signed-in wallet's API, with the token the page holds. */
async function walletApi<T>(page: Page, path: string): Promise<T> {
  const token = await page.evaluate(() => JSON.parse(sessionStorage.getItem('peerlend.wallet-session')!).token as string)
  const reply = await fetch(`${env.apiUrl}${path}`, { headers: { Authorization: `Bearer ${token}` } })
  if (!reply.ok) throw new Error(`GET ${path}: ${reply.status} ${await reply.text()}`)
  return (await reply.json()) as T
}

function figure(scope: Page | Locator, testId: string): Locator {
  return scope.getByTestId(testId).locator('.figure-value')
}

const usd = (units: string | bigint) => `${formatUnitsExact(BigInt(units), 6)} mUSD`

async function downloaded(page: Page, click: () => Promise<void>): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()])
  return readFileSync((await download.path())!)
}

test('investor: the inbox tells of the repayment; a notice is read and an email address set', async () => {
  const page = investor
  await page.goto('account/inbox')
  await signIn(page)
  type Notices = { items: { id: string; kind: string; subject: string; readAt: string | null }[] }
  const unread = await walletApi<Notices>(page, '/v2/notifications?unread=true&limit=100')
  const repaid = unread.items.find((n) => n.kind === 'loan_repaid')
  expect(repaid, 'the repayment notice').toBeDefined()
  await expect(page.getByTestId('inbox-unread')).toHaveText(String(unread.items.length))

  const notice = page.getByTestId('notice').filter({ hasText: repaid!.subject })
  await expect(notice).toHaveCount(1)
  await expect(notice).toContainText(`Loan #${loanId}`)
  await notice.getByRole('button', { name: 'Mark read' }).click()
  await expect(notice.getByTestId('notice-read')).toBeVisible()
  const after = await walletApi<Notices>(page, '/v2/notifications?limit=100')
  expect(after.items.find((n) => n.id === repaid!.id)?.readAt).not.toBeNull()
  const left = unread.items.length - 1
  if (left > 0) await expect(page.getByTestId('inbox-unread')).toHaveText(String(left))
  else await expect(page.getByTestId('inbox-unread')).toHaveCount(0)

  const settings = page.getByTestId('notification-settings')
  await settings.locator('input[name="email"]').fill('lender@example.com')
  await settings.getByRole('button', { name: 'Save contact points' }).click()
  const byEmail = settings.getByRole('checkbox', { name: /received a repayment by email/ })
  await expect(byEmail).toBeEnabled()
  await byEmail.uncheck()
  await expect(byEmail).not.toBeChecked()
  type Prefs = { email: string | null; kinds: Record<string, { email: boolean; inbox: boolean }> }
  await expect
    .poll(async () => (await walletApi<Prefs>(page, '/v2/notifications/preferences')).kinds.loan_repaid)
    .toEqual({ email: false, webhook: true, inbox: true })
  expect((await walletApi<Prefs>(page, '/v2/notifications/preferences')).email).toBe('lender@example.com')
  await shot(page, 'investor-10-inbox')
})

test("investor: the chain month's statement, its CSV and PDF, and the year's XIRR", async () => {
  const page = investor
  await page.goto('invest/statements')
  const monthly = page.getByTestId('monthly-statement')
  await expect(monthly.getByTestId('statement-standing')).toBeVisible()
  const period = await monthly.locator('input[name="statementMonth"]').inputValue()
  expect(period).toBe(new Date((await chainNow()) * 1000).toISOString().slice(0, 7)) // the chain's month

  type Statement = { totals: Record<string, string>; positions: Record<string, string>; entries: { kind: string }[] }
  const statement = await walletApi<Statement>(page, `/v2/wallets/${investorAddress}/statements/${period}`)
  expect(statement.entries.map((e) => e.kind)).toEqual(expect.arrayContaining(['repayment', 'claim']))
  await expect(monthly.getByTestId('statement-entry')).toHaveCount(statement.entries.length)
  await expect(figure(monthly, 'statement-claimed')).toHaveText(usd(statement.totals.claimed!))
  await expect(figure(monthly, 'statement-interest')).toHaveText(usd(statement.totals.interest!))
  await expect(figure(monthly, 'statement-principal-repaid')).toHaveText(usd(statement.totals.principalRepaid!))
  await expect(figure(monthly, 'statement-closing')).toHaveText(usd(statement.positions.closingPrincipal!))

  const csv = (await downloaded(page, () => monthly.getByRole('button', { name: 'Download CSV' }).click())).toString('utf8')
  expect(csv.split('\n')[0]).toMatch(/^record,name,at,/)
  expect(csv).toContain(`total,totals.claimed,,,,,,,${statement.totals.claimed},`)
  const pdf = await downloaded(page, () => monthly.getByRole('button', { name: 'Download PDF' }).click())
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-')

  const annual = page.getByTestId('annual-summary')
  const year = Number(period.slice(0, 4))
  type Summary = { xirrBps: number | null; cashFlows: unknown[] }
  const summary = await walletApi<Summary>(page, `/v2/wallets/${investorAddress}/statements/annual/${year}`)
  expect(summary.xirrBps).not.toBeNull()
  await expect(figure(annual, 'statement-xirr')).toHaveText(formatBps(summary.xirrBps!))
  await expect(annual.getByTestId('cash-flow')).toHaveCount(summary.cashFlows.length)
  await shot(page, 'investor-11-statements')
})

test('borrower: proposes a new schedule from the loan page', async () => {
  const page = borrower
  await page.goto(`loans/${loanId}`)
  await connect(page)
  const panel = page.getByTestId('restructuring')
  const form = panel.getByTestId('restructuring-propose')
  await form.locator('input[name="extraPeriods"]').fill('2')
  await form.locator('input[name="holidayPeriods"]').fill('1')
  await form.getByRole('button', { name: 'Propose' }).click()
  await expect(panel.getByText(`Propose a new schedule for loan #${loanId}: done`)).toBeVisible()
  await expect(panel.getByRole('heading', { name: /Proposal \d+ open/ })).toBeVisible() // once indexed
  await expect(panel.getByTestId('schedule')).toBeVisible() // the schedule it would give
  await shot(page, 'borrower-8-restructuring-proposed')
})

test('investor: signs the approval on the loan page, and the new schedule is executed', async () => {
  const page = investor
  await page.goto(`loans/${loanId}`)
  const panel = page.getByTestId('restructuring')
  await expect(figure(panel, 'restructuring-approved')).toHaveText('0.00 mUSD')
  await expect(figure(panel, 'restructuring-required')).toHaveText('666.666667 mUSD') // ceil(2/3 of 1,000)
  type Preview = { preview: { schedule: { payment: string }[] } }
  const preview = await api<Preview>(`/v2/loans/${loanId}/restructuring`)
  await expect(panel.getByTestId('schedule').getByTestId('installment')).toHaveCount(preview.preview.schedule.length)
  await expect(page.getByTestId('inbox-unread')).toBeVisible() // the proposal's notice to the holder

  await panel.getByRole('button', { name: 'Sign the approval' }).click()
  await expect(panel.getByText(/Submit the signed approval of proposal \d+: done/)).toBeVisible()
  await expect(figure(panel, 'restructuring-approved')).toHaveText('1,000.00 mUSD')
  await expect(panel.getByTestId('restructuring-approval')).toHaveCount(1)
  await expect(panel.getByTestId('restructuring-you-approved')).toBeVisible()
  await shot(page, 'investor-12-restructuring-approved')

  await panel.getByRole('button', { name: 'Execute the new schedule' }).click()
  await expect(panel.getByText('Execute the new schedule: done')).toBeVisible()
  await expect(panel.getByRole('heading', { name: /Proposal \d+ executed/ })).toBeVisible() // once indexed
  await expect(panel.getByTestId('restructuring-new-terms')).toBeVisible()
  type Detail = { term: number; installment: string }
  await expect.poll(async () => (await api<Detail>(`/v2/loans/${loanId}`)).term).toBe(5) // 3 installments and 2 more
  const detail = await api<Detail>(`/v2/loans/${loanId}`)
  await expect(panel.getByTestId('restructuring-new-terms')).toContainText(usd(detail.installment))
  await shot(page, 'investor-13-restructured')
})

test('investor: files a complaint about the loan', async () => {
  const page = investor
  await page.getByRole('link', { name: 'File a complaint about this loan' }).click()
  const form = page.getByTestId('complaint-form')
  await expect(form.locator('input[name="loanId"]')).toHaveValue(String(loanId))
  await form.locator('select[name="category"]').selectOption('fees')
  await form.locator('textarea[name="text"]').fill('I was charged a late fee for one day; the reminder came after the due date.')
  await form.getByRole('button', { name: 'File complaint' }).click()
  const followed = page.getByTestId('followed-complaint')
  await expect(followed.getByTestId('complaint-status')).toHaveText('open')
  complaintId = page.url().split('/').pop()!
  await expect(followed.getByTestId('complaint-sla')).toContainText('acknowledge by')
  await shot(page, 'investor-14-complaint-filed')
})

test('reviewer: acknowledges, answers and resolves the complaint in the console', async () => {
  const page = operator
  await page.goto('operator')
  await useKey(page, env.reviewerKey)
  await page.getByRole('link', { name: 'Complaints' }).first().click()
  const row = page.getByTestId('queued-complaint').filter({ hasText: complaintId.slice(0, 8) })
  await expect(row).toContainText('open')
  await row.getByRole('link').click()
  const worked = page.getByTestId('worked-complaint')
  await expect(worked.getByTestId('complaint-text')).toContainText('late fee for one day')
  await worked.getByRole('button', { name: 'Acknowledge' }).click()
  await expect(worked.getByTestId('worked-complaint-status')).toHaveText('acknowledged')
  await worked.getByRole('form', { name: 'Respond' }).locator('textarea').fill('We are checking the reminder log for your loan.')
  await worked.getByRole('button', { name: 'Send response' }).click()
  await expect(worked.getByTestId('complaint-message')).toHaveCount(1)
  const resolve = worked.getByRole('form', { name: 'Resolve' })
  await resolve.locator('select[name="outcome"]').selectOption('partially_upheld')
  await resolve.locator('textarea').fill('The reminder was late; the late fee of that day is refunded to you.')
  await resolve.getByRole('button', { name: 'Resolve' }).click()
  await expect(worked.getByTestId('worked-complaint-status')).toHaveText('resolved (Partly upheld)')
  await shot(page, 'operator-4-complaint-resolved')
})

test('investor: accepts the resolution, closing the complaint', async () => {
  const page = investor
  await page.reload()
  const followed = page.getByTestId('followed-complaint')
  await expect(followed.getByTestId('complaint-status')).toContainText('resolved')
  await expect(followed.getByTestId('complaint-message')).toHaveCount(2)
  await followed.getByRole('button', { name: 'Accept the resolution' }).click()
  await expect(followed.getByTestId('complaint-status')).toContainText('closed')
  await shot(page, 'investor-15-complaint-closed')
})

test('compliance: one officer proposes a freeze, a second approves it, the report is exported signed', async () => {
  const page = operator // its key holds the compliance role beside the reviewer's
  await page.getByRole('link', { name: 'AML cases' }).first().click()
  const row = page.getByTestId('aml-case-row')
  await expect(row).toHaveCount(1)
  await row.getByRole('link').click()
  caseId = Number(page.url().split('/').pop())
  const alert = page.getByTestId('aml-alert')
  await expect(alert).toContainText('Large transaction')
  await expect(alert.getByTestId('aml-transaction')).toContainText('1,000.00 mUSD')
  await expect(page.getByTestId('aml-wallet')).toContainText(investorAddress)

  const propose = page.getByRole('form', { name: 'Disposition' })
  await propose.getByLabel(/^Freeze every wallet/).check()
  await propose.locator('textarea[name="reason"]').fill('One funding at the large-transaction threshold from a new investor.')
  await propose.getByRole('button', { name: 'Propose' }).click()
  const decide = page.getByTestId('aml-decide')
  await decide.locator('textarea').fill('Approving my own proposal.')
  await decide.getByRole('button', { name: 'Approve' }).click()
  await expect(decide.getByRole('alert')).toContainText('a second, different compliance officer decides')
  await shot(page, 'compliance-1-freeze-proposed')

  await officer.goto(`operator/aml/${caseId}`)
  await useKey(officer, env.operatorKeys['compliance-second']!)
  const second = officer.getByTestId('aml-decide')
  await second.locator('textarea').fill('Agreed: freeze until the source of funds is known.')
  await second.getByRole('button', { name: 'Approve' }).click()
  await expect(officer.getByTestId('aml-case-status')).toHaveText('frozen')
  await expect(officer.getByTestId('aml-disposition').filter({ hasText: 'freeze' })).toContainText('effective')
  await expect(officer.getByTestId('aml-wallet')).toContainText('frozen') // indexed from the chain
  const report = await downloaded(officer, () => officer.getByRole('button', { name: 'Export report (JSON)' }).click())
  expect(JSON.parse(report.toString('utf8'))).toBeTruthy()
  await expect(officer.getByTestId('report-signature')).toContainText(/signed by 0x[0-9a-fA-F]{40}/)
  await shot(officer, 'compliance-2-frozen-by-second-officer')
})

test("the console with each role's key: every section answers, or says it is not for this key", async () => {
  const page = officer
  for (const [role, key] of Object.entries(env.operatorKeys)) {
    if (role === 'compliance-second') continue
    await page.goto('operator')
    await useKey(page, key)
    for (const section of SECTIONS) {
      await page.getByRole('navigation', { name: 'Operator sections' }).getByRole('link', { name: section.title }).click()
      const shown = page.locator(`main [data-section="${section.path}"]`)
      await expect(shown).toBeVisible()
      await expect(shown.getByText(/^Loading/)).toHaveCount(0)
      await expect(shown.getByRole('alert'), `${section.title} with a ${role} key`).toHaveCount(0)
      await expect(shown.getByTestId('not-for-this-key'), `${section.title} with a ${role} key`).toHaveCount(
        section.roles.includes(role) ? 0 : 1,
      )
    }
    if (role === 'oracle') await shot(page, 'operator-5-not-for-this-key')
  }
})

test('the new pages are usable 375 px wide', async () => {
  const pages: [Page, string][] = [
    [investor, 'account/inbox'],
    [investor, 'invest/statements'],
    [investor, `account/complaints/${complaintId}`],
    [investor, `loans/${loanId}`],
    [operator, `operator/complaints/${complaintId}`],
    [operator, `operator/aml/${caseId}`],
  ]
  for (const [page, path] of pages) {
    await page.setViewportSize({ width: 375, height: 812 })
    await page.goto(path)
    await expect(page.locator('main h1').first()).toBeVisible()
    await expect(page.locator('main').getByText(/^Loading/)).toHaveCount(0)
    await page.waitForTimeout(300) // charts laid out
    const width = await page.evaluate(() => document.documentElement.scrollWidth)
    expect(width, `${path} is ${width} px wide at 375`).toBeLessThanOrEqual(375)
    await shot(page, `mobile-${path.replace(/\//g, '-').replace(/-[0-9a-f]{8}-[0-9a-f-]{27}$/, '')}`)
  }
})
