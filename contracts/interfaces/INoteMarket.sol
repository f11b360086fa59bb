// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ILoanMarketEvents} from "./ILoanMarketEvents.sol";
import {ILoanMarketErrors} from "./ILoanMarketErrors.sol";

/// @title The note market (债权转让): holders offer notes for sale, suitable buyers buy them atomically
/// @notice The resale market is part of the loan market, at its address: offers live beside each note's
///         claim checkpoint, `offerNote` and `buyNote` run in LoanMarket itself, batch offers,
///         cancellation and the resale terms in its extension, and `quote` on LoanMarketLens.
///
///         Price and par. A note's par is its share of the loan's outstanding principal plus its share of
///         the interest accrued to now, net of the servicing fee and reserve share it will never receive.
///         An offer names a price in stablecoin base units and an expiry; it holds until it expires, is
///         cancelled, the note changes hands, or the loan has nothing left to pay.
///
///         Bounds, checked when the offer is made (against par at the loan's last accrual) and again,
///         exactly, when it is bought: the price is at most par plus `maxPremiumBps`; and, unless the note
///         is distressed, its yield to maturity at that price is at least `minYieldBps` (0: no negative
///         yield). Yield is the annual rate, compounded each period like the loan's own APR, that discounts
///         the note's remaining net flows (what is overdue, now; then the contractual installments on the
///         remaining balance, less fees on their interest) to the price. A note whose loan is defaulted or
///         more than 30 days past due is distressed: it sells only to a buyer who accepts that, and only
///         the premium bound applies.
///
///         Settlement. The buyer pays the price; the seller receives it less the resale fee (at most
///         100 bps, rounded up, kept for the treasury), together with everything the note earned before
///         the sale, in one transfer. Repayments after the sale belong to the buyer. The buyer must pass
///         what funding requires (eligible, suitable for the grade, not the borrower); the seller must not
///         be frozen. Refused while the market is paused; allowed after wind-down (it is how lenders exit).
interface INoteMarket is ILoanMarketEvents, ILoanMarketErrors {
    /// @notice Note holder: offers `noteId` at `price` (stablecoin base units) until `expiry`. Not while
    ///         paused. See the bounds above.
    function offerNote(uint256 noteId, uint256 price, uint256 expiry) external;

    /// @notice Buys `noteId` at its offer's price, if that is at most `maxPrice`. `acceptDistressed` must
    ///         be true to buy a note of a defaulted or more than 30 days late loan.
    /// @return price what the buyer paid
    function buyNote(uint256 noteId, uint256 maxPrice, bool acceptDistressed) external returns (uint256 price);
}
