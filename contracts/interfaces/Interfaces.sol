// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ILoanMarketTypes} from "./ILoanMarketTypes.sol";

// The narrow views one PeerLend contract needs of another. Each depends on these functions only, so
// either side can change everything else without touching the other, and a test double implements
// just what its consumer calls.

/// @title What LoanNote needs of the loan market, which keeps the note ledger (holder and share)
interface INoteLedger {
    /// @return holder and principal share of `noteId` (the zero address and 0 if it does not exist)
    function noteInfo(uint256 noteId) external view returns (address holder, uint256 share);

    /// @notice Moves `noteId` in the ledger after checking the transfer rules (see ILoanMarketCore).
    /// @dev Reverts ERC721NonexistentToken / ERC721IncorrectOwner when `from` does not hold it.
    function transferNote(address from, address to, uint256 noteId) external;
}

/// @title What the reserve fund needs of the loan market
interface IMarketForReserve {
    /// @return the principal `loanId`'s notes funded: the base of the fund's per-loan cap
    function fundedPrincipal(uint256 loanId) external view returns (uint256);

    /// @return principal outstanding on performing loans: the base of the coverage ratio
    function totalPrincipalOutstanding() external view returns (uint256);

    /// @return what reserve funds have paid for `loanId` so far. Kept by the market, so a migration of the
    ///         fund keeps every loan's cap and claim.
    function reserveCoverOf(uint256 loanId) external view returns (uint256);
}

/// @title What the collateral vault needs of the loan market
interface ILoanMarketForCollateral {
    /// @notice Books liquidation proceeds against `loanId`'s repayment waterfall.
    /// @dev Only callable by the collateral vault. The vault has already transferred `amount` of the
    ///      stablecoin to the market before this call, so the market only accounts for it; what exceeds the
    ///      debt is credited to the borrower. The market may call `ICollateralVault.release(loanId)` from
    ///      inside this function when the proceeds repay the loan in full; the vault settles its own state
    ///      before calling here.
    function receiveLiquidationProceeds(uint256 loanId, uint256 amount) external;

    /// @return everything that closes `loanId` now (late fees, interest and principal): what the
    ///         position's LTV is measured against, and the most a liquidation is ever meant to raise.
    function payoffAmount(uint256 loanId) external view returns (uint256);

    /// @return true once `loanId` has been marked defaulted (collateral then becomes liquidatable at any LTV)
    function isDefaulted(uint256 loanId) external view returns (bool);

    /// @return the stablecoin of account, in which collateral is valued and liquidations are paid
    function stablecoin() external view returns (address);
}

/// @title What AutoInvest needs of the loan market: a listing's terms, the person behind it, the rules
///        a ticket must meet, and the two entry points reserved to it (AUTO_INVEST_ROLE)
interface IMarketForAutoInvest is ILoanMarketTypes {
    function listingTerms(uint256 loanId) external view returns (ListingTerms memory);
    function woundDown() external view returns (bool);
    function stablecoin() external view returns (address);
    function identityRegistry() external view returns (address);
    function fundFor(
        uint256 loanId,
        address[] calldata lenders,
        uint256[] calldata amounts
    ) external returns (uint256[] memory noteIds);
    function claimFor(address holder, uint256[] calldata noteIds) external returns (uint256 amount);
}
