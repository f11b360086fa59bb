// Funding a listed loan: the amount, then the suitability warning (the wallet's investor risk class on
// the chain against the class the loan's grade needs) before anything is sent; then approve and fund.
import { useState } from 'react'
import { useAccount, useConfig, useReadContract } from 'wagmi'
import type { LoanDetail } from '../../api/types'
import { RiskNotice } from '../../components/Notices'
import { RequireSignIn } from '../../components/WalletButton'
import { Money, TxNotice } from '../../components/ui'
import { identityRegistryAbi, loanMarketAbi } from '../../contracts/abis.generated'
import { allowance, call, useTransactor } from '../../chain/tx'
import { gradeLetter } from '../../lib/grades'
import { big, parseAmountInput, toInputText } from '../../lib/money'
import { usePortal } from '../../portal'

export function FundPanel(props: { loan: LoanDetail }) {
  const { loan } = props
  const { addresses, stablecoin, deployment, money } = usePortal()
  const config = useConfig()
  const { address } = useAccount()
  const remaining = big(loan.principal) - big(loan.funded)
  const minTicket = big(deployment.parameters.LoanMarket?.minTicket ?? 0)
  const [text, setText] = useState(toInputText(remaining < minTicket || minTicket === 0n ? remaining : minTicket, stablecoin.decimals))
  const [confirming, setConfirming] = useState(false)
  const [understood, setUnderstood] = useState(false)
  const tx = useTransactor()
  const amount = parseAmountInput(text, stablecoin.decimals)

  const riskClass = useReadContract({
    address: addresses.registry,
    abi: identityRegistryAbi,
    functionName: 'riskClassOf',
    args: address ? [address] : undefined,
    query: { enabled: Boolean(address) },
  })
  const eligible = useReadContract({
    address: addresses.registry,
    abi: identityRegistryAbi,
    functionName: 'isEligible',
    args: address ? [address] : undefined,
    query: { enabled: Boolean(address) },
  })
  const required = useReadContract({
    address: addresses.market,
    abi: loanMarketAbi,
    functionName: 'minRiskClassForGrade',
    args: [loan.grade],
  })

  const amountProblem =
    amount === null
      ? 'Enter an amount.'
      : amount === 0n
        ? 'The amount must be more than zero.'
        : amount > remaining
          ? `At most ${money(remaining)} is still needed.`
          : amount < minTicket && amount !== remaining
            ? `The smallest ticket is ${money(minTicket)}.`
            : null
  const suitable = riskClass.data !== undefined && required.data !== undefined && riskClass.data >= required.data

  const send = async () => {
    if (amount === null) return
    await tx
      .run([
        allowance(stablecoin.address, addresses.market, amount, config),
        call(`Fund loan #${loan.loanId}`, addresses.market, loanMarketAbi, 'fund', [BigInt(loan.loanId), amount]),
      ])
      .then(() => {
        setConfirming(false)
        setUnderstood(false)
      })
      .catch(() => undefined)
  }

  return (
    <section className="card fund" data-testid="fund-panel">
      <h2>Fund this loan</h2>
      <p>
        Still needed: <Money value={remaining} />
        {minTicket > 0n ? (
          <>
            {' '}
            · smallest ticket <Money value={minTicket} />
          </>
        ) : null}
      </p>
      <RequireSignIn purpose="fund loans">
        <label>
          Amount ({stablecoin.symbol})
          <input
            name="fundAmount"
            inputMode="decimal"
            value={text}
            onChange={(event) => {
              setText(event.target.value)
              setConfirming(false)
            }}
          />
        </label>
        {amountProblem && text ? <p className="field-error">{amountProblem}</p> : null}
        {!confirming ? (
          <button type="button" className="button primary" disabled={Boolean(amountProblem) || tx.busy} onClick={() => setConfirming(true)}>
            Fund…
          </button>
        ) : (
          <div className="suitability-warning" role="dialog" aria-label="Suitability warning" data-testid="suitability-warning">
            <h3>Before you lend {amount !== null ? money(amount) : ''}</h3>
            {riskClass.data === undefined || required.data === undefined ? (
              <p>Reading your risk class from the chain…</p>
            ) : (
              <p data-testid="suitability-verdict">
                Your investor risk class is <strong>{riskClass.data}</strong> (from your suitability questionnaire, as
                attested on the chain). Grade {gradeLetter(loan.grade)} loans need class{' '}
                <strong>{required.data}</strong> or higher:{' '}
                {suitable
                  ? 'this loan is within the risk you said you can bear.'
                  : 'this loan is riskier than you said you can bear, and the contract would refuse it.'}
              </p>
            )}
            {eligible.data === false ? (
              <p className="field-error">Your wallet has no valid KYC attestation: complete KYC on the Invest page first.</p>
            ) : null}
            <RiskNotice grade={loan.grade} />
            <label className="check">
              <input type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} />I have read the
              risk notice and understand I may lose money.
            </label>
            <div className="actions">
              <button
                type="button"
                className="button primary"
                disabled={!understood || !suitable || eligible.data === false || tx.busy}
                onClick={send}
              >
                Send funding
              </button>
              <button type="button" className="button" onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </div>
          </div>
        )}
        <TxNotice state={tx.state} />
      </RequireSignIn>
    </section>
  )
}
