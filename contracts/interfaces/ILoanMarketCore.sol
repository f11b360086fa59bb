// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ILoanMarketEvents} from "./ILoanMarketEvents.sol";
import {ILoanMarketErrors} from "./ILoanMarketErrors.sol";
import {INoteMarket} from "./INoteMarket.sol";

/// @title The loan market's hot paths: what lenders, borrowers and the vault call every day
/// @notice Implemented by `LoanMarket` itself; everything else is reached through the market's fallback:
///         governance and views in {ILoanMarketExt}, origination in {ILoanMarketOrigination}. Rules in
///         {ILoanMarket}.
interface ILoanMarketCore is ILoanMarketEvents, ILoanMarketErrors, INoteMarket {
    /// @notice Funds `amount` of a listed loan and mints a note to the caller. The caller must be
    ///         eligible (KYC'd, not frozen), suitable for the grade (risk class), and not the borrower.
    function fund(uint256 loanId, uint256 amount) external returns (uint256 noteId);

    /// @notice Anyone, on the borrower's behalf; pulls min(amount, payoff). Never paused.
    function repay(uint256 loanId, uint256 amount) external returns (uint256 paid);

    /// @notice Note holder: pays what the note can claim. Never paused; refused while the holder is
    ///         frozen. What a frozen holder's note earns keeps accruing and is paid once unfrozen.
    function claim(uint256 noteId) external returns (uint256 amount);

    /// @notice `claim` for several notes of the caller, with one transfer.
    function claimMany(uint256[] calldata noteIds) external returns (uint256 amount);

    /// @notice LoanNote only: moves `noteId` from `from` to `to` in the market's note ledger. Applies
    ///         what funding applies to the recipient (eligible, suitable for the loan's grade, not its
    ///         borrower), refuses a frozen sender, and refuses every transfer while the market is paused.
    ///         The note's resale offer, if any, ends with the transfer.
    function transferNote(address from, address to, uint256 noteId) external;

    /// @notice Vault only: `amount` of stablecoin already transferred here enters the repayment waterfall
    ///         (a recovery after default, or a cure of an unhealthy loan). Any excess over the debt is
    ///         credited to the borrower, who takes it with `withdrawRefund`.
    function receiveLiquidationProceeds(uint256 loanId, uint256 amount) external;

    /// @notice Anyone: marks a loan more than 90 days past due defaulted; its debt is frozen.
    function markDefault(uint256 loanId) external;

    /// @return the loan accrued to now
    function getLoan(uint256 loanId) external view returns (Loan memory);

    /// @return what `noteId` can claim now
    function claimable(uint256 noteId) external view returns (uint256);

    function fundedPrincipal(uint256 loanId) external view returns (uint256);
    function outstandingPrincipal(uint256 loanId) external view returns (uint256);
    function totalPrincipalOutstanding() external view returns (uint256);

    /// @return everything that closes `loanId` now: late fees, interest accrued to this block, principal
    function payoffAmount(uint256 loanId) external view returns (uint256);

    function isDefaulted(uint256 loanId) external view returns (bool);

    /// @return holder and principal share of `noteId` (the zero address and 0 if it does not exist)
    function noteInfo(uint256 noteId) external view returns (address holder, uint256 share);

    function stablecoin() external view returns (address);

    /// @return the contract the market delegates every other function to
    function extension() external view returns (address);
}
