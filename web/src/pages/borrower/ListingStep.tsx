// The offer of an approved application and its listing: LoanMarket.list(params, offer, signature,
// agreementHash) sent by the borrower's wallet, with the offer the risk service signed (EIP-712, from the
// API) and a listing that stays within it. Before listing, the API renders the loan agreement for these
// terms (POST /v2/agreements); it is shown, the wallet signs its EIP-712 typed data, the signature is
// posted, and the listing binds the agreement's hash. The market also needs the borrower's credit record on the chain, which the
// credit oracle publishes shortly after the approval.
import { useState } from 'react'
import { type Address, type Hex, parseEventLogs, zeroAddress } from 'viem'
import { useAccount, useConfig, useReadContract } from 'wagmi'
import { signTypedData } from 'wagmi/actions'
import { api } from '../../api/client'
import type { LoanApplication } from '../../api/types'
import { Card, Figure, GradeBadge, Money, ProblemNotice, Rate, TxNotice } from '../../components/ui'
import { useChainClock } from '../../chain/clock'
import { inputComponents, structFromMessage, typedMessage, withoutDomainType } from '../../chain/structs'
import { allowance, call, type TxStep, useTransactor } from '../../chain/tx'
import { creditOracleAbi, loanMarketAbi } from '../../contracts/abis.generated'
import { big, formatUnitsExact, parseAmountInput, toInputText } from '../../lib/money'
import { formatDateTime, relativeDays } from '../../lib/time'
import type { Deployment } from '../../config'
import { usePortal } from '../../portal'

const DAY = 86_400n

/** The agreement the API renders for the listing (POST /v2/agreements), with its typed data to sign. */
interface AgreementDraft {
  id: string
  text: string
  agreementHash: Hex
  typedData: { domain: Record<string, unknown>; types: Record<string, { name: string; type: string }[]>; primaryType: string; message: Record<string, unknown> }
}

/** A collateral token's decimals and symbol, as the deployment configured the vault with it. */
function collateralOf(deployment: Deployment, token: Address): { decimals: number; symbol: string } {
  const vault = deployment.parameters.CollateralVault as { collateral?: { token: string; decimals: number; symbol: string }[] } | undefined
  const entry = vault?.collateral?.find((c) => c.token.toLowerCase() === token.toLowerCase())
  return entry ? { decimals: entry.decimals, symbol: entry.symbol } : { decimals: 18, symbol: 'collateral units' }
}

export function OfferCard(props: { application: LoanApplication }) {
  const { application } = props
  const offer = application.offer
  return (
    <Card title="Credit decision" testId="credit-decision">
      <p>
        Application <code>{application.id.slice(0, 8)}</code>:{' '}
        <strong data-testid="application-status">{application.status}</strong> · score {application.score} · grade{' '}
        <GradeBadge grade={application.grade} />
      </p>
      {application.status === 'review' ? <p>A credit reviewer is looking at it; the offer follows their decision.</p> : null}
      {offer ? (
        <div className="figures" data-testid="offer">
          <Figure label="Offered principal">
            <Money value={offer.principal} />
          </Figure>
          <Figure label="APR">
            <Rate bps={offer.aprBps} />
          </Figure>
          <Figure label="Installments">{offer.termMonths}</Figure>
          <Figure label="Installment">
            <Money value={offer.installment} />
          </Figure>
          <Figure label="Collateral">{offer.collateralRequired ? 'required' : 'not required'}</Figure>
          <Figure label="Lenders need risk class">{offer.minRiskClass}+</Figure>
        </div>
      ) : null}
      {application.reasons.length > 0 ? (
        <details>
          <summary>What weighed on the score</summary>
          <ul>
            {application.reasons.map((reason) => (
              <li key={reason.code}>{reason.text}</li>
            ))}
          </ul>
        </details>
      ) : null}
    </Card>
  )
}

export function ListingStep(props: { application: LoanApplication; onListed: (loanId: bigint) => void }) {
  const signed = props.application.signedOffer
  const { addresses, stablecoin, money, deployment } = usePortal()
  const { address } = useAccount()
  const config = useConfig()
  const clock = useChainClock()
  const tx = useTransactor()
  const message = signed?.typedData?.message
  const maxPrincipal = big(message?.maxPrincipal as string | number | undefined)
  const [principalText, setPrincipalText] = useState(toInputText(maxPrincipal, stablecoin.decimals))
  const [days, setDays] = useState('7')
  const [collateralText, setCollateralText] = useState('')
  const [agreement, setAgreement] = useState<AgreementDraft | null>(null)
  const [agreementError, setAgreementError] = useState<unknown>(null)

  const fresh = useReadContract({
    address: addresses.oracle,
    abi: creditOracleAbi,
    functionName: 'isFresh',
    args: address ? [address] : undefined,
    query: { enabled: Boolean(address), refetchInterval: 2_000 },
  })
  const used = useReadContract({
    address: addresses.market,
    abi: loanMarketAbi,
    functionName: 'offerUsed',
    args: address && message ? [address, BigInt(message.nonce as string)] : undefined,
    query: { enabled: Boolean(address && message) },
  })

  if (!signed || signed.status !== 'signed' || !message || !signed.signature) {
    return (
      <Card title="Listing">
        <p>The offer is not signed yet{signed?.reason ? ` (${signed.reason}: ${signed.detail})` : ''}; it is asked for again shortly.</p>
      </Card>
    )
  }
  if (used.data) return null

  const collateralToken = message.collateralToken as Address
  const secured = collateralToken !== zeroAddress
  const collateralInfo = collateralOf(deployment, collateralToken)
  const expiry = BigInt(message.expiry as number)
  const principal = parseAmountInput(principalText, stablecoin.decimals)
  const collateral = secured ? parseAmountInput(collateralText, collateralInfo.decimals) : 0n
  const window = /^\d+$/.test(days) ? BigInt(days) : null
  const expired = clock.now !== null && clock.now >= expiry
  const problem =
    principal === null || principal === 0n
      ? 'Enter the principal.'
      : principal > maxPrincipal
        ? `The offer allows at most ${money(maxPrincipal)}.`
        : window === null || window < 1n
          ? 'The listing stays open at least a day.'
          : secured && (collateral === null || collateral < big(message.minCollateral as string | number))
            ? 'Pledge at least the collateral the offer names.'
            : expired
              ? 'The offer has expired on the chain\'s clock: apply again.'
              : null

  const list = async () => {
    if (principal === null || window === null || clock.now === null || collateral === null) return
    const offer = structFromMessage(inputComponents(loanMarketAbi, 'list', 1), message)
    const params = {
      principal,
      minFill: 0n, // funded in full, or not drawn
      numPeriods: Number(message.maxPeriods),
      periodLength: Number(message.periodLength),
      listingDeadline: Number(clock.now + window * DAY), // on the chain's clock, as the market checks it
      collateralToken,
      collateralAmount: collateral,
    }
    const steps: TxStep[] = []
    if (secured && addresses.vault) steps.push(allowance(collateralToken, addresses.vault, collateral, config))
    let drafted: AgreementDraft
    try {
      setAgreementError(null)
      drafted = await api.post<AgreementDraft>('/v2/agreements', {
        applicationId: props.application.id,
        principal: principal.toString(),
        numPeriods: params.numPeriods,
        listingDeadline: params.listingDeadline,
        collateralToken,
        collateralAmount: collateral.toString(),
      }, { auth: 'wallet' })
      setAgreement(drafted)
      const typed = drafted.typedData
      const sign = signTypedData as (c: typeof config, typed: unknown) => Promise<Hex>
      const agreementSignature = await sign(config, {
        domain: typed.domain,
        types: withoutDomainType(typed.types),
        primaryType: typed.primaryType,
        message: typedMessage(typed.types, typed.primaryType, typed.message),
      })
      await api.post(`/v2/agreements/${drafted.id}/signature`, { signature: agreementSignature }, { auth: 'wallet' })
    } catch (error) {
      setAgreementError(error)
      return
    }
    steps.push(call('List the loan', addresses.market, loanMarketAbi, 'list', [params, offer as never, signed.signature as Hex, drafted.agreementHash]))
    try {
      const receipts = await tx.run(steps)
      const listed = parseEventLogs({ abi: loanMarketAbi, eventName: 'LoanListed', logs: receipts.flatMap((r) => r.logs) })
      const loanId = listed[0]?.args.loanId
      if (loanId !== undefined) props.onListed(loanId)
    } catch {
      // shown by the transaction notice
    }
  }

  return (
    <Card title="List your loan" testId="listing">
      <p>
        The risk service signed this offer for your wallet; it is valid until {formatDateTime(expiry)}
        {clock.now !== null ? ` (${relativeDays(expiry, clock.now)} on the chain's clock)` : ''}. Your listing must stay
        within it: at most <Money value={maxPrincipal} /> over {String(message.maxPeriods)} installments of{' '}
        {Number(message.periodLength) / 86_400} days.
      </p>
      <p data-testid="credit-record">
        Credit record on the chain:{' '}
        {fresh.data === undefined ? '…' : fresh.data ? 'published and fresh' : 'waiting for the credit oracle to publish it…'}
      </p>
      <div className="form">
        <label>
          Principal ({stablecoin.symbol})
          <input name="listPrincipal" inputMode="decimal" value={principalText} onChange={(e) => setPrincipalText(e.target.value)} />
        </label>
        <label>
          Open for funding (days)
          <input name="listDays" type="number" min={1} max={60} value={days} onChange={(e) => setDays(e.target.value)} />
        </label>
        {secured ? (
          <label>
            Collateral to pledge ({collateralInfo.symbol}; at least {formatUnitsExact(big(message.minCollateral as string), collateralInfo.decimals, 0)})
            <input name="collateral" inputMode="decimal" value={collateralText} onChange={(e) => setCollateralText(e.target.value)} />
          </label>
        ) : null}
        {problem ? <p className="field-error">{problem}</p> : null}
        <button type="button" className="button primary" disabled={Boolean(problem) || !fresh.data || tx.busy} onClick={list}>
          List loan
        </button>
      </div>
      {agreement ? (
        <details open data-testid="agreement">
          <summary>
            Loan agreement <code>{agreement.agreementHash.slice(0, 18)}…</code>, signed by your wallet and bound to the listing
          </summary>
          <pre className="agreement-text">{agreement.text}</pre>
        </details>
      ) : null}
      {agreementError ? <ProblemNotice error={agreementError} /> : null}
      <TxNotice state={tx.state} />
    </Card>
  )
}
