// Platform figures from what the API and the chain publish today: the loan book (GET /v2/loans, summed
// here), the reserve fund (ReserveFund.balance and coverageRatioBps), featured listings, entry points.
import { Link } from 'react-router'
import { useReadContract } from 'wagmi'
import { useLoanBook } from '../api/queries'
import type { LoanOut } from '../api/types'
import { loanMarketAbi, reserveFundAbi } from '../contracts/abis.generated'
import { Card, Figure, GradeBadge, Loading, Money, ProblemNotice, Progress, Rate } from '../components/ui'
import { big, formatBps } from '../lib/money'
import { usePortal } from '../portal'

const DRAWN = new Set(['active', 'repaid', 'defaulted'])
const UNBOUNDED = 2n ** 256n - 1n

export interface BookFigures {
  loans: number
  lent: bigint
  outstanding: bigint
  repaidLoans: number
  defaultedLoans: number
  listed: LoanOut[]
  openToFund: bigint
}

export function bookFigures(loans: LoanOut[]): BookFigures {
  const figures: BookFigures = {
    loans: loans.length,
    lent: 0n,
    outstanding: 0n,
    repaidLoans: 0,
    defaultedLoans: 0,
    listed: [],
    openToFund: 0n,
  }
  for (const loan of loans) {
    if (DRAWN.has(loan.status)) figures.lent += big(loan.principal)
    figures.outstanding += big(loan.outstandingPrincipal)
    if (loan.status === 'repaid') figures.repaidLoans += 1
    if (loan.status === 'defaulted') figures.defaultedLoans += 1
    if (loan.status === 'listed') {
      figures.listed.push(loan)
      figures.openToFund += big(loan.principal) - big(loan.funded)
    }
  }
  return figures
}

export function HomePage() {
  const book = useLoanBook()
  const { addresses, money } = usePortal()
  const reserve = useReadContract({ address: addresses.reserve, abi: reserveFundAbi, functionName: 'balance' })
  const coverage = useReadContract({ address: addresses.reserve, abi: reserveFundAbi, functionName: 'coverageRatioBps' })
  // The reserve share of interest waits in the market until it is swept into the fund.
  const pending = useReadContract({ address: addresses.market, abi: loanMarketAbi, functionName: 'pendingFees' })
  const pendingReserve = pending.data?.[0]
  const figures = book.data ? bookFigures(book.data.loans) : null
  const featured = figures
    ? [...figures.listed].sort((a, b) => b.rateBps - a.rateBps || a.loanId - b.loanId).slice(0, 3)
    : []

  return (
    <>
      <section className="hero">
        <h1>Lend to people, not to a pool</h1>
        <p>
          Borrowers are checked, scored and graded A to G; investors fund the loans they choose, in parts, and each
          part is a note on the chain. Repayments go straight to the notes. The platform never holds your money.
        </p>
        <div className="actions">
          <Link className="button primary" to="/loans">
            Browse loans
          </Link>
          <Link className="button" to="/invest">
            Start investing
          </Link>
          <Link className="button" to="/borrow">
            Apply for a loan
          </Link>
        </div>
      </section>

      <Card title="The loan book" testId="platform-figures">
        {book.error ? <ProblemNotice error={book.error} /> : null}
        {!figures ? (
          <Loading what="the loan book" />
        ) : (
          <div className="figures">
            <Figure label="Loans listed so far" testId="figure-loans">
              {figures.loans}
            </Figure>
            <Figure label="Lent (drawn principal)" testId="figure-lent">
              <Money value={figures.lent} />
            </Figure>
            <Figure label="Outstanding principal" testId="figure-outstanding">
              <Money value={figures.outstanding} />
            </Figure>
            <Figure label="Open for funding" hint={`${figures.listed.length} listings`} testId="figure-open">
              <Money value={figures.openToFund} />
            </Figure>
            <Figure label="Repaid / defaulted loans">
              {figures.repaidLoans} / {figures.defaultedLoans}
            </Figure>
            <Figure
              label="Reserve fund"
              hint={
                pendingReserve
                  ? `and ${money(pendingReserve)} of interest waiting in the market to be swept in`
                  : "covers lenders' losses on defaults, up to a cap per loan"
              }
              testId="figure-reserve"
            >
              {reserve.data !== undefined ? <Money value={reserve.data} /> : '—'}
            </Figure>
            <Figure label="Reserve / outstanding principal" testId="figure-coverage">
              {coverage.data === undefined ? '—' : coverage.data === UNBOUNDED ? 'nothing outstanding' : formatBps(coverage.data)}
            </Figure>
          </div>
        )}
        {book.data ? (
          <p className="muted small">
            From the index at block {book.data.indexedBlock ?? '—'}
            {book.data.complete ? '' : ' (the first 2,000 loans)'}; the reserve read from the chain.
          </p>
        ) : null}
      </Card>

      <Card title="Open for funding">
        {figures && featured.length === 0 ? <p className="muted">No loan is listed right now.</p> : null}
        <div className="loan-cards">
          {featured.map((loan) => (
            <Link key={loan.loanId} to={`/loans/${loan.loanId}`} className="loan-card" data-testid="featured-loan">
              <div className="loan-card-head">
                <GradeBadge grade={loan.grade} />
                <span>Loan #{loan.loanId}</span>
                <Rate bps={loan.rateBps} />
              </div>
              <div>
                <Money value={loan.principal} /> over {loan.term} installments
              </div>
              <Progress part={big(loan.funded)} whole={big(loan.principal)} label={`Loan ${loan.loanId} funded`} />
            </Link>
          ))}
        </div>
      </Card>

      <div className="entry-points">
        <Card title="Borrow">
          <p>KYC once, a credit decision in seconds, an offer signed by the risk service, listed by your wallet.</p>
          <Link to="/borrow">Apply</Link>
        </Card>
        <Card title="Invest">
          <p>Answer the suitability questionnaire, pass KYC, fund loans of the grades your risk class admits.</p>
          <Link to="/invest">Your portfolio</Link>
        </Card>
        <Card title="Operators">
          <p>Review queues and the audit log, with an operator API key.</p>
          <Link to="/operator">Console</Link>
        </Card>
      </div>
    </>
  )
}
