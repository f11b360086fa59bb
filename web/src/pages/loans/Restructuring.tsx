// A drawn loan's restructuring (贷后管理): the latest proposal with its terms, the approvals by principal
// against the two-thirds threshold, and the schedule it would give (LoanMarketLens.restructurePreview,
// read by the API at the latest block). The borrower proposes or withdraws; a note holder approves with a
// transaction or signs the EIP-712 approval the API builds and submits it; once the threshold is met anyone
// may execute. Expiry is set and judged on the chain's clock.
import { type FormEvent, useState } from 'react'
import type { Address, Hex } from 'viem'
import { isAddressEqual } from 'viem'
import { useAccount, useConfig } from 'wagmi'
import { signTypedData } from 'wagmi/actions'
import { approvalTypedData, type Proposal, type Restructuring, useRestructuring } from '../../api/restructuring'
import type { LoanDetail } from '../../api/types'
import { Schedule } from '../../components/Schedule'
import { Card, Figure, Loading, Money, ProblemNotice, Progress, StatusBadge, TxNotice } from '../../components/ui'
import { useChainClock } from '../../chain/clock'
import { typedMessage, withoutDomainType } from '../../chain/structs'
import { call, TxFailed, useTransactor } from '../../chain/tx'
import { restructuringAbi } from '../../contracts/abis.generated'
import { big } from '../../lib/money'
import { formatDate, formatDateTime, relativeDays, shortAddress, unixSeconds } from '../../lib/time'
import { usePortal } from '../../portal'
import '../../components/servicing.css'

const DAY = 86_400
const MAX_HOLIDAY_PERIODS = 12 // RestructureSchedule.MAX_HOLIDAY_PERIODS
const MAX_OPEN_DAYS = 30 // RestructureProposals.MAX_DURATION

export function RestructuringPanel(props: { loan: LoanDetail }) {
  const { loan } = props
  const restructuring = useRestructuring(loan.loanId)
  const { address } = useAccount()
  const clock = useChainClock()
  // The holders' transactions outlive the open proposal: executing one closes it, and its notice stays.
  const tx = useTransactor()
  if (!loan.drawnAt) return null
  if (restructuring.error) return <ProblemNotice error={restructuring.error} title="Restructuring" />
  if (!restructuring.data) return <Loading what="the restructuring" />
  const r = restructuring.data
  const p = r.proposal
  const isBorrower = address !== undefined && isAddressEqual(address, loan.borrower as Address)
  const open = p?.status === 'open'
  return (
    <Card title="Restructuring" testId="restructuring">
      {!p ? (
        <p className="muted">No new schedule has been proposed for this loan.</p>
      ) : (
        <ProposalTerms proposal={p} />
      )}
      {p && (open || p.status === 'expired') ? <Approvals restructuring={r} /> : null}
      {open && r.preview ? (
        <>
          <h3>The schedule it would give</h3>
          {r.preview.schedule ? (
            <>
              <p className="muted small">If executed at block {r.preview.blockNumber} ({formatDateTime(r.preview.blockTime)}).</p>
              <Schedule schedule={r.preview.schedule} now={clock.now} />
            </>
          ) : (
            <p className="muted">The chain could not be read for the preview{r.preview.error ? `: ${r.preview.error}` : ''}.</p>
          )}
        </>
      ) : null}
      {open && p ? <Actions loan={loan} restructuring={r} proposal={p} isBorrower={isBorrower} tx={tx} /> : <TxNotice state={tx.state} />}
      {isBorrower && loan.status === 'active' ? <Propose loanId={loan.loanId} open={open} /> : null}
      {r.history.length > 0 ? (
        <details>
          <summary>Earlier proposals ({r.history.length})</summary>
          {r.history.map((h) => (
            <ProposalTerms key={h.proposalId} proposal={h} />
          ))}
        </details>
      ) : null}
    </Card>
  )
}

function ProposalTerms(props: { proposal: Proposal }) {
  const p = props.proposal
  const clock = useChainClock()
  const expiry = unixSeconds(p.expiry)
  return (
    <>
      <h3>
        Proposal {p.proposalId} <StatusBadge status={p.status} />
      </h3>
      <div className="figures" data-testid="restructuring-terms">
        <Figure label="More installments">{p.extraPeriods}</Figure>
        <Figure label="Payment holiday" hint="periods in which nothing falls due">
          {p.holidayPeriods}
        </Figure>
        <Figure label="Proposed">{formatDateTime(p.proposedAt)}</Figure>
        <Figure
          label={p.status === 'open' ? 'Open until' : 'Expiry'}
          hint={p.status === 'open' && clock.now !== null ? `${relativeDays(expiry, clock.now)} (chain time)` : undefined}
        >
          {formatDateTime(p.expiry)}
        </Figure>
      </div>
      {p.terms ? (
        <div className="figures" data-testid="restructuring-new-terms">
          <Figure label="New installments">{p.terms.numPeriods}</Figure>
          <Figure label="Installment">
            <Money value={p.terms.installment} />
          </Figure>
          <Figure label="First due">{formatDate(p.terms.firstDueAt)}</Figure>
          <Figure label="Maturity">{formatDate(p.terms.maturity)}</Figure>
          <Figure label="Rescheduled principal">
            <Money value={p.terms.baseBalance} />
          </Figure>
          <Figure label="Charges in the first installment" hint="late fees and interest due with it">
            <Money value={p.terms.firstCharges} />
          </Figure>
        </div>
      ) : null}
    </>
  )
}

function Approvals(props: { restructuring: Restructuring }) {
  const r = props.restructuring
  const funded = big(r.funded)
  const required = big(r.requiredPrincipal)
  const mark = funded === 0n ? 0 : Number((required * 1000n) / funded) / 10
  return (
    <>
      <h3>Approvals by principal</h3>
      <div className="figures">
        <Figure label="Approved" testId="restructuring-approved">
          <Money value={r.approvedPrincipal} />
        </Figure>
        <Figure label="Needed (two thirds)" testId="restructuring-required">
          <Money value={r.requiredPrincipal} />
        </Figure>
        <Figure label="All notes">
          <Money value={r.funded} />
        </Figure>
      </div>
      <div className="threshold">
        <Progress part={big(r.approvedPrincipal)} whole={funded} label="Approved principal" />
        <span className="threshold-mark" style={{ left: `${mark}%` }} title="two thirds" />
      </div>
      {r.approvals.length > 0 ? (
        <table className="table" data-testid="restructuring-approvals">
          <thead>
            <tr>
              <th>Note</th>
              <th>Approved by</th>
              <th>Principal share</th>
              <th>Counts</th>
            </tr>
          </thead>
          <tbody>
            {r.approvals.map((a) => (
              <tr key={a.noteId} data-testid="restructuring-approval">
                <td data-label="Note">{a.noteId}</td>
                <td data-label="Approved by">
                  <code title={a.holder}>{shortAddress(a.holder)}</code>, {formatDateTime(a.approvedAt)}
                </td>
                <td data-label="Principal share">
                  <Money value={a.share} />
                </td>
                <td data-label="Counts">{a.counts ? 'yes' : 'no: the note changed hands since'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">No holder has approved yet.</p>
      )}
      <p className="muted small">
        {r.executable ? 'The threshold is met: anyone may execute the new schedule now.' : 'It takes effect once notes carrying two thirds of the principal approve.'}{' '}
        Index at block {r.indexedBlock ?? '—'}.
      </p>
    </>
  )
}

function Actions(props: {
  loan: LoanDetail
  restructuring: Restructuring
  proposal: Proposal
  isBorrower: boolean
  tx: ReturnType<typeof useTransactor>
}) {
  const { loan, restructuring: r, isBorrower, tx } = props
  const { addresses } = usePortal()
  const config = useConfig()
  const { address } = useAccount()
  const [problem, setProblem] = useState<unknown>(null)
  const loanId = BigInt(loan.loanId)
  const mine = address ? r.approvals.filter((a) => a.counts && isAddressEqual(a.holder, address)) : []

  // The holder's notes and the open proposal as the chain has them now (the index may lag a block).
  const approve = async (how: 'transaction' | 'signature') => {
    if (!address) return
    setProblem(null)
    try {
      const built = await approvalTypedData(loan.loanId, address)
      const noteIds = built.noteIds.map((id) => BigInt(id))
      const proposalId = BigInt(built.proposalId)
      if (how === 'transaction') {
        await tx.run([call(`Approve proposal ${built.proposalId}`, addresses.market, restructuringAbi, 'approveRestructure', [loanId, proposalId, noteIds])])
        return
      }
      const { typedData } = built
      // The wallet signs what the API built (eth_signTypedData_v4); the market checks the signer and nonce.
      const sign = signTypedData as (c: typeof config, typed: unknown) => Promise<Hex>
      const signature = await sign(config, {
        domain: typedData.domain,
        types: withoutDomainType(typedData.types),
        primaryType: typedData.primaryType,
        message: typedMessage(typedData.types, typedData.primaryType, typedData.message),
      })
      await tx.run([
        call(`Submit the signed approval of proposal ${built.proposalId}`, addresses.market, restructuringAbi, 'approveRestructureBySig', [
          address,
          loanId,
          proposalId,
          noteIds,
          BigInt(built.deadline),
          signature,
        ]),
      ])
    } catch (error) {
      if (!(error instanceof TxFailed)) setProblem(error) // a failed transaction shows in its notice
    }
  }

  return (
    <div data-testid="restructuring-actions">
      {address && !isBorrower ? (
        <div className="card inner">
          <h3>Holders vote</h3>
          {mine.length > 0 ? (
            <p data-testid="restructuring-you-approved">
              You approved for {mine.length} note{mine.length === 1 ? '' : 's'} (<Money value={mine.reduce((s, a) => s + big(a.share), 0n)} />).
            </p>
          ) : (
            <p>If you hold notes of this loan, approve the proposal for all of them: with a transaction, or by signing the approval, which costs nothing to sign.</p>
          )}
          <div className="actions">
            <button type="button" className="button" disabled={tx.busy} onClick={() => approve('transaction')}>
              Approve with a transaction
            </button>
            <button type="button" className="button primary" disabled={tx.busy} onClick={() => approve('signature')}>
              Sign the approval
            </button>
          </div>
        </div>
      ) : null}
      {address && r.executable ? (
        <button
          type="button"
          className="button primary"
          disabled={tx.busy}
          onClick={() =>
            tx
              .run([
                call('Execute the new schedule', addresses.market, restructuringAbi, 'executeRestructure', [
                  loanId,
                  r.approvingNoteIds.map((id) => BigInt(id)),
                ]),
              ])
              .catch(() => undefined)
          }
        >
          Execute the new schedule
        </button>
      ) : null}
      {isBorrower ? (
        <button
          type="button"
          className="button"
          disabled={tx.busy}
          onClick={() =>
            tx.run([call('Withdraw the proposal', addresses.market, restructuringAbi, 'withdrawRestructure', [loanId])]).catch(() => undefined)
          }
        >
          Withdraw the proposal
        </button>
      ) : null}
      <ProblemNotice error={problem} />
      <TxNotice state={tx.state} />
    </div>
  )
}

/** The form while no proposal is open; once one is, only the notice of the transaction that opened it. */
function Propose(props: { loanId: number; open: boolean }) {
  const { addresses } = usePortal()
  const clock = useChainClock()
  const tx = useTransactor()
  const [problem, setProblem] = useState<string | null>(null)
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const extra = Number(form.get('extraPeriods'))
    const holiday = Number(form.get('holidayPeriods'))
    const days = Number(form.get('openDays'))
    if (clock.now === null) return setProblem("The chain's clock has not been read yet.")
    if (!Number.isInteger(extra) || !Number.isInteger(holiday) || extra < 0 || holiday < 0 || extra + holiday === 0) {
      return setProblem('Ask for more installments, a payment holiday, or both.')
    }
    if (holiday > MAX_HOLIDAY_PERIODS) return setProblem(`A holiday lasts at most ${MAX_HOLIDAY_PERIODS} periods.`)
    if (!Number.isInteger(days) || days < 1 || days > MAX_OPEN_DAYS) return setProblem(`A proposal stays open 1 to ${MAX_OPEN_DAYS} days.`)
    setProblem(null)
    // Open for `days` from the latest block: the block that mines it is later, so within the 30 days.
    const expiry = Number(clock.now) + days * DAY
    tx.run([
      call(`Propose a new schedule for loan #${props.loanId}`, addresses.market, restructuringAbi, 'proposeRestructure', [
        BigInt(props.loanId),
        extra,
        holiday,
        expiry,
      ]),
    ]).catch(() => undefined)
  }
  if (props.open) return <TxNotice state={tx.state} />
  return (
    <form className="form" onSubmit={submit} aria-label="Propose a new schedule" data-testid="restructuring-propose">
      <h3>Propose a new schedule</h3>
      <p className="muted small">
        If you cannot keep up, ask your lenders for more installments and/or a payment holiday. Nothing is forgiven:
        everything outstanding is spread over the new installments, and interest keeps accruing during a holiday. It takes
        effect once holders of two thirds of the principal approve.
      </p>
      <label>
        More installments
        <input name="extraPeriods" type="number" min={0} max={100} defaultValue={2} />
      </label>
      <label>
        Payment holiday (periods, at most {MAX_HOLIDAY_PERIODS})
        <input name="holidayPeriods" type="number" min={0} max={MAX_HOLIDAY_PERIODS} defaultValue={1} />
      </label>
      <label>
        Open for (days, at most {MAX_OPEN_DAYS})
        <input name="openDays" type="number" min={1} max={MAX_OPEN_DAYS} defaultValue={14} />
      </label>
      <button type="submit" className="button primary" disabled={tx.busy}>
        Propose
      </button>
      {problem ? <p className="field-error">{problem}</p> : null}
      <TxNotice state={tx.state} />
    </form>
  )
}
