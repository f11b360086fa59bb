// React Query hooks over /v2. Keys name the route and its parameters; wallet-scoped ones the address, so
// another wallet never sees a cached answer of the last one.
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useCurrentSession } from '../session/siwe'
import { useOperatorKey } from '../session/store'
import { api } from './client'
import { ApiProblem } from './problem'
import type {
  Assessment,
  AuditEntry,
  AutoInvestAccount,
  KycApplication,
  KycReviewDetail,
  KycReviewItem,
  LoanApplication,
  LoanDetail,
  LoanOut,
  LoanPage,
  ModelCard,
  Page,
  Portfolio,
  RiskReview,
  Transaction,
} from './types'

export interface LoanFilters {
  status?: string
  grade?: number[]
  term?: number
  minRateBps?: number
  maxRateBps?: number
  borrower?: string
  sort?: 'newest' | 'rate' | 'amount'
  limit?: number
}

export function useLoanPage(filters: LoanFilters, cursor: string | null, refetchInterval?: number) {
  return useQuery({
    queryKey: ['loans', filters, cursor],
    queryFn: ({ signal }) => api.get<LoanPage>('/v2/loans', { query: { ...filters, cursor }, signal }),
    placeholderData: keepPreviousData,
    refetchInterval,
  })
}

const BOOK_PAGES = 10 // 2,000 loans: beyond that a book wants the disclosure figures, not a sum here

/** The whole loan book, page after page (for the home page's figures). */
export function useLoanBook() {
  return useQuery({
    queryKey: ['loans', 'book'],
    queryFn: async ({ signal }) => {
      const loans: LoanOut[] = []
      let cursor: string | null = null
      let indexedBlock: number | null = null
      for (let page = 0; page < BOOK_PAGES; page += 1) {
        const reply: LoanPage = await api.get<LoanPage>('/v2/loans', { query: { limit: 200, cursor }, signal })
        loans.push(...reply.items)
        indexedBlock = reply.indexedBlock
        cursor = reply.nextCursor
        if (!cursor) break
      }
      return { loans, indexedBlock, complete: cursor === null }
    },
    refetchInterval: 10_000,
  })
}

export function useLoan(loanId: number | null, refetchInterval?: number) {
  return useQuery({
    queryKey: ['loan', loanId],
    queryFn: ({ signal }) => api.get<LoanDetail>(`/v2/loans/${loanId}`, { signal }),
    enabled: loanId !== null,
    refetchInterval,
  })
}

export function useWalletQuery<T>(name: string, path: (address: string) => string, options: { refetchInterval?: number; notFound?: T } = {}) {
  const session = useCurrentSession()
  return useQuery({
    queryKey: [name, session?.address],
    queryFn: async ({ signal }) => {
      try {
        return await api.get<T>(path(session!.address), { auth: 'wallet', signal })
      } catch (error) {
        if ('notFound' in options && error instanceof ApiProblem && error.status === 404) return options.notFound as T
        throw error
      }
    },
    enabled: session !== null,
    refetchInterval: options.refetchInterval,
  })
}

export const useSuitability = () => useWalletQuery<Assessment | null>('suitability', () => '/v2/suitability', { notFound: null })
export const useKycApplication = (refetchInterval?: number) =>
  useWalletQuery<KycApplication | null>('kyc', () => '/v2/kyc/application', { notFound: null, refetchInterval })
export const useLoanApplications = () =>
  useWalletQuery<Page<LoanApplication>>('loan-applications', () => '/v2/loan-applications?limit=20')
export const usePortfolio = () =>
  useWalletQuery<Portfolio>('portfolio', (address) => `/v2/wallets/${address}/portfolio`, { refetchInterval: 5_000 })
export const useAutoInvestAccount = () =>
  useWalletQuery<AutoInvestAccount>('auto-invest', (address) => `/v2/wallets/${address}/auto-invest`)

export function useTransactions(cursor: string | null) {
  const session = useCurrentSession()
  return useQuery({
    queryKey: ['transactions', session?.address, cursor],
    queryFn: ({ signal }) =>
      api.get<Page<Transaction>>(`/v2/wallets/${session!.address}/transactions`, {
        auth: 'wallet',
        query: { limit: 20, cursor },
        signal,
      }),
    enabled: session !== null,
    placeholderData: keepPreviousData,
    refetchInterval: 5_000, // the index follows the chain a moment after each transaction
  })
}

/** Every claim the wallet made (for the returns chart). */
export function useClaims() {
  const session = useCurrentSession()
  return useQuery({
    queryKey: ['transactions', session?.address, 'claims'],
    queryFn: async ({ signal }) => {
      const claims: Transaction[] = []
      let cursor: string | null = null
      for (let page = 0; page < 10; page += 1) {
        const reply: Page<Transaction> = await api.get<Page<Transaction>>(`/v2/wallets/${session!.address}/transactions`, {
          auth: 'wallet',
          query: { kind: 'claim', limit: 200, cursor },
          signal,
        })
        claims.push(...reply.items)
        cursor = reply.nextCursor
        if (!cursor) break
      }
      return claims
    },
    enabled: session !== null,
    refetchInterval: 10_000,
  })
}

export function useModelCard() {
  return useQuery({
    queryKey: ['risk-model'],
    queryFn: ({ signal }) => api.get<ModelCard>('/v2/risk/model', { signal }),
    staleTime: Infinity,
  })
}

// operator

export function useOperatorQuery<T>(
  key: unknown[],
  path: string,
  query?: Record<string, string | number | null | undefined>,
  refetchInterval?: number,
) {
  const apiKey = useOperatorKey()
  return useQuery({
    queryKey: ['operator', apiKey, ...key],
    queryFn: ({ signal }) => api.get<T>(path, { auth: 'operator', query, signal }),
    enabled: apiKey !== null,
    placeholderData: keepPreviousData,
    refetchInterval,
    // A key refused (401, 403) or a request out of bounds is answered the same again: no retry.
    retry: (failures, error) => !(error instanceof ApiProblem && error.status < 500) && failures < 1,
  })
}

export const useKycQueue = (cursor: string | null) =>
  useOperatorQuery<Page<KycReviewItem>>(['kyc-queue', cursor], '/v2/kyc/review-queue', { limit: 20, cursor })
export const useKycReviewItem = (applicationId: string) =>
  useOperatorQuery<KycReviewDetail>(['kyc-item', applicationId], `/v2/kyc/review-queue/${encodeURIComponent(applicationId)}`)
export const useRiskReviews = (cursor: string | null) =>
  useOperatorQuery<Page<RiskReview>>(['risk-reviews', cursor], '/v2/risk/reviews', { limit: 20, cursor })
export const useAuditLog = (filters: Record<string, string>, cursor: string | null) =>
  useOperatorQuery<Page<AuditEntry>>(['audit', filters, cursor], '/v2/admin/audit', { ...filters, limit: 25, cursor })
