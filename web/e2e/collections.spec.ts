// The collections queue after the servicing journeys (playwright.config.ts): the chain's clock is moved 40
// days past the journeys' loan's next due date, the collections pass (run beside the stack by
// tests/e2e/test_web_portal.py, as `make up`'s worker) opens its case in M2, and a supervisor works it in
// the console: the case as the API has it, a contact logged with its encrypted note read back, a promise
// to pay recorded in base units for a day on the chain's clock.
import { expect, type Page, test } from '@playwright/test'
import { privateKeyToAccount } from 'viem/accounts'
import type { CaseDetail, CollectionCase } from '../src/api/collections'
import { formatUnitsExact } from '../src/lib/money'
import { api, chainNow, makeLate, operatorApi } from './chain'
import { env } from './env'

const borrowerAddress = privateKeyToAccount(env.borrowerKey).address
const supervisorKey = () => env.operatorKeys.supervisor!

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${env.reports}/${name}.png`, fullPage: true })
}

test('supervisor: the late loan has its case in M2; a contact and a promise to pay are recorded', async ({ page }) => {
  const loans = await api<{ items: { loanId: number }[] }>(`/v2/loans?borrower=${borrowerAddress}`)
  const loanId = loans.items[0]!.loanId
  await makeLate(loanId, 40)
  type Cases = { items: CollectionCase[] }
  await expect // the index has the block and a pass has run at its time
    .poll(async () => (await operatorApi<Cases>(supervisorKey(), '/v2/admin/collections/cases?state=open')).items.find((c) => c.loanId === loanId)?.tier, {
      timeout: 30_000,
    })
    .toBe(2)
  const queued = (await operatorApi<Cases>(supervisorKey(), '/v2/admin/collections/cases?state=open')).items.find((c) => c.loanId === loanId)!

  await page.goto('operator')
  await page.locator('input[name="apiKey"]').fill(supervisorKey())
  await page.getByRole('button', { name: 'Use key' }).click()
  await page.getByRole('navigation', { name: 'Operator sections' }).getByRole('link', { name: 'Collections' }).click()
  const row = page.locator(`[data-testid="collection-case-row"][data-loan="${loanId}"]`)
  await expect(row).toContainText('M2')
  await expect(row.locator('td').nth(2)).toHaveText(String(queued.daysPastDue))
  await expect(page.getByTestId('collection-figures')).toBeVisible()
  await row.getByRole('link').click()

  const worked = page.getByTestId('collection-case')
  await expect(worked.getByTestId('collection-case-tier')).toContainText(`M2, ${queued.daysPastDue} days past due`)
  const contact = worked.getByRole('form', { name: 'Log a contact' })
  await contact.locator('select[name="channel"]').selectOption('phone')
  await contact.locator('select[name="outcome"]').selectOption('reached')
  await contact.locator('select[name="reason"]').selectOption('income_drop')
  await contact.locator('textarea[name="note"]').fill('Hours cut at work; expects to pay part of the installment next week.')
  await contact.getByRole('button', { name: 'Log contact' }).click()
  await expect(worked.getByTestId('collection-contact')).toHaveCount(1)
  await expect(worked.getByTestId('collection-contact')).toContainText('Hours cut at work')

  const day = new Date(((await chainNow()) + 7 * 86_400) * 1000).toISOString().slice(0, 10) // the chain's week
  const promise = worked.getByRole('form', { name: 'Record a promise to pay' })
  await promise.locator('input[name="amount"]').fill('150.5')
  await promise.locator('input[name="promisedFor"]').fill(day)
  await promise.getByRole('button', { name: 'Record promise' }).click()
  const recorded = worked.getByTestId('collection-promise')
  await expect(recorded).toHaveCount(1)
  await expect(recorded).toContainText(`${formatUnitsExact(150_500_000n, 6)} mUSD`)
  await expect(recorded).toContainText(day)

  const detail = await operatorApi<CaseDetail>(supervisorKey(), `/v2/admin/collections/cases/${queued.id}`)
  expect(detail.promises.map((p) => [p.amount, p.promisedFor, p.status])).toEqual([['150500000', day, 'open']])
  expect(detail.contacts.map((c) => [c.channel, c.outcome, c.reason])).toEqual([['phone', 'reached', 'income_drop']])
  expect(detail.firstContactAt).not.toBeNull()
  await shot(page, 'operator-6-collections-case')

  await page.setViewportSize({ width: 375, height: 812 })
  await page.reload()
  await expect(worked.getByTestId('collection-contact')).toHaveCount(1)
  const width = await page.evaluate(() => document.documentElement.scrollWidth)
  expect(width, `the collections case is ${width} px wide at 375`).toBeLessThanOrEqual(375)
  await shot(page, 'mobile-operator-collections-case')
})
