// A loan's repayment schedule: a chart of each installment's principal and interest, and a table whose
// due, late and upcoming marks are decided by the chain's clock.
import { lazy, Suspense } from 'react'
import type { Installment } from '../api/types'
import { big, toChartNumber } from '../lib/money'
import { formatDate, unixSeconds } from '../lib/time'
import { usePortal } from '../portal'
import { Loading, Money } from './ui'

const BarChart = lazy(() => import('./charts').then((m) => ({ default: m.BarChart })))

export function installmentState(row: Installment, now: bigint | null): { label: string; className: string } {
  if (row.paid) return { label: 'paid', className: 'state-paid' }
  if (now === null) return { label: '…', className: '' }
  const due = unixSeconds(row.dueAt)
  if (now < due) return { label: 'upcoming', className: 'state-upcoming' }
  const days = (now - due + 86_399n) / 86_400n // whole days, rounded up, as LoanMarketLens.daysPastDue counts
  return days === 0n
    ? { label: 'due now', className: 'state-due' }
    : { label: `${days} day${days === 1n ? '' : 's'} late`, className: 'state-late' }
}

export function Schedule(props: { schedule: Installment[]; now: bigint | null }) {
  const { stablecoin } = usePortal()
  if (props.schedule.length === 0) {
    return <p className="muted">The schedule is fixed at drawdown.</p>
  }
  const labels = props.schedule.map((row) => `#${row.period}`)
  return (
    <div className="schedule" data-testid="schedule">
      <Suspense fallback={<Loading what="the chart" />}>
        <BarChart
          title="Each installment: principal and interest"
          labels={labels}
          stacked
          testId="schedule-chart"
          series={[
            { label: 'Principal', values: props.schedule.map((r) => toChartNumber(big(r.principal), stablecoin.decimals)) },
            { label: 'Interest', values: props.schedule.map((r) => toChartNumber(big(r.interest), stablecoin.decimals)) },
          ]}
        />
      </Suspense>
      <table className="table">
        <thead>
          <tr>
            <th>#</th>
            <th>Due</th>
            <th>Installment</th>
            <th>Principal</th>
            <th>Interest</th>
            <th>Balance after</th>
            <th>State</th>
          </tr>
        </thead>
        <tbody>
          {props.schedule.map((row) => {
            const state = installmentState(row, props.now)
            return (
              <tr key={row.period} data-testid="installment">
                <td data-label="#">{row.period}</td>
                <td data-label="Due">{formatDate(row.dueAt)}</td>
                <td data-label="Installment">
                  <Money value={row.payment} />
                </td>
                <td data-label="Principal">
                  <Money value={row.principal} />
                </td>
                <td data-label="Interest">
                  <Money value={row.interest} />
                </td>
                <td data-label="Balance after">
                  <Money value={row.balanceAfter} />
                </td>
                <td data-label="State" className={state.className} data-testid="installment-state">
                  {state.label}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}
