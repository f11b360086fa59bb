// The platform's disclosure (GET /v2/disclosure/platform): volume, delinquency by tier, defaults and
// losses, vintage curves, the reserve fund's coverage, fees and the note market, computed by the service
// from the chain index at its latest block. Public. Amounts are base units as decimal strings and every
// rate an exact ratio with its basis points beside it (rounded against the platform, as the API says).
import { useQuery } from '@tanstack/react-query'
import { api } from './client'
import type { Amount } from './types'

export interface Ratio {
  numerator: Amount
  denominator: Amount
  /** null when the denominator is zero */
  bps: number | null
}

export interface Count {
  loans: number
  principal: Amount
}

export interface Participants {
  persons: number
  wallets: number
}

export interface Tier {
  name: 'M1' | 'M2' | 'M3'
  minDays: number
  maxDays: number | null
  loans: number
  principal: Amount
  rate: Ratio
}

export interface VintageCell {
  monthsOnBook: number
  defaulted: Amount
  loss: Amount
  defaultShare: Ratio
  lossShare: Ratio
}

export interface Vintage {
  /** A .. G, as the loan listed */
  grade: string
  /** yyyy-mm of drawdown, chain time (UTC) */
  cohort: string
  loans: number
  principal: Amount
  cells: VintageCell[]
}

export interface ComplaintFigures {
  asOf: string
  since: string | null
  received: number
  byCategory: Record<string, number>
  open: number
  resolved: number
  escalated: number
  byOutcome: Record<string, number>
  acknowledgedLate: number
  resolvedLate: number
  medianResolutionSeconds: number | null
}

export interface PlatformDisclosure {
  schemaVersion: string
  asOf: string
  lastBlock: number
  outstanding: Count
  volume: { cumulative: Count; last30Days: Count; windowStart: string }
  borrowers: Participants
  lenders: Participants
  concentration: {
    basis: 'person'
    top: number
    borrowers: number
    unlinkedWallets: number
    principal: Amount
    share: Ratio
  }
  delinquency: { current: Count; tiers: Tier[]; overdue: Count; overdueRate: Ratio }
  defaults: {
    loans: number
    principal: Amount
    defaultRate: Ratio
    recovered: Amount
    creditLoss: Amount
    lossRate: Ratio
    reserveCovered: Amount
    reserveRecovered: Amount
    lenderLoss: Amount
    lenderLossRate: Ratio
  }
  vintages: Vintage[]
  reserve: { fund: string | null; balance: Amount | null; overduePrincipal: Amount; coverage: Ratio }
  fees: { origination: Amount; servicing: Amount; late: Amount; resale: Amount; total: Amount }
  secondaryMarket: { cumulative: { sales: number; volume: Amount }; last30Days: { sales: number; volume: Amount } }
  complaints: { cumulative: ComplaintFigures; last30Days: ComplaintFigures }
}

export function usePlatformDisclosure() {
  return useQuery({
    queryKey: ['disclosure', 'platform'],
    queryFn: ({ signal }) => api.get<PlatformDisclosure>('/v2/disclosure/platform', { signal }),
    refetchInterval: 30_000, // the figures move with the index
  })
}

export interface LoanDisclosure {
  schemaVersion: string
  loanId: number
  status: string
  grade: string
  principal: Amount
  term: number
  periodSeconds: number
  listedAt: string
  drawnAt: string | null
  purpose: string | null
  repaymentSource: string | null
  expectedYield: { aprBps: number; servicingFeeBps: number; reserveShareBps: number; netAprBps: number; pdBps: number | null }
  borrower: {
    ageBand: string
    incomeBand: string
    region: string
    employment: string
    creditGrade: string
    existingDebts: string
    /** Every wallet of the same person; 0 current, 1 M1, 2 M2, 3 M3, null unless active. */
    otherLoans: { loanId: number; status: string; grade: string; principal: Amount; delinquencyTier: number | null }[]
  }
  riskNotice: { version: string; text: string }
  legalStatement: { version: string; text: string }
}

/** A loan's public disclosure (GET /v2/disclosure/loans/{loanId}): the borrower in bands that do not
 * identify them, with their other loans here, and the loan's expected yield. */
export function useLoanDisclosure(loanId: number) {
  return useQuery({
    queryKey: ['disclosure', 'loan', loanId],
    queryFn: ({ signal }) => api.get<LoanDisclosure>(`/v2/disclosure/loans/${loanId}`, { signal }),
  })
}
