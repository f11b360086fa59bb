// axe-core over every page, after the other journeys (playwright.config.ts), so each shows what a person
// would find there: the borrower's loan, the investor's notes, statements, inbox and complaint, the
// operator's queues. No serious or critical violation is allowed; the others are printed.
import { resolve } from 'node:path'
import { type Browser, expect, type Page, test } from '@playwright/test'
import { privateKeyToAccount } from 'viem/accounts'
import { api, operatorApi } from './chain'
import { env } from './env'
import { attachTestWallet } from './wallet'

const AXE = resolve(import.meta.dirname, '../node_modules/axe-core/axe.min.js')
const BLOCKING = new Set(['serious', 'critical'])

interface Violation {
  id: string
  impact: string | null
  help: string
  nodes: { target: string[] }[]
}

async function personPage(browser: Browser, key?: `0x${string}`): Promise<Page> {
  const context = await browser.newContext({ baseURL: env.webUrl })
  if (key) await attachTestWallet(context, key, env.rpcUrl, env.chainId)
  return context.newPage()
}

async function signIn(page: Page): Promise<void> {
  await page.goto('account')
  await page.getByRole('button', { name: 'Connect wallet' }).first().click()
  await page.getByRole('button', { name: 'Sign in with Ethereum' }).click()
  await expect(page.getByTestId('signed-in')).toBeVisible()
}

/** The page's violations once it has drawn what it loads. */
async function violations(page: Page, path: string): Promise<Violation[]> {
  await page.goto(path)
  await expect(page.locator('main h1').first()).toBeVisible()
  await expect(page.locator('main').getByText(/^Loading/)).toHaveCount(0)
  await page.waitForTimeout(300) // charts and late figures laid out
  await page.addScriptTag({ path: AXE })
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: Violation[] }> } }).axe
    const result = await axe.run(document, { resultTypes: ['violations'] })
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }))
  })
}

test('axe-core: no serious or critical violation on any page', async ({ browser }) => {
  const borrowerAddress = privateKeyToAccount(env.borrowerKey).address
  const loans = await api<{ items: { loanId: number }[] }>(`/v2/loans?borrower=${borrowerAddress}`)
  const loanId = loans.items[0]!.loanId
  const visitor = await personPage(browser)
  const borrower = await personPage(browser, env.borrowerKey)
  const investor = await personPage(browser, env.investorKey)
  const operator = await personPage(browser)
  await signIn(borrower)
  await signIn(investor)
  await operator.goto('operator')
  await operator.locator('input[name="apiKey"]').fill(env.reviewerKey)
  await operator.getByRole('button', { name: 'Use key' }).click()
  const supervisor = await personPage(browser)
  const supervisorKey = env.operatorKeys.supervisor!
  await supervisor.goto('operator')
  await supervisor.locator('input[name="apiKey"]').fill(supervisorKey)
  await supervisor.getByRole('button', { name: 'Use key' }).click()
  const cases = await operatorApi<{ items: { id: number }[] }>(supervisorKey, '/v2/admin/collections/cases')

  const pages: [Page, string][] = [
    [visitor, ''],
    [visitor, 'loans'],
    [visitor, `loans/${loanId}`],
    [visitor, 'no-such-page'],
    [visitor, 'disclosure'],
    [borrower, 'borrow'],
    [borrower, `loans/${loanId}`],
    [investor, 'invest'],
    [investor, 'invest/statements'],
    [investor, 'account'],
    [investor, 'account/inbox'],
    [investor, 'account/complaints'],
    [operator, 'operator'],
    [operator, 'operator/kyc'],
    [operator, 'operator/risk'],
    [operator, 'operator/complaints'],
    [operator, 'operator/aml'],
    [operator, 'operator/audit'],
    [supervisor, 'operator/collections'],
    ...cases.items.slice(0, 1).map((c): [Page, string] => [supervisor, `operator/collections/${c.id}`]),
  ]
  const blocking: string[] = []
  for (const [page, path] of pages) {
    for (const v of await violations(page, path)) {
      const line = `/${path} ${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`
      console.log(line)
      if (BLOCKING.has(v.impact ?? '')) blocking.push(line)
    }
  }
  expect(blocking).toEqual([])
})
