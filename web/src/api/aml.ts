// The AML queue (/v2/aml, compliance officers): cases of one person each, their alerts with the
// transactions that raised them, dispositions (a freeze or a report takes effect only when a second
// officer approves), and the signed suspicious-transaction report.
import { fetchFile, type FetchedFile } from './client'
import { useOperatorQuery } from './queries'
import type { Amount, Page } from './types'

export const CASE_STATUSES = ['open', 'escalated', 'frozen', 'closed', 'reported'] as const
export type CaseStatus = (typeof CASE_STATUSES)[number]
export type Action = 'close_false_positive' | 'escalate' | 'freeze' | 'report'

export const ACTIONS: Record<Action, string> = {
  close_false_positive: 'Close as a false positive',
  escalate: 'Escalate',
  freeze: 'Freeze every wallet of the person (needs a second officer)',
  report: 'File a suspicious-transaction report (needs a second officer)',
}

export const RULES: Record<string, string> = {
  large_transaction: 'Large transaction',
  structuring: 'Structuring',
  fast_in_out: 'Fast in and out',
  shared_source: 'Shared funding source',
  third_party_repayment: 'Third-party repayment',
  person_wallets: 'Many wallets of one person',
  jurisdiction: 'High-risk jurisdiction',
  sanctions: 'Sanctions screening',
}

export interface AmlTransaction {
  txHash: string
  logIndex: number
  blockNumber: number
  wallet: string
  kind: string
  amount: Amount
  timestamp: string
}

export interface Alert {
  id: number
  rule: string
  score: number
  status: 'open' | 'closed' | 'withdrawn'
  caseId: number
  subjectKey: string
  wallet: string | null
  amount: Amount
  details: Record<string, unknown>
  txHash: string | null
  logIndex: number | null
  blockNumber: number | null
  chainTime: string | null
  createdAt: string
  transactions: AmlTransaction[]
}

export interface AmlCase {
  id: number
  subjectKey: string
  status: CaseStatus
  score: number
  alertCount: number
  openedAt: string
  updatedAt: string
  closedAt: string | null
}

export interface Disposition {
  id: number
  caseId: number
  action: Action
  status: 'effective' | 'proposed' | 'approved' | 'rejected'
  reason: string | null
  proposedBy: string
  proposedAt: string
  decidedBy: string | null
  decidedAt: string | null
  decisionReason: string | null
  /** freeze: a transaction per wallet; report: the filed report's id */
  outcome: Record<string, unknown>
  error: string | null
  effectiveAt: string | null
}

export interface AmlCaseDetail extends AmlCase {
  wallets: { wallet: string; frozen: boolean; applicationId: string | null }[]
  alerts: Alert[]
  dispositions: Disposition[]
  narrative: string | null
}

export const useAmlCases = (status: string, cursor: string | null) =>
  useOperatorQuery<Page<AmlCase>>(['aml-cases', status, cursor], '/v2/aml/cases', { status: status || null, limit: 25, cursor })

// Again every few seconds: an approved freeze reaches the case's wallets once the chain's event is indexed.
export const useAmlCase = (caseId: number) =>
  useOperatorQuery<AmlCaseDetail>(['aml-case', caseId], `/v2/aml/cases/${caseId}`, undefined, 5_000)

export interface SignedExport {
  file: FetchedFile
  sha256: string | null
  signature: string | null
  signer: string | null
}

function signed(file: FetchedFile): SignedExport {
  return {
    file,
    sha256: file.headers.get('X-Report-SHA256'),
    signature: file.headers.get('X-Report-Signature'),
    signer: file.headers.get('X-Report-Signer'),
  }
}

/** The case's report as it stands, signed (every export is audit-logged). */
export async function caseReport(caseId: number, format: 'json' | 'csv'): Promise<SignedExport> {
  const accept = format === 'json' ? 'application/json' : 'text/csv'
  return signed(
    await fetchFile(`/v2/aml/cases/${caseId}/report`, { auth: 'operator', query: { format }, accept, fallbackName: `aml-case-${caseId}.${format}` }),
  )
}

/** A filed report, byte for byte as it was signed when filed. */
export async function filedReport(reportId: number): Promise<SignedExport> {
  return signed(
    await fetchFile(`/v2/aml/reports/${reportId}`, { auth: 'operator', accept: 'application/json', fallbackName: `aml-report-${reportId}.json` }),
  )
}
