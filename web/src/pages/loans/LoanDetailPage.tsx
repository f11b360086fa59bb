// One loan: everything the API discloses of it (terms, funding, fees fixed at drawdown, collateral,
// delinquency, repayments, what the chain says is due now), the schedule as a chart, the risk notice
// and the legal statement, and funding while it is listed.
import { Link, useParams } from 'react-router'
import { useLoan } from '../../api/queries'
import { LegalStatement, RiskNotice } from '../../components/Notices'
import { Schedule } from '../../components/Schedule'
import { Card, Figure, GradeBadge, Loading, Money, ProblemNotice, Progress, Rate, StatusBadge } from '../../components/ui'
import { useChainClock } from '../../chain/clock'
import { TIERS } from '../../lib/grades'
import { big, formatBps } from '../../lib/money'
import { formatDate, formatDateTime, relativeDays, shortAddress, unixSeconds } from '../../lib/time'
import { BorrowerDisclosure } from './BorrowerDisclosure'
import { FundPanel } from './FundPanel'
import { RestructuringPanel } from './Restructuring'

const EXPIRY_REASONS: Record<number, string> = {
  1: 'the listing deadline passed',
  2: 'the market was wound down',
  3: 'the listing no longer qualified at drawdown',
}

export default function LoanDetailPage() {
  const params = useParams()
  const loanId = /^\d+$/.test(params.loanId ?? '') ? Number(params.loanId) : null
  const loan = useLoan(loanId, 5_000)
  const clock = useChainClock()

  if (loanId === null) return <p className="notice notice-error">No such loan.</p>
  if (loan.error) return <ProblemNotice error={loan.error} />
  if (!loan.data) return <Loading what={`loan #${loanId}`} />
  const l = loan.data
  const deadline = unixSeconds(l.listingDeadline)
  const open = l.status === 'listed' && clock.now !== null && clock.now < deadline

  return (
    <>
      <p>
        <Link to="/loans">← All loans</Link>
      </p>
      <h1 className="loan-title">
        <GradeBadge grade={l.grade} /> Loan #{l.loanId} <StatusBadge status={l.status} />
      </h1>
      <Card title="Terms">
        <div className="figures">
          <Figure label="Principal" testId="loan-principal">
            <Money value={l.principal} />
          </Figure>
          <Figure label="Annual rate">
            <Rate bps={l.rateBps} />
          </Figure>
          <Figure label="Installments">
            {l.term} × {Math.round(l.periodSeconds / 86_400)} days
          </Figure>
          <Figure label="Installment">
            {big(l.installment) > 0n ? <Money value={l.installment} /> : 'fixed at drawdown'}
          </Figure>
          <Figure label="Funded" hint={`${l.lenders} lender${l.lenders === 1 ? '' : 's'}`}>
            <Money value={l.funded} />
            <Progress part={big(l.funded)} whole={big(l.principal)} label="Funded" />
          </Figure>
          <Figure label="Borrower" hint="a pseudonymous wallet">
            <code title={l.borrower}>{shortAddress(l.borrower)}</code>
          </Figure>
          <Figure label="Listed">{formatDate(l.listedAt)}</Figure>
          <Figure
            label="Listing deadline"
            hint={l.status === 'listed' && clock.now !== null ? relativeDays(deadline, clock.now) + ' (chain time)' : undefined}
          >
            {formatDateTime(l.listingDeadline)}
          </Figure>
          <Figure label="Drawn">{l.drawnAt ? formatDate(l.drawnAt) : '—'}</Figure>
          <Figure label="Collateral">
            {l.collateralToken ? (
              <>
                {l.collateralAmount} units of <code>{shortAddress(l.collateralToken)}</code>
              </>
            ) : (
              'unsecured'
            )}
          </Figure>
        </div>
        {l.drawnAt ? (
          <p className="muted small">
            Fixed at drawdown: servicing fee {formatBps(l.servicingFeeBps)} and reserve share {formatBps(l.reserveShareBps)} of
            interest and late fees; late fee {formatBps(l.lateFeeBpsPerDay)} per day overdue.
          </p>
        ) : null}
        {l.expiryReason ? <p className="muted">Expired: {EXPIRY_REASONS[l.expiryReason] ?? `reason ${l.expiryReason}`}.</p> : null}
      </Card>

      {open ? <FundPanel loan={l} /> : null}

      {l.drawnAt ? (
        <Card title="Repayment">
          <div className="figures">
            <Figure label="Principal repaid">
              <Money value={l.principalRepaid} />
            </Figure>
            <Figure label="Outstanding principal">
              <Money value={l.outstandingPrincipal} />
            </Figure>
            <Figure label="Interest paid">
              <Money value={l.interestPaid} />
            </Figure>
            <Figure label="Fees paid">
              <Money value={l.feesPaid} />
            </Figure>
            <Figure label="Recovered / written down">
              <Money value={l.recovered} /> / <Money value={l.writtenDown} />
            </Figure>
            {l.delinquency ? (
              <Figure label="Delinquency" hint={`as of ${formatDateTime(l.delinquency.asOf)}`}>
                {TIERS[l.delinquency.tier]} ({l.delinquency.daysPastDue} days past due)
              </Figure>
            ) : null}
            <Figure
              label="Due now (chain)"
              hint={l.chain.blockNumber !== null ? `read at block ${l.chain.blockNumber}` : (l.chain.error ?? undefined)}
              testId="loan-amount-due"
            >
              <Money value={l.chain.amountDue} />
            </Figure>
            <Figure label="Payoff (chain)">
              <Money value={l.chain.payoff} />
            </Figure>
          </div>
        </Card>
      ) : null}

      <BorrowerDisclosure loanId={l.loanId} />

      <Card title="Schedule">
        <Schedule schedule={l.schedule} now={clock.now} />
      </Card>

      <RestructuringPanel loan={l} />

      {l.repayments.length > 0 ? (
        <Card title="Repayments">
          <table className="table">
            <thead>
              <tr>
                <th>When</th>
                <th>Amount</th>
                <th>Interest</th>
                <th>Principal</th>
                <th>Fees</th>
              </tr>
            </thead>
            <tbody>
              {l.repayments.map((r) => (
                <tr key={r.txHash + r.blockNumber}>
                  <td data-label="When">{formatDateTime(r.timestamp)}</td>
                  <td data-label="Amount">
                    <Money value={r.amount} />
                  </td>
                  <td data-label="Interest">
                    <Money value={r.interest} />
                  </td>
                  <td data-label="Principal">
                    <Money value={r.principal} />
                  </td>
                  <td data-label="Fees">
                    <Money value={r.fees} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      ) : null}

      <RiskNotice grade={l.grade} />
      <LegalStatement />
      <p className="small">
        Borrowed or lent here and unhappy with something? <Link to={`/account/complaints?loan=${l.loanId}`}>File a complaint about this loan</Link>.
      </p>
      <p className="muted small">Index at block {l.indexedBlock ?? '—'}; chain time {clock.now !== null ? formatDateTime(clock.now) : '…'}.</p>
    </>
  )
}
