// Public disclosure (信息披露): the platform's figures as GET /v2/disclosure/platform computes them from
// the chain index, at the chain time of its latest block. Volume by month of drawdown, delinquency by
// tier (M1 1–30 days, M2 31–90, M3 more), vintage curves per grade, and the reserve fund against the
// overdue principal. Every figure is the API's to the base unit or basis point; the charts draw floats
// of whole units, so each one has its exact amounts in text beside it.
import { lazy, Suspense, useState } from 'react'
import { Link } from 'react-router'
import { type PlatformDisclosure, type Ratio, usePlatformDisclosure, type Vintage } from '../../api/disclosure'
import { Card, Figure, Loading, Money, ProblemNotice } from '../../components/ui'
import { big, formatBps, toChartNumber } from '../../lib/money'
import { formatDateTime } from '../../lib/time'
import { usePortal } from '../../portal'

const BarChart = lazy(() => import('../../components/charts').then((m) => ({ default: m.BarChart })))
const LineChart = lazy(() => import('../../components/charts').then((m) => ({ default: m.LineChart })))

/** A ratio as the API rounded it, in percent; "—" when there is nothing to divide by. */
function ratioText(ratio: Ratio): string {
  return ratio.bps === null ? '—' : formatBps(ratio.bps)
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}

/** Whole seconds as the largest unit that keeps them readable. */
function duration(seconds: number): string {
  if (seconds < 3_600) return `${Math.floor(seconds / 60)} min`
  if (seconds < 86_400) return `${Math.floor(seconds / 3_600)} h ${Math.floor((seconds % 3_600) / 60)} min`
  return `${Math.floor(seconds / 86_400)} d ${Math.floor((seconds % 86_400) / 3_600)} h`
}

export default function DisclosurePage() {
  const disclosure = usePlatformDisclosure()
  return (
    <>
      <h1>Disclosure</h1>
      {disclosure.error ? (
        <ProblemNotice error={disclosure.error} />
      ) : !disclosure.data ? (
        <Loading what="the platform's figures" />
      ) : (
        <Figures d={disclosure.data} />
      )}
    </>
  )
}

function Figures(props: { d: PlatformDisclosure }) {
  const { d } = props
  return (
    <>
      <p className="muted" data-testid="disclosure-as-of" data-last-block={d.lastBlock}>
        Figures at chain time {formatDateTime(d.asOf)}, from every event up to block {d.lastBlock}. Each month's
        figures are also published at its end, with their SHA-256 anchored on the chain (
        <code>GET /v2/disclosure/snapshots/yyyy-mm</code>).
      </p>
      <Volume d={d} />
      <Delinquency d={d} />
      <Vintages vintages={d.vintages} />
      <Reserve d={d} />
      <Defaults d={d} />
      <Market d={d} />
      <p className="small">
        <Link to="/loans">The loans themselves</Link>, each with its own disclosure, risk notice and legal statement.
      </p>
    </>
  )
}

function Volume(props: { d: PlatformDisclosure }) {
  const { d } = props
  const { stablecoin, money } = usePortal()
  // Drawn principal per month of drawdown and grade: the vintages hold every drawn loan once.
  const months = [...new Set(d.vintages.map((v) => v.cohort))].sort()
  const grades = [...new Set(d.vintages.map((v) => v.grade))].sort()
  const drawn = (month: string, grade?: string) =>
    d.vintages.filter((v) => v.cohort === month && (grade === undefined || v.grade === grade)).reduce((sum, v) => sum + big(v.principal), 0n)
  const loansIn = (month: string) => d.vintages.filter((v) => v.cohort === month).reduce((sum, v) => sum + v.loans, 0)
  return (
    <Card title="Volume" testId="disclosure-volume">
      <div className="figures">
        <Figure label="Loans drawn, ever" testId="disclosure-volume-loans">
          {d.volume.cumulative.loans}
        </Figure>
        <Figure label="Principal drawn, ever" testId="disclosure-volume-principal">
          <Money value={d.volume.cumulative.principal} />
        </Figure>
        <Figure label="Loans drawn, last 30 days" hint={`since ${formatDateTime(d.volume.windowStart)}`} testId="disclosure-volume-30d-loans">
          {d.volume.last30Days.loans}
        </Figure>
        <Figure label="Principal drawn, last 30 days" testId="disclosure-volume-30d-principal">
          <Money value={d.volume.last30Days.principal} />
        </Figure>
        <Figure label="Active loans" testId="disclosure-outstanding-loans">
          {d.outstanding.loans}
        </Figure>
        <Figure label="Principal outstanding" testId="disclosure-outstanding-principal">
          <Money value={d.outstanding.principal} />
        </Figure>
        <Figure label="Borrowers" hint={plural(d.borrowers.wallets, 'wallet')} testId="disclosure-borrowers">
          {d.borrowers.persons}
        </Figure>
        <Figure label="Lenders" hint={plural(d.lenders.wallets, 'wallet')} testId="disclosure-lenders">
          {d.lenders.persons}
        </Figure>
      </div>
      {months.length === 0 ? (
        <p className="muted">No loan has been drawn down yet.</p>
      ) : (
        <>
          <Suspense fallback={<Loading what="the chart" />}>
            <BarChart
              title="Principal drawn by month of drawdown and grade (whole units)"
              labels={months}
              series={grades.map((grade) => ({
                label: `Grade ${grade}`,
                values: months.map((month) => toChartNumber(drawn(month, grade), stablecoin.decimals)),
              }))}
              stacked
              testId="disclosure-volume-chart"
            />
          </Suspense>
          <table className="table" data-testid="disclosure-volume-months">
            <thead>
              <tr>
                <th>Month of drawdown</th>
                <th>Loans</th>
                <th>Principal drawn</th>
              </tr>
            </thead>
            <tbody>
              {months.map((month) => (
                <tr key={month} data-testid="disclosure-volume-month" data-month={month}>
                  <td data-label="Month">{month}</td>
                  <td data-label="Loans">{loansIn(month)}</td>
                  <td data-label="Principal drawn">{money(drawn(month))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Card>
  )
}

function Delinquency(props: { d: PlatformDisclosure }) {
  const { delinquency: q } = props.d
  const { stablecoin } = usePortal()
  const days = (min: number, max: number | null) => (max === null ? `more than ${min - 1} days` : `${min}–${max} days`)
  return (
    <Card title="Delinquency" testId="disclosure-delinquency">
      <p className="muted small">
        Active loans by days past due at the figures' time, on the chain's clock: whole days since the oldest unpaid due
        date. Rates are of the principal outstanding on every active loan.
      </p>
      <div className="figures">
        <Figure label="Current" hint={plural(q.current.loans, 'loan')} testId="disclosure-current">
          <Money value={q.current.principal} />
        </Figure>
        {q.tiers.map((tier) => (
          <Figure key={tier.name} label={`${tier.name} (${days(tier.minDays, tier.maxDays)})`} hint={`${plural(tier.loans, 'loan')}, ${ratioText(tier.rate)}`} testId={`disclosure-tier-${tier.name}`}>
            <Money value={tier.principal} />
          </Figure>
        ))}
        <Figure label="Overdue rate" hint="M1 + M2 + M3" testId="disclosure-overdue-rate">
          {ratioText(q.overdueRate)}
        </Figure>
      </div>
      <Suspense fallback={<Loading what="the chart" />}>
        <BarChart
          title="Principal outstanding by days past due (whole units)"
          labels={['Current', ...q.tiers.map((t) => t.name)]}
          series={[
            {
              label: 'Principal',
              values: [q.current.principal, ...q.tiers.map((t) => t.principal)].map((p) => toChartNumber(big(p), stablecoin.decimals)),
            },
          ]}
          testId="disclosure-delinquency-chart"
        />
      </Suspense>
      <table className="table" data-testid="disclosure-tiers">
        <thead>
          <tr>
            <th>Tier</th>
            <th>Days past due</th>
            <th>Loans</th>
            <th>Principal</th>
            <th>Share of outstanding</th>
          </tr>
        </thead>
        <tbody>
          {q.tiers.map((tier) => (
            <tr key={tier.name} data-testid="disclosure-tier" data-tier={tier.name}>
              <td data-label="Tier">{tier.name}</td>
              <td data-label="Days past due">{days(tier.minDays, tier.maxDays)}</td>
              <td data-label="Loans">{tier.loans}</td>
              <td data-label="Principal">
                <Money value={tier.principal} />
              </td>
              <td data-label="Share of outstanding">{ratioText(tier.rate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  )
}

function Vintages(props: { vintages: Vintage[] }) {
  const grades = [...new Set(props.vintages.map((v) => v.grade))].sort()
  const [chosen, setChosen] = useState<string | null>(null)
  const grade = chosen !== null && grades.includes(chosen) ? chosen : (grades[0] ?? null)
  const shown = props.vintages.filter((v) => v.grade === grade).sort((a, b) => a.cohort.localeCompare(b.cohort))
  const longest = Math.max(0, ...shown.map((v) => v.cells.length))
  const labels = Array.from({ length: longest }, (_, i) => String(i))
  // bps / 100: a percentage for the drawing only; the table gives the API's basis points.
  const percent = (ratio: Ratio) => (ratio.bps === null ? null : ratio.bps / 100)
  return (
    <Card title="Vintage curves" testId="disclosure-vintages">
      <p className="muted small">
        For the loans drawn down in one month (a cohort) with one grade: the share of their principal defaulted by each
        month on the book (0 is the month of drawdown), and the credit loss after recoveries.
      </p>
      {grade === null ? (
        <p className="muted">No loan has been drawn down yet.</p>
      ) : (
        <>
          <label>
            Grade{' '}
            <select name="vintageGrade" value={grade} onChange={(e) => setChosen(e.target.value)}>
              {grades.map((g) => (
                <option key={g} value={g}>
                  {g}
                </option>
              ))}
            </select>
          </label>
          <Suspense fallback={<Loading what="the chart" />}>
            <LineChart
              title={`Cumulative default share by months on book, grade ${grade} (% of the cohort's principal)`}
              labels={labels}
              series={shown.map((v) => ({
                label: v.cohort,
                values: labels.map((_, i) => {
                  const cell = v.cells.find((c) => c.monthsOnBook === i)
                  return cell ? percent(cell.defaultShare) : null
                }),
              }))}
              yTitle="% defaulted"
              testId="disclosure-vintage-chart"
            />
          </Suspense>
          <table className="table" data-testid="disclosure-vintage-table">
            <thead>
              <tr>
                <th>Cohort</th>
                <th>Loans</th>
                <th>Principal drawn</th>
                <th>Months on book</th>
                <th>Defaulted</th>
                <th>Default share</th>
                <th>Loss share</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((v) => {
                const last = v.cells[v.cells.length - 1]
                return (
                  <tr key={v.cohort} data-testid="disclosure-vintage" data-grade={v.grade} data-cohort={v.cohort}>
                    <td data-label="Cohort">{v.cohort}</td>
                    <td data-label="Loans">{v.loans}</td>
                    <td data-label="Principal drawn">
                      <Money value={v.principal} />
                    </td>
                    <td data-label="Months on book">{last ? last.monthsOnBook : '—'}</td>
                    <td data-label="Defaulted">
                      <Money value={last?.defaulted ?? '0'} />
                    </td>
                    <td data-label="Default share">{last ? ratioText(last.defaultShare) : '—'}</td>
                    <td data-label="Loss share">{last ? ratioText(last.lossShare) : '—'}</td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </>
      )}
    </Card>
  )
}

function Reserve(props: { d: PlatformDisclosure }) {
  const { reserve: r } = props.d
  const { stablecoin } = usePortal()
  return (
    <Card title="Reserve fund coverage" testId="disclosure-reserve">
      <p className="muted small">
        The reserve fund's stablecoin balance against the principal of the overdue loans (M1, M2 and M3). The share of
        interest the market holds for the fund until its next sweep is not counted, as on the chain.
      </p>
      <div className="figures">
        <Figure label="Reserve fund balance" testId="disclosure-reserve-balance">
          <Money value={r.balance} />
        </Figure>
        <Figure label="Overdue principal" testId="disclosure-reserve-overdue">
          <Money value={r.overduePrincipal} />
        </Figure>
        <Figure label="Coverage" hint={r.coverage.bps === null ? 'nothing is overdue' : 'balance / overdue principal, rounded down'} testId="disclosure-reserve-coverage">
          {ratioText(r.coverage)}
        </Figure>
      </div>
      <Suspense fallback={<Loading what="the chart" />}>
        <BarChart
          title="Reserve fund balance and overdue principal (whole units)"
          labels={['Reserve fund', 'Overdue principal']}
          series={[{ label: 'Amount', values: [big(r.balance), big(r.overduePrincipal)].map((v) => toChartNumber(v, stablecoin.decimals)) }]}
          testId="disclosure-reserve-chart"
        />
      </Suspense>
    </Card>
  )
}

function Defaults(props: { d: PlatformDisclosure }) {
  const { defaults: f, concentration: c } = props.d
  return (
    <Card title="Defaults and losses" testId="disclosure-defaults">
      <p className="muted small">Of every loan drawn down so far; losses net of recoveries, and for lenders net of what the reserve fund paid.</p>
      <div className="figures">
        <Figure label="Loans defaulted" testId="disclosure-defaults-loans">
          {f.loans}
        </Figure>
        <Figure label="Default rate" hint="principal at default / principal drawn" testId="disclosure-default-rate">
          {ratioText(f.defaultRate)}
        </Figure>
        <Figure label="Credit loss" hint={`loss rate ${ratioText(f.lossRate)}`} testId="disclosure-credit-loss">
          <Money value={f.creditLoss} />
        </Figure>
        <Figure label="Lenders' loss" hint={`rate ${ratioText(f.lenderLossRate)}`} testId="disclosure-lender-loss">
          <Money value={f.lenderLoss} />
        </Figure>
        <Figure label="Recovered after default" testId="disclosure-recovered">
          <Money value={f.recovered} />
        </Figure>
        <Figure label="Paid by the reserve fund" testId="disclosure-reserve-covered">
          <Money value={f.reserveCovered} />
        </Figure>
        <Figure
          label={`Top ${c.top} borrowers' share`}
          hint={`of ${c.borrowers} borrowers with principal outstanding, counted per person`}
          testId="disclosure-concentration"
        >
          {ratioText(c.share)}
        </Figure>
      </div>
    </Card>
  )
}

function Market(props: { d: PlatformDisclosure }) {
  const { fees, secondaryMarket: s, complaints } = props.d
  const median = complaints.cumulative.medianResolutionSeconds
  return (
    <Card title="Fees, the note market and complaints" testId="disclosure-market">
      <div className="figures">
        <Figure label="Fees charged" hint="origination, servicing, late and resale fees paid" testId="disclosure-fees">
          <Money value={fees.total} />
        </Figure>
        <Figure label="Notes sold" hint={`${s.last30Days.sales} in the last 30 days`} testId="disclosure-sales">
          {s.cumulative.sales}
        </Figure>
        <Figure label="Note sales volume" testId="disclosure-sales-volume">
          <Money value={s.cumulative.volume} />
        </Figure>
        <Figure label="Complaints received" hint={`${complaints.cumulative.open} open, ${complaints.cumulative.escalated} in mediation`} testId="disclosure-complaints">
          {complaints.cumulative.received}
        </Figure>
        <Figure label="Median time to resolve" testId="disclosure-complaints-median">
          {median === null ? '—' : duration(median)}
        </Figure>
      </div>
    </Card>
  )
}
