// What the portal reads of /v2 (the OpenAPI description at /openapi.json is the reference). Amounts are
// decimal strings of base units; times ISO 8601 UTC.
export type Amount = string

export interface Page<T> {
  items: T[]
  nextCursor: string | null
}

// auth
export interface NonceOut {
  nonce: string
  issuedAt: string
  expiresAt: string
  domain: string
  domains: string[]
  uri: string
  chainId: number
  statement: string
}
export interface TokenOut {
  accessToken: string
  tokenType: string
  expiresAt: string
  address: string
}

// loans
export interface LoanOut {
  loanId: number
  borrower: string
  status: string
  grade: number
  principal: Amount
  funded: Amount
  lenders: number
  term: number
  periodSeconds: number
  rateBps: number
  listingDeadline: string
  listedAt: string
  drawnAt: string | null
  installment: Amount
  principalRepaid: Amount
  interestPaid: Amount
  feesPaid: Amount
  recovered: Amount
  writtenDown: Amount
  periodsPaid: number
  collateralToken: string | null
  collateralAmount: Amount
  servicingFeeBps: number
  reserveShareBps: number
  lateFeeBpsPerDay: number
  expiryReason: number | null
  closedAt: string | null
  outstandingPrincipal: Amount
}
export interface LoanPage extends Page<LoanOut> {
  indexedBlock: number | null
}
export interface Installment {
  period: number
  dueAt: string
  payment: Amount
  interest: Amount
  principal: Amount
  balanceAfter: Amount
  paid: boolean
}
export interface Repayment {
  payer: string
  amount: Amount
  interest: Amount
  principal: Amount
  fees: Amount
  timestamp: string
  txHash: string
  blockNumber: number
}
export interface LoanDetail extends LoanOut {
  indexedBlock: number | null
  schedule: Installment[]
  repayments: Repayment[]
  delinquency: { asOf: string; daysPastDue: number; tier: number; nextDueAt: string | null } | null
  chain: {
    blockNumber: number | null
    blockTime: string | null
    amountDue: Amount | null
    payoff: Amount | null
    error: string | null
  }
}
export interface Holding {
  noteId: number
  loanId: number
  loanStatus: string | null
  principal: Amount
  principalReturned: Amount
  writtenDown: Amount
  claimed: Amount
  refunded: boolean
  offerPrice: Amount | null
  offerExpiry: string | null
}
export interface Portfolio {
  wallet: string
  invested: Amount
  outstanding: Amount
  received: Amount
  losses: Amount
  notes: number
  borrowed: Amount
  repaid: Amount
  notesSold: number
  soldFor: Amount
  realizedGainLoss: string
  holdings: Holding[]
}
export interface Transaction {
  kind: string
  contract: string
  amount: Amount
  counterparty: string | null
  loanId: number | null
  noteId: number | null
  timestamp: string
  txHash: string
  blockNumber: number
  logIndex: number
}

// suitability and KYC
export interface Questionnaire {
  experience: string
  incomeBand: string
  lossTolerance: string
  horizon: string
  shareOfNetWorth: string
}
export interface Assessment {
  id: string
  wallet: string
  riskClass: number
  points: number
  capsApplied: string[]
  assessedAt: string
  expiresAt: string
  current: boolean
  answers?: Questionnaire | null
}
export interface SignedAttestation {
  registry: string
  chainId: number
  attestation: Record<string, boolean | number | string>
  signature: string
  deadline: string
}
export interface KycApplication {
  id: string
  wallet: string
  status: 'in_review' | 'approved' | 'rejected' | 'revoked'
  jurisdiction: string
  riskLevel: string
  eddRequired: boolean
  reviewReasons: string[]
  rejectReasons: string[]
  screeningOutcome: string
  attestation: {
    mode: 'direct' | 'signature'
    status: string
    level: number
    riskClass: number | null
    jurisdictionNumeric: number
    commitment: string
    subject: string | null
    entity: boolean
    expiresAt: string | null
    txHash: string | null
    error: string | null
    signed: SignedAttestation | null
  }
  createdAt: string
  decidedAt: string | null
  revokedAt: string | null
  revokeReason: string | null
}
export interface ScreeningMatch {
  entryId: string
  list: string
  program: string
  kind: string
  score: number
  matchedName: string | null
  dobMatch: string
}
export interface KycReviewItem {
  id: number
  applicationId: string
  wallet: string
  reasons: string[]
  riskLevel: string
  eddRequired: boolean
  status: string
  createdAt: string
  screeningMatches: ScreeningMatch[]
}
export interface KycReviewDetail extends KycReviewItem {
  applicant: {
    fullName: string
    nationalIdNumber: string
    dateOfBirth: string
    phone: string
    bankCardNumber: string
  }
  riskFactors: Record<string, number>
  duplicateWallets: string[]
}

// risk
export interface Offer {
  grade: number
  aprBps: number
  principal: Amount
  requested: Amount
  maxPrincipal: Amount
  termMonths: number
  installment: Amount
  collateralRequired: boolean
  minRiskClass: number
}
export interface SignedOffer {
  status: 'signed' | 'unavailable'
  market: string | null
  chainId: number | null
  typedData: {
    types: Record<string, { name: string; type: string }[]>
    primaryType: string
    domain: Record<string, unknown>
    message: Record<string, string | number | boolean>
  } | null
  signature: string | null
  digest: string | null
  signer: string | null
  expiresAt: string | null
  reason: string | null
  detail: string | null
}
export interface LoanApplication {
  id: string
  wallet: string
  status: 'approved' | 'review' | 'declined'
  amount: Amount
  termMonths: number
  purpose: string
  monthlyIncome: Amount
  modelName: string
  modelVersion: number
  score: number
  pdBps: number
  grade: number
  gradeLetter: string
  reasons: { code: string; text: string; pointsLost: number }[]
  offer: Offer | null
  signedOffer: SignedOffer | null
  createdAt: string
  reviewedAt: string | null
}
export interface RiskReview extends LoanApplication {
  decision: string
  decisionReasons: string[]
  fraudHits: Record<string, string>[]
  attributes: Record<string, unknown>
}
export interface ModelFeature {
  name: string
  type: string
  label: string | null
  categories: string[] | null
}
export interface ModelCard {
  name: string
  version: number
  grades: { grade: number; letter: string; pdMax: number }[]
  features: ModelFeature[]
}

// operator
export interface AuditEntry {
  id: number
  occurredAt: string
  actor: string
  action: string
  objectType: string
  objectId: string
  before: Record<string, unknown> | null
  after: Record<string, unknown> | null
  requestId: string | null
}

// market
export interface NoteQuote {
  noteId: Amount
  price: Amount
  principal: Amount
  accruedInterest: Amount
  par: Amount
  priceBpsOfPar: number
  yieldBps: number
  daysPastDue: number
  distressed: boolean
  sellerEarned: Amount
  maxPrice: Amount
  remainingPeriods: number
  blockNumber: number
}
export interface MandateTypedData {
  typedData: {
    types: Record<string, { name: string; type: string }[]>
    primaryType: string
    domain: Record<string, unknown>
    message: Record<string, string | number | boolean>
  }
  deadline: number
  nonce: string
}
export interface AutoInvestAccount {
  wallet: string
  deposited: Amount
  withdrawn: Amount
  invested: Amount
  returned: Amount
  balance: Amount
  lockedUntil: string | null
  queuePlace: number
  mandate: {
    grades: number
    minAprBps: number
    maxTermDays: number
    amountPerLoan: Amount
    maxPerBorrower: Amount
    lockTier: number
    active: boolean
  }
  blockNumber: number
}
