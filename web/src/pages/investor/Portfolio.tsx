// The investor's portfolio (GET /v2/wallets/{address}/portfolio): figures, the asset overview as a donut
// (wallet cash, principal outstanding in notes, claimable now, auto-invest balance), claims per month as
// a bar chart, and each note with what it can claim now (LoanMarket.claimable at the latest block).
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { lazy, Suspense } from 'react'
import { Link } from 'react-router'
import { useAccount, useConfig } from 'wagmi'
import { readContract } from 'wagmi/actions'
import { useAutoInvestAccount, useClaims, usePortfolio } from '../../api/queries'
import type { Holding } from '../../api/types'
import { useStablecoinBalance } from '../../components/Wallet'
import { Card, Figure, Loading, Money, ProblemNotice, StatusBadge, TxNotice } from '../../components/ui'
import { useChainClock } from '../../chain/clock'
import { call, useTransactor } from '../../chain/tx'
import { loanMarketAbi } from '../../contracts/abis.generated'
import { big, toChartNumber } from '../../lib/money'
import { usePortal } from '../../portal'
import { SellNote } from './SellNote'

const DonutChart = lazy(() => import('../../components/charts').then((m) => ({ default: m.DonutChart })))
const BarChart = lazy(() => import('../../components/charts').then((m) => ({ default: m.BarChart })))

function useClaimable(holdings: Holding[]) {
  const { addresses } = usePortal()
  const config = useConfig()
  const clock = useChainClock()
  const ids = holdings.filter((h) => !h.refunded).map((h) => h.noteId)
  return useQuery({
    queryKey: ['claimable', ids, clock.blockNumber?.toString()],
    queryFn: async () => {
      const amounts = await Promise.all(
        ids.map((id) =>
          readContract(config, { address: addresses.market, abi: loanMarketAbi, functionName: 'claimable', args: [BigInt(id)] }),
        ),
      )
      return new Map(ids.map((id, i) => [id, amounts[i] ?? 0n]))
    },
    enabled: clock.blockNumber !== null,
    placeholderData: keepPreviousData,
  })
}

export function Portfolio() {
  const portfolio = usePortfolio()
  const claims = useClaims()
  const balance = useStablecoinBalance()
  const autoInvest = useAutoInvestAccount()
  const { money, stablecoin, addresses } = usePortal()
  const claimable = useClaimable(portfolio.data?.holdings ?? [])
  const tx = useTransactor()
  const { address } = useAccount()

  if (portfolio.error) return <ProblemNotice error={portfolio.error} />
  if (!portfolio.data) return <Loading what="your portfolio" />
  const p = portfolio.data
  const claimableTotal = [...(claimable.data?.values() ?? [])].reduce((sum, v) => sum + v, 0n)
  const autoBalance = autoInvest.data ? big(autoInvest.data.balance) : 0n
  const slices = [
    { label: 'Cash in wallet', amount: balance.data ?? 0n },
    { label: 'Lent out (principal outstanding)', amount: big(p.outstanding) },
    { label: 'Claimable now', amount: claimableTotal },
    { label: 'Auto-invest balance', amount: autoBalance },
  ].map((s) => ({ label: s.label, value: toChartNumber(s.amount, stablecoin.decimals), exact: money(s.amount) }))

  const byMonth = new Map<string, bigint>()
  for (const claim of claims.data ?? []) {
    const month = claim.timestamp.slice(0, 7)
    byMonth.set(month, (byMonth.get(month) ?? 0n) + big(claim.amount))
  }
  const months = [...byMonth.keys()].sort()

  const claimAll = () => {
    const ready = [...(claimable.data?.entries() ?? [])].filter(([, amount]) => amount > 0n)
    tx.run(ready.map(([id]) => call(`Claim note ${id}`, addresses.market, loanMarketAbi, 'claim', [BigInt(id)]))).catch(() => undefined)
  }

  return (
    <>
      <Card title="Portfolio" testId="portfolio">
        <div className="figures">
          <Figure label="Invested" testId="portfolio-invested">
            <Money value={p.invested} />
          </Figure>
          <Figure label="Outstanding" testId="portfolio-outstanding">
            <Money value={p.outstanding} />
          </Figure>
          <Figure label="Received" testId="portfolio-received">
            <Money value={p.received} />
          </Figure>
          <Figure label="Losses">
            <Money value={p.losses} />
          </Figure>
          <Figure label="Notes held">{p.notes}</Figure>
          <Figure label="Claimable now" testId="portfolio-claimable">
            <Money value={claimableTotal} />
          </Figure>
          {p.notesSold > 0 ? (
            <Figure label="Notes sold" hint={`realised ${money(BigInt(p.realizedGainLoss))}`}>
              {p.notesSold} for <Money value={p.soldFor} />
            </Figure>
          ) : null}
        </div>
        <div className="charts">
          <Suspense fallback={<Loading what="charts" />}>
            <DonutChart title="Asset overview" slices={slices} testId="asset-donut" />
            <BarChart
              title="Returns: claimed per month (interest and principal returned)"
              testId="returns-bars"
              labels={months.length ? months : ['—']}
              series={[{ label: 'Claimed', values: months.length ? months.map((m) => toChartNumber(byMonth.get(m)!, stablecoin.decimals)) : [0] }]}
            />
          </Suspense>
        </div>
        <button type="button" className="button primary" disabled={claimableTotal === 0n || tx.busy || !address} onClick={claimAll}>
          Claim everything claimable
        </button>
        <TxNotice state={tx.state} />
      </Card>

      <Card title="Your notes">
        {p.holdings.length === 0 ? <p className="muted">No notes yet: fund a loan from the loan list.</p> : null}
        <table className="table" data-testid="holdings">
          <thead>
            <tr>
              <th>Note</th>
              <th>Loan</th>
              <th>Principal</th>
              <th>Returned</th>
              <th>Claimed</th>
              <th>Claimable</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {p.holdings.map((h) => (
              <HoldingRow key={h.noteId} holding={h} claimable={claimable.data?.get(h.noteId)} />
            ))}
          </tbody>
        </table>
      </Card>
    </>
  )
}

function HoldingRow(props: { holding: Holding; claimable: bigint | undefined }) {
  const { holding: h } = props
  const { addresses } = usePortal()
  const tx = useTransactor()
  const index = BigInt(h.noteId) & 0xffffffffn
  return (
    <tr data-testid="holding">
      <td data-label="Note">
        {h.loanId}/{index.toString()}
      </td>
      <td data-label="Loan">
        <Link to={`/loans/${h.loanId}`}>#{h.loanId}</Link> {h.loanStatus ? <StatusBadge status={h.loanStatus} /> : null}
      </td>
      <td data-label="Principal">
        <Money value={h.principal} />
      </td>
      <td data-label="Returned">
        <Money value={h.principalReturned} />
      </td>
      <td data-label="Claimed">
        <Money value={h.claimed} />
      </td>
      <td data-label="Claimable" data-testid="holding-claimable">
        <Money value={props.claimable ?? null} />
      </td>
      <td data-label="">
        <div className="row-actions">
          <button
            type="button"
            className="button primary"
            disabled={!props.claimable || tx.busy}
            onClick={() => tx.run([call(`Claim note ${h.noteId}`, addresses.market, loanMarketAbi, 'claim', [BigInt(h.noteId)])]).catch(() => undefined)}
          >
            Claim
          </button>
          {h.loanStatus === 'active' || h.loanStatus === 'defaulted' ? <SellNote holding={h} /> : null}
        </div>
        <TxNotice state={tx.state} />
      </td>
    </tr>
  )
}
