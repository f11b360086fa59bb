// A wallet's statements (GET /v2/wallets/{address}/statements/{yyyy-mm} and .../annual/{yyyy}): computed
// by the service from the chain index, on the chain's clock; the signed-in wallet's own only. JSON here;
// CSV and PDF are files fetched with the wallet's token (statementFile).
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useCurrentSession } from '../session/siwe'
import { api, fetchFile, type FetchedFile } from './client'
import type { Amount } from './types'

export interface StatementTotals {
  funded: Amount
  refunded: Amount
  purchased: Amount
  purchasedPrincipal: Amount
  sold: Amount
  soldPrincipal: Amount
  saleFees: Amount
  earnedSettledInSales: Amount
  transferredInPrincipal: Amount
  transferredOutPrincipal: Amount
  repayments: Amount
  principalRepaid: Amount
  interest: Amount
  fees: Amount
  servicingFees: Amount
  reserveContributions: Amount
  recoveries: Amount
  principalRecovered: Amount
  recoveredAfterWriteOff: Amount
  recoveriesBySource: { borrower: Amount; collateral: Amount; reserve: Amount }
  losses: Amount
  claimed: Amount
  /** May be negative: the unit or two by which the chain's valuation and its credits differ. */
  rounding: string
}

export interface StatementNote {
  noteId: number
  loanId: number
  share: Amount
  heldAtStart: boolean
  heldAtEnd: boolean
  writtenOff: boolean
  openingPrincipal: Amount
  closingPrincipal: Amount
  openingUnclaimed: Amount
  closingUnclaimed: Amount
}

export interface StatementEntry {
  at: string
  blockNumber: number
  logIndex: number
  kind: string
  loanId: number
  noteId: number
  amount: Amount
  principal: Amount
  interest: Amount
  fees: Amount
  source: 'borrower' | 'collateral' | 'reserve' | null
  afterWriteOff: boolean
  price: Amount
  fee: Amount
  earned: Amount
  servicingFee: Amount
  reserveShare: Amount
  counterparty: string | null
  txHash: string
}

interface StatementBase {
  wallet: string
  start: string
  end: string
  /** The index has passed the period's end; false: figures to asOf so far. */
  final: boolean
  asOf: string
  closingBlock: number | null
  currency: { symbol: string; decimals: number }
  positions: { openingPrincipal: Amount; closingPrincipal: Amount; openingUnclaimed: Amount; closingUnclaimed: Amount }
  totals: StatementTotals
}

export interface MonthlyStatement extends StatementBase {
  period: string
  loans: { loanId: number; notes: number; openingPrincipal: Amount; closingPrincipal: Amount }[]
  notes: StatementNote[]
  entries: StatementEntry[]
}

export interface AnnualSummary extends StatementBase {
  year: number
  /** Bps a year, rounded down; null when the year's flows have none. */
  xirrBps: number | null
  cashFlows: { at: string; kind: string; amount: string }[]
  notes: StatementNote[]
}

const monthlyPath = (address: string, period: string) => `/v2/wallets/${address}/statements/${period}`
const annualPath = (address: string, year: number) => `/v2/wallets/${address}/statements/annual/${year}`

export function useMonthlyStatement(period: string | null) {
  const session = useCurrentSession()
  return useQuery({
    queryKey: ['statement', session?.address, period],
    queryFn: ({ signal }) => api.get<MonthlyStatement>(monthlyPath(session!.address, period!), { auth: 'wallet', signal }),
    enabled: session !== null && period !== null,
    placeholderData: keepPreviousData,
  })
}

export function useAnnualSummary(year: number | null) {
  const session = useCurrentSession()
  return useQuery({
    queryKey: ['statement', session?.address, 'annual', year],
    queryFn: ({ signal }) => api.get<AnnualSummary>(annualPath(session!.address, year!), { auth: 'wallet', signal }),
    enabled: session !== null && year !== null,
    placeholderData: keepPreviousData,
  })
}

export type StatementFormat = 'csv' | 'pdf'
const MEDIA: Record<StatementFormat, string> = { csv: 'text/csv', pdf: 'application/pdf' }

/** A month ("2027-03") or a year (2027) of `address` as CSV or PDF. */
export function statementFile(address: string, period: string | number, format: StatementFormat): Promise<FetchedFile> {
  const path = typeof period === 'number' ? annualPath(address, period) : monthlyPath(address, period)
  return fetchFile(path, {
    auth: 'wallet',
    query: { format },
    accept: MEDIA[format],
    fallbackName: `peerlend-${address}-${period}.${format}`,
  })
}
