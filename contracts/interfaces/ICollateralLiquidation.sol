// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ICollateralErrors} from "./ICollateralErrors.sol";

/// @title Valuation and liquidation of collateral positions
/// @notice A position may be liquidated when its loan is defaulted, or when its LTV (the loan's payoff:
///         principal, accrued interest and late fees, over the collateral value) is at or above the
///         token's liquidation threshold.
///         The buyer pays the feed value less the liquidation discount, in stablecoin, and the vault
///         forwards it to the market's repayment waterfall. All values are in stablecoin units.
///
///         Rounding favours the borrower and the lenders, never the buyer: collateral value rounds down,
///         the buyer's payment rounds up, and the buyer never gets more than the configured discount,
///         whatever the token's decimals. The fill that closes the loan sells the least collateral whose
///         discounted value covers the payoff, at that full discounted value; what exceeds the payoff
///         (at most one collateral unit's worth) is credited to the borrower by the market.
///
///         Surplus: once the proceeds repay the loan, the market calls `release` (it may do so from
///         inside `receiveLiquidationProceeds`) and the rest of the collateral returns to the borrower.
///         While the loan's payoff is zero no liquidation is possible, so the surplus stays intact.
interface ICollateralLiquidation is ICollateralErrors {
    event CollateralPledged(
        uint256 indexed loanId,
        address indexed borrower,
        address indexed token,
        uint256 amount,
        uint256 value
    );
    event CollateralAdded(uint256 indexed loanId, address indexed from, address indexed token, uint256 amount);
    event CollateralReleased(uint256 indexed loanId, address indexed borrower, address indexed token, uint256 amount);
    event CollateralLiquidated(
        uint256 indexed loanId,
        address indexed buyer,
        uint256 collateralAmount,
        uint256 payment
    );

    /// @notice Buys up to `collateralAmount` of the loan's collateral at the discounted feed price.
    /// @dev Anyone may call. The purchase is capped at the position and at the least collateral whose
    ///      discounted value repays the loan. The buyer must have approved the vault for the stablecoin; the
    ///      payment goes straight to the market, then `receiveLiquidationProceeds` books it. Not blocked by
    ///      pause or wind-down.
    /// @param collateralAmount the most collateral to buy (type(uint256).max: as much as allowed)
    /// @param maxPayment       the most stablecoin the buyer accepts to pay (slippage protection)
    /// @return bought  collateral transferred to the buyer
    /// @return payment stablecoin paid by the buyer
    function liquidate(
        uint256 loanId,
        uint256 collateralAmount,
        uint256 maxPayment
    ) external returns (uint256 bought, uint256 payment);

    /// @return the borrower of `loanId`'s position (kept after a full liquidation until released)
    function borrowerOf(uint256 loanId) external view returns (address);

    /// @return value of the position at the current feed price, rounded down; reverts on an invalid price
    function collateralValue(uint256 loanId) external view returns (uint256 value);

    /// @return ltv the loan's payoff / collateral value in bps, rounded down (max uint when value is 0);
    ///         reverts on an invalid price
    function ltvBps(uint256 loanId) external view returns (uint256 ltv);

    /// @return true when `liquidate` would accept a purchase now (valid price, something owed,
    ///         defaulted or at/above the threshold); false, never a revert, on an invalid price
    function isLiquidatable(uint256 loanId) external view returns (bool);

    /// @notice What `liquidate(loanId, collateralAmount, ...)` would do now, caps included, without
    ///         checking whether the position is liquidatable.
    function quoteLiquidation(
        uint256 loanId,
        uint256 collateralAmount
    ) external view returns (uint256 bought, uint256 payment);
}
