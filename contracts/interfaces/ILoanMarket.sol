// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {ICollateralErrors} from "./ICollateralErrors.sol";
import {ILoanMarketCore} from "./ILoanMarketCore.sol";
import {ILoanMarketExt} from "./ILoanMarketExt.sol";
import {ILoanMarketOrigination} from "./ILoanMarketOrigination.sol";
import {ILoanMarketRestructuring} from "./ILoanMarketRestructuring.sol";

/// @title PeerLend loan market: listing, funding, drawdown, repayment, distribution and default
/// @notice The whole market as clients see it at `LoanMarket`'s address: {ILoanMarketCore}, implemented
/// by LoanMarket itself (the hot paths); {ILoanMarketExt}, implemented by LoanMarketExt and reached through
/// LoanMarket's fallback by delegatecall (governance, roles, reserve cover, views); and
/// {ILoanMarketOrigination}, implemented by LoanMarketOrigination and reached through the extension's
/// fallback (listing, drawdown, cancellation, expiry, refunds); and {ILoanMarketRestructuring}, implemented
/// by LoanMarketRestructuring and reached through origination's fallback (a new schedule the note holders
/// of two thirds of the principal adopt). All four run against LoanMarket's storage.
/// Amounts are in base units of the stablecoin. Rates and fees in basis points (1 bps = 0.01%).
///
/// Schedule: equal installments (annuity). Rate per period r = aprBps / 10000 * periodLength / 365 days,
/// held in ray (1e27) and rounded up. Installment A = ceil(P * r * (1+r)^n / ((1+r)^n - 1)). Period k
/// (due at drawnAt + k * periodLength) charges interest ceil(B * r) on the scheduled balance B and
/// principal min(A - interest, B); the last installment pays the whole remaining balance, so it absorbs
/// every rounding and lenders are never short. A restructuring re-bases the schedule in force (see
/// {ILoanMarketRestructuring}); every rule below then applies to the new schedule.
///
/// Accrual and prepayment rule: interest accrues per second (simple interest at r per period) on the
/// principal actually outstanding, so prepaid principal stops bearing interest at once and a loan paid
/// exactly on its due dates pays exactly the schedule. Interest accrued up to a due date becomes due on
/// that date. No interest accrues after the last due date (late fees do). A payment is applied
/// late fee -> interest (oldest first) -> principal. A payment beyond the full payoff is capped: only
/// the payoff is pulled. The borrower is current when no interest accrued before the last due date is
/// unpaid and the outstanding principal is at or below the contractual balance. Every accrual segment
/// is rounded up (at most one base unit per interaction).
///
/// Late fee: `lateFeeBpsPerDay` of the overdue amount (excluding fees), prorated per second, each newly
/// due installment counted from its own due date. Days past due are measured from the oldest unpaid due
/// date: due date k is paid once the principal is down to its contractual balance (interest is paid
/// first, so this is what `LoanMarketLens.amountDue` asks for); due interest with principal ahead of
/// schedule dates from the latest due date. Tier: 0 current, 1 for 1-30 days, 2 for 31-90, 3 beyond
/// 90; beyond 90 days anyone may mark the loan defaulted.
///
/// Distribution: what lenders receive on a loan is added to `accPerShare` (ray per unit of funded
/// principal, rounded down). A note has claimed floor(share * checkpoint / 1e27) in total and can claim
/// floor(share * accPerShare / 1e27) minus that, so however often it claims, it loses at most one base
/// unit to rounding over its life. Repay costs the same for 1 or 1,000 notes. Servicing fee and reserve
/// share are taken on interest and late fees (rounded up), at the rates fixed for the loan at drawdown,
/// kept in the market and pushed by `sweepFees` (so a repay makes one token transfer). What rounding
/// leaves behind once a loan is settled is swept to the treasury by governance (`sweepDust`).
///
/// Default: `markDefault` freezes the debt (no more interest or late fees). Collateral is liquidated by the
/// vault first: its proceeds, and any later repayment, are recoveries that go wholly to the notes. Once
/// collateral is exhausted (or the loan is unsecured) anyone may call `coverFromReserve`: the reserve
/// fund pays the notes the remaining principal up to its cap and balance; what is left is recorded as a
/// loss (`writedownPerShare`). A cover that would pay nothing reverts; a partial one can be repeated once
/// the fund is refilled. The cover does not reduce the borrower's debt: the reserve fund takes over the
/// notes' claim to the principal it paid. Recoveries continue until the frozen debt is paid; their
/// principal goes to the notes until their recorded loss is recovered, then to the reserve fund up to
/// its cover (booked as reserve share, emitted in `LoanRepaid.reserveShare`). A defaulted loan whose
/// whole debt is recovered is settled: the borrower's open-loan slot and person limit are freed.
///
/// Origination: a listing stays within an offer the risk service signed (EIP-712, OFFER_SIGNER_ROLE):
/// principal, periods, period length, grade, APR and collateral; each offer lists once. A person's
/// outstanding principal is capped across all wallets the identity registry links to it. Drawdown
/// re-checks eligibility, credit freshness and grade, the person's cap and the collateral at current
/// prices; a funded listing that no longer qualifies can be expired by anyone, and its lenders refunded.
///
/// Notes: ERC-721 `LoanNote`s whose holders and shares the market keeps (`noteInfo`). A transfer applies
/// to the recipient what funding applies to a lender; a frozen wallet cannot send, receive or claim.
///
/// Views: the contractual schedule, the amount due, days past due and the delinquency tier are served
/// by `LoanMarketLens`, a separate stateless contract.
///
/// Tokens: fee-on-transfer (or any token delivering less than asked) is refused with
/// `FeeOnTransferNotSupported`; rebasing tokens are not supported.
///
/// Errors: besides the market's own, the merged ABI carries the stablecoin's (IERC20Errors: a fund or
/// repay without allowance) and the collateral vault's (ICollateralErrors), which calls made at the market
/// can revert with.
interface ILoanMarket is
    ILoanMarketCore,
    ILoanMarketExt,
    ILoanMarketOrigination,
    ILoanMarketRestructuring,
    IAccessControl,
    IERC165,
    IERC20Errors,
    ICollateralErrors
{
    /// @notice 0x00: the admin of every other role (AccessControl), held by the timelock.
    function DEFAULT_ADMIN_ROLE() external view returns (bytes32);
}
