// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title What the collateral vault needs from the loan market
/// @notice A narrow view of `LoanMarket`: the vault depends on these four functions only, so either side
///         can change everything else without touching the other.
interface ILoanMarketForCollateral {
    /// @notice Books liquidation proceeds against `loanId`'s repayment waterfall.
    /// @dev Only callable by the collateral vault. The vault has already transferred `amount` of the
    ///      stablecoin to the market before this call, so the market only accounts for it.
    ///      The market may call `ICollateralVault.release(loanId)` from inside this function when the
    ///      proceeds repay the loan in full; the vault settles its own state before calling here.
    function receiveLiquidationProceeds(uint256 loanId, uint256 amount) external;

    /// @return the principal still owed on `loanId`, in stablecoin units: what the position's LTV is
    ///         measured against; the vault refuses to liquidate when it is zero.
    function outstandingPrincipal(uint256 loanId) external view returns (uint256);

    /// @return everything that closes `loanId` now (late fees, interest and principal): the most a
    ///         liquidation buyer is ever asked to pay, since the waterfall pays fees and interest first.
    function payoffAmount(uint256 loanId) external view returns (uint256);

    /// @return true once `loanId` has been marked defaulted (collateral then becomes liquidatable at any LTV)
    function isDefaulted(uint256 loanId) external view returns (bool);

    /// @return the stablecoin of account, in which collateral is valued and liquidations are paid
    function stablecoin() external view returns (address);
}
