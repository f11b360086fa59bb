// The public disclosure page after the other journeys (playwright.config.ts): the chain's clock is 40 days
// past the journeys' loan's next due date (moved there if not yet), so the loan is in M2, the reserve has
// overdue principal to cover and the cohort has months on the book; then every figure the page shows is
// checked against GET /v2/disclosure/platform to the base unit and basis point, at the same block.
import { expect, type Locator, type Page, test } from '@playwright/test'
import { privateKeyToAccount } from 'viem/accounts'
import type { LoanDisclosure, PlatformDisclosure, Ratio } from '../src/api/disclosure'
import { formatBps, formatUnitsExact } from '../src/lib/money'
import { api, blockNumber, makeLate } from './chain'
import { env } from './env'

const borrowerAddress = privateKeyToAccount(env.borrowerKey).address

const usd = (units: string | bigint | null) => `${formatUnitsExact(BigInt(units ?? 0), 6)} mUSD`
const rate = (ratio: Ratio) => (ratio.bps === null ? '—' : formatBps(ratio.bps))

function figure(scope: Page | Locator, testId: string): Locator {
  return scope.getByTestId(testId).locator('.figure-value')
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${env.reports}/${name}.png`, fullPage: true })
}

/** The page, and the API's figures at the block the page shows (a block mined in between: read again). */
async function pageAndFigures(page: Page): Promise<PlatformDisclosure> {
  for (let attempt = 0; ; attempt++) {
    await page.goto('disclosure')
    const asOf = page.getByTestId('disclosure-as-of')
    await expect(asOf).toBeVisible()
    const shown = Number(await asOf.getAttribute('data-last-block'))
    const figures = await api<PlatformDisclosure>('/v2/disclosure/platform')
    if (figures.lastBlock === shown || attempt === 2) {
      expect(figures.lastBlock).toBe(shown)
      return figures
    }
  }
}

test('disclosure: volume, M1/M2/M3, vintage curves and reserve coverage are the API figures', async ({ page }) => {
  const loans = await api<{ items: { loanId: number }[] }>(`/v2/loans?borrower=${borrowerAddress}`)
  const loanId = loans.items[0]!.loanId
  await makeLate(loanId, 40) // as the collections journey left it, if it ran
  const loan = await api<{ outstandingPrincipal: string }>(`/v2/loans/${loanId}`)
  const mined = await blockNumber()
  await expect // the index has the block: the figures are taken at it
    .poll(async () => (await api<PlatformDisclosure>('/v2/disclosure/platform')).lastBlock, { timeout: 30_000 })
    .toBeGreaterThanOrEqual(mined)

  await page.goto('')
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Disclosure' }).click()
  await expect(page.locator('main h1')).toHaveText('Disclosure')
  const d = await pageAndFigures(page)
  // The journeys' loan is 41 days past due (other tests' loans on the same chain may be anywhere).
  expect(d.delinquency.tiers.map((t) => t.name)).toEqual(['M1', 'M2', 'M3'])
  expect(d.delinquency.tiers[1]!.loans).toBeGreaterThanOrEqual(1)
  expect(BigInt(d.reserve.overduePrincipal)).toBeGreaterThanOrEqual(BigInt(loan.outstandingPrincipal))

  const volume = page.getByTestId('disclosure-volume')
  await expect(figure(volume, 'disclosure-volume-loans')).toHaveText(String(d.volume.cumulative.loans))
  await expect(figure(volume, 'disclosure-volume-principal')).toHaveText(usd(d.volume.cumulative.principal))
  await expect(figure(volume, 'disclosure-volume-30d-loans')).toHaveText(String(d.volume.last30Days.loans))
  await expect(figure(volume, 'disclosure-volume-30d-principal')).toHaveText(usd(d.volume.last30Days.principal))
  await expect(figure(volume, 'disclosure-outstanding-loans')).toHaveText(String(d.outstanding.loans))
  await expect(figure(volume, 'disclosure-outstanding-principal')).toHaveText(usd(d.outstanding.principal))
  await expect(figure(volume, 'disclosure-borrowers')).toHaveText(String(d.borrowers.persons))
  await expect(figure(volume, 'disclosure-lenders')).toHaveText(String(d.lenders.persons))
  const cohorts = [...new Set(d.vintages.map((v) => v.cohort))].sort()
  await expect(volume.getByTestId('disclosure-volume-month')).toHaveCount(cohorts.length)
  for (const cohort of cohorts) {
    const of = d.vintages.filter((v) => v.cohort === cohort)
    const principal = of.reduce((sum, v) => sum + BigInt(v.principal), 0n)
    const row = volume.locator(`[data-testid="disclosure-volume-month"][data-month="${cohort}"]`)
    await expect(row).toContainText(usd(principal))
    await expect(row.locator('td').nth(1)).toHaveText(String(of.reduce((sum, v) => sum + v.loans, 0)))
  }
  await expect(volume.getByTestId('disclosure-volume-chart').locator('canvas')).toBeVisible()

  const delinquency = page.getByTestId('disclosure-delinquency')
  await expect(figure(delinquency, 'disclosure-current')).toHaveText(usd(d.delinquency.current.principal))
  for (const tier of d.delinquency.tiers) {
    await expect(figure(delinquency, `disclosure-tier-${tier.name}`)).toHaveText(usd(tier.principal))
    const row = delinquency.locator(`[data-testid="disclosure-tier"][data-tier="${tier.name}"]`)
    await expect(row.locator('td').nth(2)).toHaveText(String(tier.loans))
    await expect(row.locator('td').nth(4)).toHaveText(rate(tier.rate))
  }
  await expect(figure(delinquency, 'disclosure-overdue-rate')).toHaveText(rate(d.delinquency.overdueRate))
  await expect(delinquency.getByTestId('disclosure-delinquency-chart').locator('canvas')).toBeVisible()

  const vintages = page.getByTestId('disclosure-vintages')
  const grades = [...new Set(d.vintages.map((v) => v.grade))].sort()
  expect(grades.length).toBeGreaterThan(0)
  for (const grade of grades) {
    await vintages.locator('select[name="vintageGrade"]').selectOption(grade)
    const ofGrade = d.vintages.filter((v) => v.grade === grade)
    await expect(vintages.getByTestId('disclosure-vintage')).toHaveCount(ofGrade.length)
    for (const v of ofGrade) {
      const last = v.cells[v.cells.length - 1]!
      const row = vintages.locator(`[data-testid="disclosure-vintage"][data-cohort="${v.cohort}"]`)
      await expect(row.locator('td')).toHaveText([
        v.cohort,
        String(v.loans),
        usd(v.principal),
        String(last.monthsOnBook),
        usd(last.defaulted),
        rate(last.defaultShare),
        rate(last.lossShare),
      ])
    }
  }
  expect(Math.max(...d.vintages.map((v) => v.cells.length))).toBeGreaterThan(1) // a curve, not a point
  await expect(vintages.getByTestId('disclosure-vintage-chart').locator('canvas')).toBeVisible()

  const reserve = page.getByTestId('disclosure-reserve')
  await expect(figure(reserve, 'disclosure-reserve-balance')).toHaveText(usd(d.reserve.balance))
  await expect(figure(reserve, 'disclosure-reserve-overdue')).toHaveText(usd(d.reserve.overduePrincipal))
  await expect(figure(reserve, 'disclosure-reserve-coverage')).toHaveText(rate(d.reserve.coverage))
  await expect(reserve.getByTestId('disclosure-reserve-chart').locator('canvas')).toBeVisible()

  await expect(figure(page, 'disclosure-defaults-loans')).toHaveText(String(d.defaults.loans))
  await expect(figure(page, 'disclosure-default-rate')).toHaveText(rate(d.defaults.defaultRate))
  await expect(figure(page, 'disclosure-credit-loss')).toHaveText(usd(d.defaults.creditLoss))
  await expect(figure(page, 'disclosure-lender-loss')).toHaveText(usd(d.defaults.lenderLoss))
  await expect(figure(page, 'disclosure-concentration')).toHaveText(rate(d.concentration.share))
  await expect(figure(page, 'disclosure-fees')).toHaveText(usd(d.fees.total))
  await expect(figure(page, 'disclosure-sales')).toHaveText(String(d.secondaryMarket.cumulative.sales))
  await expect(figure(page, 'disclosure-complaints')).toHaveText(String(d.complaints.cumulative.received))
  await page.waitForTimeout(300) // charts laid out
  await shot(page, 'disclosure')

  await page.setViewportSize({ width: 375, height: 812 })
  await page.reload()
  await expect(page.getByTestId('disclosure-reserve-chart').locator('canvas')).toBeVisible()
  await page.waitForTimeout(300)
  const width = await page.evaluate(() => document.documentElement.scrollWidth)
  expect(width, `disclosure is ${width} px wide at 375`).toBeLessThanOrEqual(375)
  await shot(page, 'mobile-disclosure')
})

test("the loan page: its purpose, expected yield and the borrower's bands are the API's disclosure", async ({ page }) => {
  const loans = await api<{ items: { loanId: number }[] }>(`/v2/loans?borrower=${borrowerAddress}`)
  const loanId = loans.items[0]!.loanId
  const d = await api<LoanDisclosure>(`/v2/disclosure/loans/${loanId}`)
  await page.goto(`loans/${loanId}`)
  const card = page.getByTestId('loan-disclosure')
  const words = (text: string | null) => (text ? text.replace(/_/g, ' ') : '—')
  await expect(card.getByTestId('disclosure-purpose')).toHaveText(words(d.purpose))
  await expect(card.getByTestId('disclosure-repayment-source')).toHaveText(words(d.repaymentSource))
  await expect(figure(card, 'disclosure-apr')).toHaveText(formatBps(d.expectedYield.aprBps))
  await expect(figure(card, 'disclosure-servicing')).toHaveText(formatBps(d.expectedYield.servicingFeeBps))
  await expect(figure(card, 'disclosure-reserve-share')).toHaveText(formatBps(d.expectedYield.reserveShareBps))
  await expect(figure(card, 'disclosure-net-apr')).toHaveText(formatBps(d.expectedYield.netAprBps))
  await expect(figure(card, 'disclosure-pd')).toHaveText(d.expectedYield.pdBps === null ? '—' : formatBps(d.expectedYield.pdBps))
  const bands: [string, string][] = [
    ['disclosure-age', d.borrower.ageBand],
    ['disclosure-income', d.borrower.incomeBand],
    ['disclosure-region', d.borrower.region],
    ['disclosure-employment', d.borrower.employment],
    ['disclosure-credit-grade', d.borrower.creditGrade],
    ['disclosure-debts', d.borrower.existingDebts],
  ]
  for (const [testId, value] of bands) await expect(figure(card, testId)).toHaveText(words(value))
  expect(d.borrower.creditGrade).toBe('A')
  await expect(card.getByTestId('disclosure-other-loan')).toHaveCount(d.borrower.otherLoans.length)
  await card.scrollIntoViewIfNeeded()
  await shot(page, 'loan-disclosure')
})
