// The borrower's loans (GET /v2/loans?borrower=): funding progress and drawdown while listed; while
// drawn, the amount due now read live from the chain (LoanMarketLens.amountDue, at every new block),
// the next due date against the chain's clock, repayment and the schedule.
import { keepPreviousData } from '@tanstack/react-query'
import { useState } from 'react'
import { Link } from 'react-router'
import { useConfig, useReadContract } from 'wagmi'
import { useLoan, useLoanPage } from '../../api/queries'
import type { LoanOut } from '../../api/types'
import { Schedule, installmentState } from '../../components/Schedule'
import { Card, Figure, GradeBadge, Loading, Money, ProblemNotice, Progress, StatusBadge, TxNotice } from '../../components/ui'
import { WalletBalance } from '../../components/Wallet'
import { useChainClock } from '../../chain/clock'
import { allowance, call, useTransactor } from '../../chain/tx'
import { lensAbi, loanMarketAbi } from '../../contracts/abis.generated'
import { TIERS } from '../../lib/grades'
import { big, parseAmountInput, toInputText } from '../../lib/money'
import { formatDate, relativeDays, unixSeconds } from '../../lib/time'
import { usePortal } from '../../portal'

const MARGIN_SECONDS = 600n
const YEAR = 365n * 86_400n

/** Interest on `principal` at `rateBps` a year over `seconds`, rounded up (AnnuityMath's 365-day year). */
function accrual(principal: bigint, rateBps: number, seconds: bigint): bigint {
  const scale = 10_000n * YEAR
  return (principal * BigInt(rateBps) * seconds + scale - 1n) / scale
}

export function MyLoans(props: { borrower: string }) {
  const page = useLoanPage({ borrower: props.borrower, limit: 50 }, null, 3_000)
  const loans = page.data?.items ?? []
  if (page.error) return <ProblemNotice error={page.error} />
  if (!page.data) return <Loading what="your loans" />
  if (loans.length === 0) return null
  return (
    <>
      <h2>Your loans</h2>
      {loans.map((loan) => (
        <BorrowerLoan key={loan.loanId} loan={loan} />
      ))}
    </>
  )
}

function BorrowerLoan(props: { loan: LoanOut }) {
  const { loan } = props
  return (
    <Card
      testId={`borrower-loan-${loan.loanId}`}
      title={
        <>
          <GradeBadge grade={loan.grade} /> <Link to={`/loans/${loan.loanId}`}>Loan #{loan.loanId}</Link>{' '}
          <StatusBadge status={loan.status} />
        </>
      }
    >
      {loan.status === 'listed' ? <ListedLoan loan={loan} /> : null}
      {loan.status === 'active' || loan.status === 'defaulted' ? <Repayment loanId={loan.loanId} /> : null}
      {loan.status === 'repaid' ? <p>Repaid in full. Thank you.</p> : null}
    </Card>
  )
}

function ListedLoan(props: { loan: LoanOut }) {
  const { loan } = props
  const { addresses } = usePortal()
  const tx = useTransactor()
  const funded = big(loan.funded)
  const principal = big(loan.principal)
  return (
    <>
      <p>
        <Money value={funded} /> of <Money value={principal} /> funded by {loan.lenders} lender{loan.lenders === 1 ? '' : 's'}.
      </p>
      <Progress part={funded} whole={principal} label="Funded" />
      <div className="actions">
        <button
          type="button"
          className="button primary"
          disabled={funded < principal || tx.busy}
          onClick={() =>
            tx.run([call(`Draw down loan #${loan.loanId}`, addresses.market, loanMarketAbi, 'drawdown', [BigInt(loan.loanId)])]).catch(() => undefined)
          }
        >
          Draw down
        </button>
        <button
          type="button"
          className="button"
          disabled={tx.busy}
          onClick={() => tx.run([call(`Cancel loan #${loan.loanId}`, addresses.market, loanMarketAbi, 'cancel', [BigInt(loan.loanId)])]).catch(() => undefined)}
        >
          Cancel listing
        </button>
      </div>
      {funded < principal ? <p className="muted small">Drawdown opens once the loan is fully funded.</p> : null}
      <TxNotice state={tx.state} />
    </>
  )
}

function Repayment(props: { loanId: number }) {
  const { addresses, stablecoin, money } = usePortal()
  const config = useConfig()
  const clock = useChainClock()
  const detail = useLoan(props.loanId, 5_000)
  const id = BigInt(props.loanId)
  // Read at the latest block, again at every new one: the amount due grows with late fees as the chain's
  // clock moves, and the chain's clock is the latest block's.
  const atBlock = { blockNumber: clock.blockNumber ?? undefined, query: { enabled: clock.blockNumber !== null, placeholderData: keepPreviousData } }
  const due = useReadContract({ address: addresses.lens, abi: lensAbi, functionName: 'amountDue', args: [id], ...atBlock })
  const payoff = useReadContract({ address: addresses.market, abi: loanMarketAbi, functionName: 'payoffAmount', args: [id], ...atBlock })
  const days = useReadContract({ address: addresses.lens, abi: lensAbi, functionName: 'daysPastDue', args: [id], ...atBlock })
  const [text, setText] = useState<string | null>(null)
  const tx = useTransactor()

  // Interest accrues by the second once an installment is due: the payment is mined a little later than
  // the block the amount was read at, so ten minutes of interest are added (any excess repays principal).
  const outstanding = detail.data ? big(detail.data.principal) - big(detail.data.principalRepaid) : 0n
  const margin = due.data ? accrual(outstanding, detail.data?.rateBps ?? 0, MARGIN_SECONDS) : 0n
  const suggested = due.data !== undefined ? due.data + margin : undefined
  const shown = text ?? (suggested !== undefined ? toInputText(suggested, stablecoin.decimals) : '')
  const amount = parseAmountInput(shown, stablecoin.decimals)
  const next = detail.data?.schedule.find((row) => !row.paid)
  const nextState = next ? installmentState(next, clock.now) : null

  const repay = () => {
    if (amount === null || amount === 0n) return
    tx.run([
      allowance(stablecoin.address, addresses.market, amount, config),
      call(`Repay loan #${props.loanId}`, addresses.market, loanMarketAbi, 'repay', [id, amount]),
    ])
      .then(() => setText(null))
      .catch(() => undefined)
  }

  return (
    <div className="repayment" data-testid="repayment">
      <div className="figures">
        <Figure label="Due now" hint={clock.blockNumber !== null ? `chain block ${clock.blockNumber}` : undefined} testId="amount-due">
          <Money value={due.data ?? null} />
        </Figure>
        <Figure label="To pay off the loan" testId="payoff">
          <Money value={payoff.data ?? null} />
        </Figure>
        <Figure label="Days past due" testId="days-past-due">
          {days.data !== undefined ? `${days.data} (${TIERS[days.data === 0n ? 0 : days.data <= 30n ? 1 : days.data <= 90n ? 2 : 3]})` : '…'}
        </Figure>
        <Figure label="Next installment" testId="next-installment">
          {next ? (
            <>
              #{next.period} <Money value={next.payment} /> on {formatDate(next.dueAt)}
              <div className={`small ${nextState?.className ?? ''}`}>
                {nextState?.label}
                {clock.now !== null && nextState?.label === 'upcoming' ? `, ${relativeDays(unixSeconds(next.dueAt), clock.now)}` : ''}
              </div>
            </>
          ) : (
            'none'
          )}
        </Figure>
      </div>
      <WalletBalance />
      <div className="form inline">
        <label>
          Pay ({stablecoin.symbol})
          <input name="repayAmount" inputMode="decimal" value={shown} onChange={(e) => setText(e.target.value)} />
        </label>
        <button type="button" className="button primary" disabled={amount === null || amount === 0n || tx.busy} onClick={repay}>
          Repay {amount ? money(amount) : ''}
        </button>
        <button type="button" className="button" disabled={payoff.data === undefined} onClick={() => payoff.data !== undefined && setText(toInputText(payoff.data, stablecoin.decimals))}>
          Pay off
        </button>
      </div>
      {margin > 0n ? (
        <p className="muted small" data-testid="accrual-margin">
          The amount includes {money(margin)}: interest for the ten minutes until the payment is mined. Anything beyond
          what is due then reduces your principal.
        </p>
      ) : null}
      {due.data === 0n ? <p className="muted small">Nothing is due yet on the chain's clock; a payment now is an early repayment.</p> : null}
      <TxNotice state={tx.state} />
      {detail.data ? <Schedule schedule={detail.data.schedule} now={clock.now} /> : null}
    </div>
  )
}
