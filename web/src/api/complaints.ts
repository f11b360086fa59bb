// Complaints: a wallet files and follows its own (/v2/complaints); reviewers and supervisors work the
// queue (/v2/admin/complaints). Deadlines are business days on the service's clock, as the API states them.
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useCurrentSession } from '../session/siwe'
import { api } from './client'
import { useOperatorQuery } from './queries'
import type { Page } from './types'

export const CATEGORIES = {
  repayment: 'Repayments',
  fees: 'Fees',
  funding: 'Funding a loan',
  note_market: 'Selling or buying notes',
  auto_invest: 'Auto-invest',
  kyc: 'Identity checks (KYC)',
  privacy: 'Privacy and personal data',
  service: 'Service',
  other: 'Something else',
} as const
export type Category = keyof typeof CATEGORIES

export const STATUSES = ['open', 'acknowledged', 'resolved', 'closed', 'escalated'] as const
export type ComplaintStatus = (typeof STATUSES)[number]

export const OUTCOMES = {
  upheld: 'Upheld',
  partially_upheld: 'Partly upheld',
  not_upheld: 'Not upheld',
} as const
export type Outcome = keyof typeof OUTCOMES

export interface Sla {
  acknowledgeBy: string
  resolveBy: string
  acknowledgementBreached: boolean
  resolutionBreached: boolean
}

export interface Complaint {
  id: string
  wallet: string
  category: Category
  loanId: number | null
  status: ComplaintStatus
  filedAt: string
  acknowledgedAt: string | null
  resolvedAt: string | null
  outcome: Outcome | null
  closedAt: string | null
  escalatedAt: string | null
  escalationReason: string | null
  sla: Sla
}

export interface ComplaintMessage {
  id: string
  kind: 'response' | 'resolution' | 'reply'
  author: 'complainant' | 'platform'
  text: string
  createdAt: string
}

export interface ComplaintDetail extends Complaint {
  text: string
  messages: ComplaintMessage[]
}

export function useOwnComplaints() {
  const session = useCurrentSession()
  return useQuery({
    queryKey: ['complaints', session?.address],
    queryFn: ({ signal }) => api.get<Page<Complaint>>('/v2/complaints', { auth: 'wallet', query: { limit: 50 }, signal }),
    enabled: session !== null,
  })
}

export function useOwnComplaint(id: string) {
  const session = useCurrentSession()
  return useQuery({
    queryKey: ['complaints', session?.address, id],
    queryFn: ({ signal }) => api.get<ComplaintDetail>(`/v2/complaints/${encodeURIComponent(id)}`, { auth: 'wallet', signal }),
    enabled: session !== null,
    placeholderData: keepPreviousData,
    refetchInterval: 10_000, // the platform answers from its own console
  })
}

export const useComplaintQueue = (filters: { status?: string; breached?: string }, cursor: string | null) =>
  useOperatorQuery<Page<Complaint>>(['complaints', filters, cursor], '/v2/admin/complaints', {
    ...filters,
    limit: 25,
    cursor,
  })

export const useQueuedComplaint = (id: string) =>
  useOperatorQuery<ComplaintDetail>(['complaint', id], `/v2/admin/complaints/${encodeURIComponent(id)}`)
