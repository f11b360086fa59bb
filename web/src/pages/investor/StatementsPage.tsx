// The wallet's statements: a calendar month (positions per loan, every entry, totals) and a year's summary
// with its XIRR, as the service replays them from the chain index. Months and years are the chain's (UTC),
// so the page opens on the chain clock's month, not the browser's. CSV and PDF are the same statement.
import { useMutation } from '@tanstack/react-query'
import { useState } from 'react'
import { Link } from 'react-router'
import { saveFile } from '../../api/client'
import {
  type AnnualSummary,
  type MonthlyStatement,
  type StatementFormat,
  statementFile,
  useAnnualSummary,
  useMonthlyStatement,
} from '../../api/statements'
import { RequireSignIn } from '../../components/WalletButton'
import { Card, Figure, Loading, Money, ProblemNotice } from '../../components/ui'
import { useChainClock } from '../../chain/clock'
import { big, formatBps } from '../../lib/money'
import { formatDateTime } from '../../lib/time'
import { useCurrentSession } from '../../session/siwe'
import '../../components/servicing.css'

export default function StatementsPage() {
  return (
    <>
      <h1>Statements</h1>
      <p>
        <Link to="/invest">← Invest</Link>
      </p>
      <RequireSignIn purpose="read your statements">
        <Statements />
      </RequireSignIn>
    </>
  )
}

/** "2027-03" of Unix seconds, in UTC as the statements count months. */
function monthOf(seconds: bigint): string {
  return new Date(Number(seconds) * 1000).toISOString().slice(0, 7)
}

function shiftMonth(period: string, by: number): string {
  const [year, month] = period.split('-').map(Number) as [number, number]
  const index = year * 12 + (month - 1) + by
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`
}

function Statements() {
  const clock = useChainClock()
  const [chosen, setChosen] = useState<string | null>(null)
  const [chosenYear, setChosenYear] = useState<number | null>(null)
  const chainMonth = clock.now !== null ? monthOf(clock.now) : null
  const period = chosen ?? chainMonth
  const year = chosenYear ?? (chainMonth ? Number(chainMonth.slice(0, 4)) : null)
  const monthly = useMonthlyStatement(period)
  const annual = useAnnualSummary(year)
  if (period === null || year === null) return <Loading what="the chain's clock" />
  return (
    <>
      <Card title="Monthly statement" testId="monthly-statement">
        <div className="month-picker">
          <button type="button" className="button" onClick={() => setChosen(shiftMonth(period, -1))}>
            ← Earlier
          </button>
          <label>
            Month (chain time, UTC)
            <input
              type="month"
              name="statementMonth"
              value={period}
              max={chainMonth ?? undefined}
              onChange={(e) => /^\d{4}-\d{2}$/.test(e.target.value) && setChosen(e.target.value)}
            />
          </label>
          <button type="button" className="button" disabled={chainMonth !== null && period >= chainMonth} onClick={() => setChosen(shiftMonth(period, 1))}>
            Later →
          </button>
        </div>
        <ProblemNotice error={monthly.error} />
        {monthly.data && monthly.data.period === period ? <Monthly statement={monthly.data} /> : monthly.error ? null : <Loading what={`the statement for ${period}`} />}
      </Card>
      <Card title="Annual summary" testId="annual-summary">
        <div className="month-picker">
          <button type="button" className="button" onClick={() => setChosenYear(year - 1)}>
            ← {year - 1}
          </button>
          <strong>{year}</strong>
          <button type="button" className="button" disabled={chainMonth !== null && year >= Number(chainMonth.slice(0, 4))} onClick={() => setChosenYear(year + 1)}>
            {year + 1} →
          </button>
        </div>
        <ProblemNotice error={annual.error} />
        {annual.data && annual.data.year === year ? <Annual summary={annual.data} /> : annual.error ? null : <Loading what={`the summary of ${year}`} />}
      </Card>
    </>
  )
}

function Downloads(props: { period: string | number }) {
  const session = useCurrentSession()!
  const download = useMutation({
    mutationFn: (format: StatementFormat) => statementFile(session.address, props.period, format),
    onSuccess: saveFile,
  })
  return (
    <>
      <div className="actions">
        <button type="button" className="button" disabled={download.isPending} onClick={() => download.mutate('csv')}>
          Download CSV
        </button>
        <button type="button" className="button" disabled={download.isPending} onClick={() => download.mutate('pdf')}>
          Download PDF
        </button>
      </div>
      <ProblemNotice error={download.error} />
    </>
  )
}

function Standing(props: { statement: MonthlyStatement | AnnualSummary }) {
  const s = props.statement
  return (
    <p className="muted small" data-testid="statement-standing">
      {formatDateTime(s.start)} to {formatDateTime(s.end)} ·{' '}
      {s.final ? (
        <strong>final</strong>
      ) : (
        <>
          <strong>provisional</strong>: figures as of {formatDateTime(s.asOf)}
        </>
      )}
      {s.closingBlock !== null ? ` · to block ${s.closingBlock}` : ''}
    </p>
  )
}

function Totals(props: { statement: MonthlyStatement | AnnualSummary }) {
  const { positions: p, totals: t } = props.statement
  const shown: [string, string, string][] = [
    ['Principal at the start', p.openingPrincipal, 'statement-opening'],
    ['Principal at the end', p.closingPrincipal, 'statement-closing'],
    ['Earned, not claimed (end)', p.closingUnclaimed, 'statement-unclaimed'],
    ['Funded', t.funded, 'statement-funded'],
    ['Principal repaid', t.principalRepaid, 'statement-principal-repaid'],
    ['Interest', t.interest, 'statement-interest'],
    ['Late fees', t.fees, 'statement-fees'],
    ['Claimed', t.claimed, 'statement-claimed'],
  ]
  const ifAny: [string, string][] = [
    ['Refunded', t.refunded],
    ['Paid for notes bought', t.purchased],
    ['Received for notes sold', t.sold],
    ['Recoveries', t.recoveries],
    ['Losses', t.losses],
  ]
  return (
    <>
      <div className="figures">
        {shown.map(([label, value, testId]) => (
          <Figure key={label} label={label} testId={testId}>
            <Money value={value} />
          </Figure>
        ))}
        {ifAny
          .filter(([, value]) => big(value) !== 0n)
          .map(([label, value]) => (
            <Figure key={label} label={label}>
              <Money value={value} />
            </Figure>
          ))}
      </div>
      <p className="muted small">
        Withheld from the notes' share of interest: servicing fee <Money value={t.servicingFees} />, reserve fund share{' '}
        <Money value={t.reserveContributions} />.{big(t.rounding) !== 0n ? <> Rounding: <Money value={t.rounding} />.</> : null}
      </p>
    </>
  )
}

function Monthly(props: { statement: MonthlyStatement }) {
  const s = props.statement
  return (
    <>
      <Standing statement={s} />
      <Totals statement={s} />
      <Downloads period={s.period} />
      {s.loans.length > 0 ? (
        <>
          <h3>Loans</h3>
          <table className="table" data-testid="statement-loans">
            <thead>
              <tr>
                <th>Loan</th>
                <th>Notes</th>
                <th>Principal at the start</th>
                <th>Principal at the end</th>
              </tr>
            </thead>
            <tbody>
              {s.loans.map((loan) => (
                <tr key={loan.loanId}>
                  <td data-label="Loan">
                    <Link to={`/loans/${loan.loanId}`}>#{loan.loanId}</Link>
                  </td>
                  <td data-label="Notes">{loan.notes}</td>
                  <td data-label="Principal at the start">
                    <Money value={loan.openingPrincipal} />
                  </td>
                  <td data-label="Principal at the end">
                    <Money value={loan.closingPrincipal} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      <h3>Entries</h3>
      {s.entries.length === 0 ? (
        <p className="muted">Nothing moved this month.</p>
      ) : (
        <table className="table" data-testid="statement-entries">
          <thead>
            <tr>
              <th>When (chain)</th>
              <th>What</th>
              <th>Loan / note</th>
              <th>Amount</th>
              <th>Principal</th>
              <th>Interest</th>
              <th>Fees</th>
            </tr>
          </thead>
          <tbody>
            {s.entries.map((e) => (
              <tr key={`${e.blockNumber}:${e.logIndex}:${e.noteId}:${e.kind}`} data-testid="statement-entry" data-kind={e.kind}>
                <td data-label="When (chain)">{formatDateTime(e.at)}</td>
                <td data-label="What">
                  {e.kind.replace(/_/g, ' ')}
                  {e.source ? ` (${e.source})` : ''}
                </td>
                <td data-label="Loan / note">
                  <Link to={`/loans/${e.loanId}`}>#{e.loanId}</Link> / {e.noteId}
                </td>
                <td data-label="Amount">
                  <Money value={e.amount} />
                </td>
                <td data-label="Principal">
                  <Money value={e.principal} />
                </td>
                <td data-label="Interest">
                  <Money value={e.interest} />
                </td>
                <td data-label="Fees">
                  <Money value={e.fees} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  )
}

function Annual(props: { summary: AnnualSummary }) {
  const s = props.summary
  return (
    <>
      <Standing statement={s} />
      <div className="figures">
        <Figure label="Net annual return (XIRR)" hint="of the year's cash flows, 365-day years, rounded down" testId="statement-xirr">
          {s.xirrBps !== null ? formatBps(s.xirrBps) : '—'}
        </Figure>
      </div>
      <Totals statement={s} />
      <Downloads period={s.year} />
      <h3>Cash flows</h3>
      {s.cashFlows.length === 0 ? (
        <p className="muted">No cash flows this year.</p>
      ) : (
        <table className="table" data-testid="statement-cash-flows">
          <thead>
            <tr>
              <th>When (chain)</th>
              <th>What</th>
              <th>Amount (paid in negative)</th>
            </tr>
          </thead>
          <tbody>
            {s.cashFlows.map((flow, i) => (
              <tr key={`${flow.at}:${i}`} data-testid="cash-flow">
                <td data-label="When (chain)">{formatDateTime(flow.at)}</td>
                <td data-label="What">{flow.kind.replace(/_/g, ' ')}</td>
                <td data-label="Amount">
                  <Money value={flow.amount} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  )
}
