// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IPeerLendErrors} from "./IPeerLendErrors.sol";

/// @title Errors the collateral vault raises
/// @notice Apart so that the market's merged ABI ({ILoanMarket}) can carry them too: a listing, a drawdown
///         or a top-up called at the market reverts with the vault's error when the collateral is short or
///         its price unusable, and a front end holding only the market's ABI must be able to decode it.
interface ICollateralErrors is IPeerLendErrors {
    // --- price feed ---
    error StalePrice(address feed, uint256 updatedAt, uint256 heartbeat);
    error InvalidPrice(address feed, int256 answer);
    error IncompleteRound(address feed, uint80 roundId, uint80 answeredInRound, uint256 updatedAt);
    /// @dev the L2 sequencer uptime feed reports the sequencer down (or has no round yet)
    error SequencerDown(address uptimeFeed);
    /// @dev the sequencer came back at `upSince`; prices are not acted on until `upSince + gracePeriod`
    error SequencerGracePeriod(uint256 upSince, uint256 gracePeriod);

    // --- pledge / release ---
    error PositionExists(uint256 loanId);
    error NoPosition(uint256 loanId);
    error CollateralNotEnabled(address token);
    error AmountTooLarge(uint256 amount, uint256 maxAmount);
    error InsufficientCollateral(uint256 loanId, uint256 value, uint256 principal, uint16 maxLtvBps);

    // --- liquidation ---
    error NotLiquidatable(uint256 loanId, uint256 ltvBps, uint16 thresholdBps);
    error NothingOutstanding(uint256 loanId);
    error SlippageExceeded(uint256 payment, uint256 maxPayment);
}
