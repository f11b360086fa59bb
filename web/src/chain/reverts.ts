// Every failure of a chain call as one readable sentence. A revert is decoded with the deployment's merged
// errors ABI (the manifest's `errors`: the market's, the vault's, the registry's, the stablecoin's...),
// so an error raised by any contract a call touches is named; the common ones read as sentences.
import {
  type Abi,
  BaseError,
  ContractFunctionRevertedError,
  decodeErrorResult,
  type Hex,
  UserRejectedRequestError,
} from 'viem'
import { formatBps } from '../lib/money'
import { gradeLetter } from '../lib/grades'
import { formatDateTime } from '../lib/time'

export interface DecodedRevert {
  name: string
  args: readonly unknown[]
}

type Money = (value: bigint) => string
// Decoded arguments are typed by the error's own ABI entry; each sentence knows its error's shape.
type Explain = (args: readonly any[], money: Money) => string

const time = (seconds: unknown) => formatDateTime(BigInt(seconds as bigint))

const SENTENCES: Record<string, Explain> = {
  ERC20InsufficientBalance: ([, balance, needed], money) =>
    `Your wallet holds ${money(balance)} of the stablecoin; this needs ${money(needed)}.`,
  ERC20InsufficientAllowance: ([, allowance, needed], money) =>
    `The contract may spend ${money(allowance)} of your stablecoin; it needs ${money(needed)}. Approve first.`,
  NotEligible: ([account]) => `${account} has no valid KYC attestation (or is frozen): complete KYC first.`,
  NotAttested: ([wallet]) => `${wallet} has no KYC attestation on the chain yet.`,
  WalletFrozen: ([account]) => `${account} is frozen by compliance.`,
  NotSuitable: ([, riskClass, required]) =>
    `Your investor risk class is ${riskClass}; this loan's grade needs class ${required} or higher.`,
  TicketTooSmall: ([amount, minTicket], money) =>
    `${money(amount)} is below the smallest ticket, ${money(minTicket)}.`,
  OverFunding: ([amount, remaining], money) =>
    `${money(amount)} is more than the ${money(remaining)} this loan still needs.`,
  ListingClosed: ([loanId, deadline]) => `Loan ${loanId} stopped taking funds at ${time(deadline)}.`,
  LoanNotListed: ([loanId]) => `Loan ${loanId} is not listed.`,
  UnknownLoan: ([loanId]) => `There is no loan ${loanId}.`,
  InvalidLoanStatus: ([loanId]) => `Loan ${loanId} is not in a state that allows this.`,
  DrawdownNotAllowed: ([, funded, principal, minFill], money) =>
    `Only ${money(funded)} of ${money(principal)} is funded (at least ${money(minFill)} is needed to draw down).`,
  NotBorrower: () => 'Only the borrower can do this.',
  CreditRecordStale: () => 'Your credit record on the chain is missing or too old; the credit oracle has to publish it first.',
  CreditGradeWorse: ([, grade, allowed]) =>
    `Your credit grade is now ${gradeLetter(Number(grade))}, worse than ${gradeLetter(Number(allowed))} at listing.`,
  OfferExpired: ([, expiry]) => `The offer expired at ${time(expiry)}.`,
  OfferAlreadyUsed: () => 'This offer has been used for a listing already.',
  OfferBorrowerMismatch: () => 'The offer was made to another wallet.',
  OfferTermsOutdated: ([grade, offered, current]) =>
    `Grade ${gradeLetter(Number(grade))} is now priced at ${formatBps(current)} (the offer said ${formatBps(offered)}): apply again.`,
  ListingOutsideOffer: ([term]) => `The listing goes beyond the offer (${term}).`,
  CollateralRequired: ([grade]) => `Grade ${gradeLetter(Number(grade))} lends only against collateral.`,
  TooManyOpenLoans: ([, open, max]) => `You have ${open} open loans; at most ${max} are allowed.`,
  PersonLimitExceeded: ([, principal, cap], money) =>
    `That would make ${money(principal)} outstanding for one person; the cap is ${money(cap)}.`,
  NothingOutstanding: ([loanId]) => `Loan ${loanId} owes nothing.`,
  NotNoteHolder: ([, noteId]) => `You do not hold note ${noteId}.`,
  BorrowerCannotHoldNote: () => 'A borrower cannot lend to their own loan.',
  ResalePriceOutOfBounds: ([, price, max], money) =>
    `${money(price)} is outside what the market accepts for this note (at most ${money(max)}).`,
  NoteDistressed: ([, days]) => `The loan is ${days} days past due: the note sells only as distressed.`,
  InvalidOfferExpiry: ([expiry, now]) => `The offer's expiry ${time(expiry)} is not after the chain's time ${time(now)}.`,
  SignatureExpired: ([deadline]) => `The signature expired at ${time(deadline)}: fetch a fresh one.`,
  InvalidDeadline: ([deadline]) => `The deadline ${time(deadline)} has passed on the chain's clock.`,
  InvalidNonce: () => 'The signature was made for another nonce: fetch a fresh one.',
  SignerNotAttester: () => 'The attestation was not signed by the platform\'s attester.',
  NotAttestationSubject: () => 'The attestation is for another wallet.',
  InvalidMandateSignature: () => 'The mandate signature does not match the lender.',
  InvalidMandate: ([field]) => `The mandate's ${field} is not allowed.`,
  InsufficientBalance: ([, balance, amount], money) =>
    `Your auto-invest balance is ${money(balance)}; that needs ${money(amount)}.`,
  BalanceLocked: ([, until]) => `Your auto-invest balance is locked until ${time(until)}.`,
  EnforcedPause: () => 'The platform is paused: only repayments, claims and withdrawals go through.',
  MarketPaused: () => 'The platform is paused: only repayments, claims and withdrawals go through.',
  MarketWoundDown: () => 'The platform is winding down: no new listings or fundings.',
  ZeroAmount: () => 'The amount must be more than zero.',
  RestructureAlreadyProposed: ([loanId, proposalId]) => `Loan ${loanId} already has an open proposal (${proposalId}).`,
  RestructureNotProposed: ([loanId]) => `Loan ${loanId} has no open restructuring proposal.`,
  RestructureProposalMismatch: ([, proposalId, open]) =>
    `Proposal ${proposalId} is no longer the open one${open ? ` (proposal ${open} is)` : ''}: reload the page.`,
  InvalidRestructureTerms: ([, extra, holiday]) =>
    `${extra} more installments with a ${holiday}-period holiday are not terms this loan can take (a holiday of at most 12 periods, something must change, and the schedule must stay within its limit).`,
  InvalidProposalExpiry: ([expiry, now]) =>
    `The proposal's expiry ${time(expiry)} must be after the chain's time ${time(now)} and within 30 days of it.`,
  ApprovalBelowThreshold: ([approved, required], money) =>
    `Approvals carry ${money(approved)} of principal; two thirds, ${money(required)}, are needed.`,
  NoteNotOfLoan: ([noteId, loanId]) => `Note ${noteId} is not a note of loan ${loanId}.`,
  InvalidApprovalSignature: ([holder]) => `The approval was not signed by ${holder}: sign it again.`,
}

/** The revert inside `error`, decoded with the merged errors ABI; null when it is no revert. */
export function decodeRevert(error: unknown, errors: Abi): DecodedRevert | null {
  if (!(error instanceof BaseError)) return null
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError)
  if (reverted instanceof ContractFunctionRevertedError) {
    if (reverted.data?.errorName) return { name: reverted.data.errorName, args: reverted.data.args ?? [] }
    if (reverted.raw) return decodeData(reverted.raw, errors)
  }
  // A revert relayed by a wallet as a JSON-RPC error with its data.
  const withData = error.walk((e) => typeof (e as { data?: unknown }).data === 'string')
  const data = (withData as { data?: unknown } | null)?.data
  return typeof data === 'string' && data.startsWith('0x') ? decodeData(data as Hex, errors) : null
}

function decodeData(data: Hex, errors: Abi): DecodedRevert | null {
  try {
    const decoded = decodeErrorResult({ abi: errors, data })
    return { name: decoded.errorName, args: decoded.args ?? [] }
  } catch {
    return { name: `unknown error ${data.slice(0, 10)}`, args: [] }
  }
}

export function describeRevert(revert: DecodedRevert, money: Money): string {
  const sentence = SENTENCES[revert.name]
  if (sentence) {
    try {
      return sentence(revert.args, money)
    } catch {
      // fall through to the raw form
    }
  }
  const args = revert.args.map((arg) => (typeof arg === 'bigint' ? arg.toString() : String(arg))).join(', ')
  return `The contract refused: ${revert.name}(${args}).`
}

/** Any error of a wallet or chain call as a sentence for the person who made it. */
export function explainChainError(error: unknown, errors: Abi, money: Money): string {
  if (error instanceof BaseError && error.walk((e) => e instanceof UserRejectedRequestError)) {
    return 'You declined the request in your wallet.'
  }
  const revert = decodeRevert(error, errors)
  if (revert) return describeRevert(revert, money)
  if (error instanceof BaseError) return error.shortMessage
  return error instanceof Error ? error.message : String(error)
}

/** The API's 409 contract-reverted problem names the decoded error with its args as decimal strings. */
export function describeApiRevert(revert: { error: string | null; args: unknown[] }, money: Money): string {
  if (!revert.error) return 'The contract refused the call.'
  const args = revert.args.map((arg) => (typeof arg === 'string' && /^\d+$/.test(arg) ? BigInt(arg) : arg))
  return describeRevert({ name: revert.error, args }, money)
}
