// Auto-invest: the lender's own ledger in AutoInvest (deposits stay the lender's, no pool), and a mandate
// signed as EIP-712 typed data the API builds (POST /v2/auto-invest/mandates/typed-data), submitted with
// AutoInvest.setMandateBySig by the wallet. The keeper allocates new listings to matching mandates.
import { type FormEvent, useState } from 'react'
import type { Address, Hex } from 'viem'
import { useAccount, useConfig } from 'wagmi'
import { signTypedData } from 'wagmi/actions'
import { api } from '../../api/client'
import { useAutoInvestAccount } from '../../api/queries'
import type { MandateTypedData } from '../../api/types'
import { Card, Figure, Loading, Money, ProblemNotice, TxNotice } from '../../components/ui'
import { typedMessage, withoutDomainType } from '../../chain/structs'
import { allowance, call, TxFailed, useTransactor } from '../../chain/tx'
import { autoInvestAbi } from '../../contracts/abis.generated'
import { GRADE_LETTERS, gradeMask, gradesOfMask } from '../../lib/grades'
import { formatBps, parseAmountInput, parsePercentToBps } from '../../lib/money'
import { formatDate } from '../../lib/time'
import { usePortal } from '../../portal'

const LOCK_TIERS = ['no lock-up', '30 days', '90 days', '180 days', '365 days']

export function AutoInvest() {
  const { addresses } = usePortal()
  if (!addresses.autoInvest) return null
  return <AutoInvestPanel autoInvest={addresses.autoInvest} />
}

function AutoInvestPanel(props: { autoInvest: Address }) {
  const account = useAutoInvestAccount()
  const { stablecoin, money } = usePortal()
  const config = useConfig()
  const { address } = useAccount()
  const tx = useTransactor()
  const [depositText, setDepositText] = useState('')
  const [formError, setFormError] = useState<unknown>(null)

  const deposit = () => {
    const amount = parseAmountInput(depositText, stablecoin.decimals)
    if (!amount) return
    tx.run([
      allowance(stablecoin.address, props.autoInvest, amount, config),
      call('Deposit to auto-invest', props.autoInvest, autoInvestAbi, 'deposit', [amount]),
    ])
      .then(() => setDepositText(''))
      .catch(() => undefined)
  }

  const setMandate = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    setFormError(null)
    if (!address) return
    const form = new FormData(event.currentTarget)
    const grades = form.getAll('mandateGrade').map(Number)
    const minApr = parsePercentToBps(String(form.get('minApr') ?? '0'))
    const perLoan = parseAmountInput(String(form.get('amountPerLoan') ?? ''), stablecoin.decimals)
    const perBorrower = parseAmountInput(String(form.get('maxPerBorrower') ?? ''), stablecoin.decimals)
    if (grades.length === 0 || minApr === null || !perLoan || !perBorrower) {
      setFormError(new Error('Choose at least one grade, a minimum rate and both amounts.'))
      return
    }
    try {
      const built = await api.post<MandateTypedData>('/v2/auto-invest/mandates/typed-data', {
        lender: address,
        grades: gradeMask(grades),
        minAprBps: minApr,
        maxTermDays: Number(form.get('maxTermDays')),
        amountPerLoan: perLoan.toString(),
        maxPerBorrower: perBorrower.toString(),
        lockTier: Number(form.get('lockTier')),
      })
      const { typedData } = built
      const message = typedMessage(typedData.types, typedData.primaryType, typedData.message)
      // The wallet signs what the API built (eth_signTypedData_v4); the contract checks it.
      const sign = signTypedData as (c: typeof config, typed: unknown) => Promise<Hex>
      const signature = await sign(config, {
        domain: typedData.domain,
        types: withoutDomainType(typedData.types),
        primaryType: typedData.primaryType,
        message,
      })
      const mandate = {
        grades: Number(message.grades),
        minAprBps: Number(message.minAprBps),
        maxTermDays: Number(message.maxTermDays),
        amountPerLoan: message.amountPerLoan as bigint,
        maxPerBorrower: message.maxPerBorrower as bigint,
        lockTier: Number(message.lockTier),
        active: true,
      }
      await tx.run([
        call('Set the auto-invest mandate', props.autoInvest, autoInvestAbi, 'setMandateBySig', [
          address,
          mandate,
          BigInt(built.deadline),
          signature as Hex,
        ]),
      ])
    } catch (error) {
      if (!(error instanceof TxFailed)) setFormError(error) // a failed transaction shows in its notice
    }
  }

  if (account.error) return <ProblemNotice error={account.error} />
  if (!account.data) return <Loading what="your auto-invest account" />
  const a = account.data
  return (
    <Card title="Auto-invest" testId="auto-invest">
      <p>
        Your deposit stays yours in AutoInvest's ledger; a mandate you sign tells the keeper which new listings to fund
        for you, in queue order.
      </p>
      <div className="figures">
        <Figure label="Balance (uninvested)" testId="auto-balance">
          <Money value={a.balance} />
        </Figure>
        <Figure label="Invested / returned">
          <Money value={a.invested} /> / <Money value={a.returned} />
        </Figure>
        <Figure label="Locked until">{a.lockedUntil ? formatDate(a.lockedUntil) : 'not locked'}</Figure>
        <Figure label="Queue place">{a.queuePlace || '—'}</Figure>
        <Figure label="Mandate" testId="mandate">
          {a.mandate.active
            ? `grades ${gradesOfMask(a.mandate.grades).map((g) => GRADE_LETTERS[g - 1]).join('')}, from ${formatBps(a.mandate.minAprBps)}, ${money(BigInt(a.mandate.amountPerLoan))} per loan`
            : 'none'}
        </Figure>
      </div>
      <div className="form inline">
        <label>
          Deposit ({stablecoin.symbol})
          <input name="autoDeposit" inputMode="decimal" value={depositText} onChange={(e) => setDepositText(e.target.value)} />
        </label>
        <button type="button" className="button" disabled={!parseAmountInput(depositText, stablecoin.decimals) || tx.busy} onClick={deposit}>
          Deposit
        </button>
      </div>
      <form className="form" onSubmit={setMandate} aria-label="Auto-invest mandate">
        <fieldset className="grade-filter">
          <legend>Grades to fund</legend>
          {GRADE_LETTERS.map((letter, i) => (
            <label key={letter} className="check">
              <input type="checkbox" name="mandateGrade" value={i + 1} defaultChecked={i < 2} />
              {letter}
            </label>
          ))}
        </fieldset>
        <label>
          Minimum rate (%)
          <input name="minApr" inputMode="decimal" defaultValue="8" />
        </label>
        <label>
          Longest term (days)
          <input name="maxTermDays" type="number" min={1} max={65535} defaultValue={365} />
        </label>
        <label>
          Amount per loan ({stablecoin.symbol})
          <input name="amountPerLoan" inputMode="decimal" defaultValue="100" />
        </label>
        <label>
          At most per borrower ({stablecoin.symbol})
          <input name="maxPerBorrower" inputMode="decimal" defaultValue="500" />
        </label>
        <label>
          Lock-up
          <select name="lockTier" defaultValue="0">
            {LOCK_TIERS.map((label, tier) => (
              <option key={label} value={tier}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button primary" disabled={tx.busy}>
          Sign and set mandate
        </button>
      </form>
      <ProblemNotice error={formError} />
      <TxNotice state={tx.state} />
    </Card>
  )
}
