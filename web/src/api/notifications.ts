// The signed-in wallet's inbox and its notification settings (GET /v2/notifications, read marks,
// GET/PATCH /v2/notifications/preferences): the wallet's own only, never another's.
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useCurrentSession } from '../session/siwe'
import { api } from './client'
import type { Page } from './types'

export interface Delivery {
  channel: string
  /** pending, sending, sent, failed, cancelled or unconfirmed */
  status: string
  attempts: number
  sentAt: string | null
}

export interface Notice {
  /** Also the webhook's PeerLend-Event-Id. */
  id: string
  kind: string
  subject: string
  body: string
  data: Record<string, unknown>
  /** Chain time of what the notice is about. */
  occurredAt: string | null
  createdAt: string
  readAt: string | null
  deliveries: Delivery[]
}

export interface Channels {
  email: boolean
  webhook: boolean
  inbox: boolean
}

export interface Preferences {
  email: string | null
  webhookUrl: string | null
  webhookSecretSet: boolean
  /** Only in the answer that made it. */
  webhookSecret: string | null
  kinds: Record<string, Channels>
}

export interface PreferencesChange {
  email?: string | null
  webhookUrl?: string | null
  rotateWebhookSecret?: boolean
  kinds?: Record<string, Partial<Channels>>
}

export const CHANNELS = ['inbox', 'email', 'webhook'] as const

/** What each kind of notice is about (backend/notifications/kinds.py); an unknown kind shows its name. */
export const KIND_LABELS: Record<string, string> = {
  repayment_reminder: 'An installment of your loan falls due in 7, 3 or 1 days, or today',
  loan_repaid: 'A loan you hold a note of received a repayment',
  loan_late: 'A loan you hold a note of is late',
  loan_defaulted: 'A loan you hold a note of was marked defaulted',
  default_covered: 'The reserve fund covered principal of a defaulted loan you hold',
  loan_recovery: 'Money was recovered on a defaulted loan you hold',
  restructure_proposed: 'The borrower of a loan you hold proposed a new schedule',
  restructure_executed: 'A loan you hold was restructured',
}

export function kindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? kind.replace(/_/g, ' ')
}

export function useInbox(unreadOnly: boolean, cursor: string | null) {
  const session = useCurrentSession()
  return useQuery({
    queryKey: ['notifications', session?.address, 'inbox', unreadOnly, cursor],
    queryFn: ({ signal }) =>
      api.get<Page<Notice>>('/v2/notifications', {
        auth: 'wallet',
        query: { unread: unreadOnly || null, limit: 20, cursor },
        signal,
      }),
    enabled: session !== null,
    placeholderData: keepPreviousData,
    refetchInterval: 10_000,
  })
}

const COUNTED = 100 // the bell counts this many unread notices, and says "100+" beyond

/** Unread notices of the signed-in wallet, for the header's bell: the count, and whether there are more. */
export function useUnreadCount() {
  const session = useCurrentSession()
  return useQuery({
    queryKey: ['notifications', session?.address, 'unread-count'],
    queryFn: async ({ signal }) => {
      const page = await api.get<Page<Notice>>('/v2/notifications', {
        auth: 'wallet',
        query: { unread: true, limit: COUNTED },
        signal,
      })
      return { count: page.items.length, more: page.nextCursor !== null }
    },
    enabled: session !== null,
    refetchInterval: 15_000,
  })
}

export function usePreferences() {
  const session = useCurrentSession()
  return useQuery({
    queryKey: ['notifications', session?.address, 'preferences'],
    queryFn: ({ signal }) => api.get<Preferences>('/v2/notifications/preferences', { auth: 'wallet', signal }),
    enabled: session !== null,
  })
}

export function updatePreferences(change: PreferencesChange): Promise<Preferences> {
  return api.patch<Preferences>('/v2/notifications/preferences', change, { auth: 'wallet' })
}
