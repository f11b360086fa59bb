// Collections (催收): the work queue of late loans (GET /v2/admin/collections/cases), one case with its
// tiers, SLAs, notices, contact log and promises to pay, and the figures (…/metrics). Collectors see the
// cases assigned to them (another's is a 404); supervisors see every case and assign them. Times and
// days past due are the chain's; amounts base units as decimal strings.
import { useOperatorQuery } from './queries'
import type { Amount, Page } from './types'

export const CHANNELS = { phone: 'Phone', sms: 'SMS', email: 'Email', letter: 'Letter', visit: 'Visit', in_app: 'In the app' } as const
export const OUTCOMES = {
  reached: 'Reached the borrower',
  no_answer: 'No answer',
  left_message: 'Left a message',
  wrong_contact: 'Wrong contact details',
  refused: 'Refused to talk',
  disputed: 'Disputes the debt',
} as const
export const REASONS = {
  job_loss: 'Lost their job',
  income_drop: 'Income dropped',
  illness: 'Illness',
  business_trouble: 'Business trouble',
  forgot: 'Forgot',
  dispute: 'Disputes the debt',
  other: 'Other',
} as const
export const REQUIREMENTS: Record<string, string> = {
  first_contact: 'first contact',
  formal_notice: 'formal notice',
  legal_referral: 'legal referral',
}

/** M1 1–30 days past due, M2 31–90, M3 more, as the disclosure counts them. */
export const tierName = (tier: number) => (tier >= 1 && tier <= 3 ? `M${tier}` : 'current')

export interface CollectionCase {
  id: number
  loanId: number
  borrower: string
  state: 'open' | 'closed'
  tier: number
  maxTier: number
  daysPastDue: number
  lateSince: string
  openedAt: string
  tierEnteredAt: string
  evaluatedAt: string
  /** The collector's operator key id. */
  assignee: string | null
  assignedAt: string | null
  firstContactAt: string | null
  legalReferredAt: string | null
  closedAt: string | null
  resolution: 'cured' | 'settled' | null
  closeReason: string | null
  slaBreached: boolean
}

export interface CaseDetail extends CollectionCase {
  tiers: { fromTier: number; toTier: number; enteredAt: string; daysPastDue: number }[]
  slas: { tier: number; requirement: string; startedAt: string; dueAt: string; metAt: string | null; breached: boolean }[]
  notices: { tier: number; kind: string; status: 'sent' | 'superseded'; decidedAt: string }[]
  contacts: {
    id: number
    operator: string
    channel: keyof typeof CHANNELS
    outcome: keyof typeof OUTCOMES
    reason: keyof typeof REASONS | null
    note: string | null
    contactedAt: string
  }[]
  promises: {
    id: number
    amount: Amount
    /** a UTC day, yyyy-mm-dd */
    promisedFor: string
    deadline: string
    madeAt: string
    madeBy: string
    status: 'open' | 'kept' | 'broken' | 'cancelled'
    paid: Amount
    resolvedAt: string | null
  }[]
}

export interface CollectionFigures {
  asOf: string
  cases: number
  open: number
  cureByTier: { tier: number; cases: number; cured: number; settled: number; open: number; cureRateBps: number | null }[]
  promisesKept: number
  promisesBroken: number
  promiseKeptRateBps: number | null
  contacted: number
  medianFirstContactSeconds: number | null
  meanFirstContactSeconds: number | null
}

export interface CaseFilters {
  state?: string
  tier?: string
  unassigned?: string
}

export const useCollectionCases = (filters: CaseFilters, cursor: string | null) =>
  useOperatorQuery<Page<CollectionCase>>(['collections', filters, cursor], '/v2/admin/collections/cases', { ...filters, limit: 50, cursor }, 15_000)

export const useCollectionCase = (caseId: number) =>
  useOperatorQuery<CaseDetail>(['collections', 'case', caseId], `/v2/admin/collections/cases/${caseId}`)

export const useCollectionFigures = () => useOperatorQuery<CollectionFigures>(['collections', 'metrics'], '/v2/admin/collections/metrics')
