// The loan's public disclosure as the service publishes it (GET /v2/disclosure/loans/{loanId}): what the
// money is for and what repays it, the expected yield after the platform's share and the reserve's, and
// the borrower in bands that do not identify them, with their other loans here (every wallet of the
// same person) and how those stand.
import { Link } from 'react-router'
import { useLoanDisclosure } from '../../api/disclosure'
import { Card, Figure, Loading, Money, ProblemNotice, StatusBadge } from '../../components/ui'
import { formatBps } from '../../lib/money'

const TIER_NAMES = ['current', 'M1 (1–30 days late)', 'M2 (31–90 days late)', 'M3 (more than 90 days late)']
const words = (text: string | null) => (text ? text.replace(/_/g, ' ') : '—')

export function BorrowerDisclosure(props: { loanId: number }) {
  const disclosure = useLoanDisclosure(props.loanId)
  if (disclosure.error) return <ProblemNotice error={disclosure.error} title="Disclosure" />
  if (!disclosure.data) return <Loading what="the loan's disclosure" />
  const d = disclosure.data
  const y = d.expectedYield
  const b = d.borrower
  const bands: [string, string, string][] = [
    ['Age', b.ageBand, 'disclosure-age'],
    ['Income', b.incomeBand, 'disclosure-income'],
    ['Region', b.region, 'disclosure-region'],
    ['Employment', b.employment, 'disclosure-employment'],
    ['Credit grade', b.creditGrade, 'disclosure-credit-grade'],
    ['Existing debts', b.existingDebts, 'disclosure-debts'],
  ]
  return (
    <Card title="Disclosure" testId="loan-disclosure">
      <dl className="details">
        <dt>Purpose</dt>
        <dd data-testid="disclosure-purpose">{words(d.purpose)}</dd>
        <dt>Repaid from</dt>
        <dd data-testid="disclosure-repayment-source">{words(d.repaymentSource)}</dd>
      </dl>
      <h3>Expected yield</h3>
      <div className="figures">
        <Figure label="Loan rate (APR)" testId="disclosure-apr">
          {formatBps(y.aprBps)}
        </Figure>
        <Figure label="Platform's share of interest" testId="disclosure-servicing">
          {formatBps(y.servicingFeeBps)}
        </Figure>
        <Figure label="Reserve fund's share" testId="disclosure-reserve-share">
          {formatBps(y.reserveShareBps)}
        </Figure>
        <Figure label="Lenders earn (net APR)" hint="if every installment is paid" testId="disclosure-net-apr">
          {formatBps(y.netAprBps)}
        </Figure>
        <Figure label="Probability of default" hint="the credit model's, at application" testId="disclosure-pd">
          {y.pdBps !== null ? formatBps(y.pdBps) : '—'}
        </Figure>
      </div>
      <h3>The borrower</h3>
      <p className="muted small">In bands wide enough not to tell who they are.</p>
      <div className="figures">
        {bands.map(([label, value, testId]) => (
          <Figure key={testId} label={label} testId={testId}>
            {words(value)}
          </Figure>
        ))}
      </div>
      {b.otherLoans.length === 0 ? (
        <p className="muted" data-testid="disclosure-no-other-loans">
          The borrower has no other loan here.
        </p>
      ) : (
        <table className="table" data-testid="disclosure-other-loans">
          <thead>
            <tr>
              <th>Other loan</th>
              <th>Status</th>
              <th>Grade</th>
              <th>Principal</th>
              <th>Standing</th>
            </tr>
          </thead>
          <tbody>
            {b.otherLoans.map((o) => (
              <tr key={o.loanId} data-testid="disclosure-other-loan">
                <td data-label="Other loan">
                  <Link to={`/loans/${o.loanId}`}>#{o.loanId}</Link>
                </td>
                <td data-label="Status">
                  <StatusBadge status={o.status} />
                </td>
                <td data-label="Grade">{o.grade}</td>
                <td data-label="Principal">
                  <Money value={o.principal} />
                </td>
                <td data-label="Standing">{o.delinquencyTier !== null ? TIER_NAMES[o.delinquencyTier] : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  )
}
