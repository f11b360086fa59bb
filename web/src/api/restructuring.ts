// A loan's restructuring as indexed (GET /v2/loans/{loanId}/restructuring: the latest proposal, its
// approvals by principal, the two-thirds threshold, the schedule it would give, read from the chain) and
// the EIP-712 approval a holder signs (POST .../restructuring/approvals/typed-data). Public: the calls
// themselves are the wallets' (propose, approve, execute, withdraw on the market).
import { useQuery } from '@tanstack/react-query'
import type { Address } from 'viem'
import { api } from './client'
import type { Amount, Installment } from './types'

export interface NewTerms {
  approvedPrincipal: Amount
  basePeriod: number
  baseBalance: Amount
  numPeriods: number
  installment: Amount
  firstDueAt: string
  maturity: string
  /** Late fees and interest the first new installment carries beside its principal. */
  firstCharges: Amount
}

export interface Proposal {
  proposalId: number
  /** expired: open on the chain but past its expiry at chain time */
  status: 'open' | 'expired' | 'withdrawn' | 'executed'
  extraPeriods: number
  holidayPeriods: number
  expiry: string
  proposedAt: string
  blockNumber: number
  txHash: string
  closedAt: string | null
  terms: NewTerms | null
}

export interface RestructureApproval {
  noteId: number
  holder: Address
  share: Amount
  /** The approving wallet still holds the note. */
  counts: boolean
  approvedAt: string
  txHash: string
}

export interface Restructuring {
  loanId: number
  asOf: string
  indexedBlock: number | null
  funded: Amount
  requiredPrincipal: Amount
  approvedPrincipal: Amount
  executable: boolean
  /** Ascending: the noteIds to pass to executeRestructure. */
  approvingNoteIds: number[]
  proposal: Proposal | null
  approvals: RestructureApproval[]
  preview: { blockNumber: number | null; blockTime: string | null; schedule: Installment[] | null; error: string | null } | null
  history: Proposal[]
}

export interface ApprovalTypedData {
  typedData: {
    types: Record<string, { name: string; type: string }[]>
    primaryType: string
    domain: Record<string, unknown>
    message: Record<string, string | number>
  }
  proposalId: number
  noteIds: number[]
  nonce: string
  /** Unix seconds on the chain's clock. */
  deadline: number
  blockNumber: number
}

export function useRestructuring(loanId: number) {
  return useQuery({
    queryKey: ['restructuring', loanId],
    queryFn: ({ signal }) => api.get<Restructuring>(`/v2/loans/${loanId}/restructuring`, { signal }),
    refetchInterval: 5_000, // approvals arrive from other holders' wallets
  })
}

export function approvalTypedData(loanId: number, holder: Address): Promise<ApprovalTypedData> {
  return api.post<ApprovalTypedData>(`/v2/loans/${loanId}/restructuring/approvals/typed-data`, { holder })
}
