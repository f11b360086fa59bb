// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "./AggregatorV3Interface.sol";

/// @title Governance of the collateral vault: collateral types and the pause switch
/// @notice RISK_ROLE (held by a TimelockController in production) configures collateral types;
///         PAUSER_ROLE pauses new pledges. Pausing never blocks release or liquidation, so a crisis
///         control can never trap collateral or stop recoveries.
interface ICollateralVaultAdmin {
    /// @notice Risk parameters of one collateral token, as proposed by governance.
    /// @param feed              Chainlink-style USD price feed of the token
    /// @param heartbeat         maximum age of a feed answer, seconds (MIN_HEARTBEAT .. MAX_HEARTBEAT)
    /// @param tokenDecimals     the token's decimals as governance expects them; checked against the token
    /// @param maxLtvBps         maximum loan-to-value at listing, per grade: index 0 = grade 1 (A) .. 6 = grade 7
    ///                          (G); 0 means the grade may not pledge this token. Each must be below the threshold.
    /// @param liquidationThresholdBps LTV at or above which anyone may liquidate (at most
    ///                          MAX_LIQUIDATION_THRESHOLD_BPS)
    /// @param liquidationDiscountBps  discount to the feed value a liquidation buyer gets (at most
    ///                          MAX_LIQUIDATION_DISCOUNT_BPS)
    struct CollateralParams {
        AggregatorV3Interface feed;
        uint32 heartbeat;
        uint8 tokenDecimals;
        uint16[7] maxLtvBps;
        uint16 liquidationThresholdBps;
        uint16 liquidationDiscountBps;
    }

    /// @notice Stored configuration of a collateral token; the first slot is all that a liquidation reads.
    struct CollateralConfig {
        AggregatorV3Interface feed;
        uint32 heartbeat;
        uint16 liquidationThresholdBps;
        uint16 liquidationDiscountBps;
        uint8 tokenDecimals;
        uint8 feedDecimals; // cached at configuration: re-configure the token if its feed changes
        bool enabled; //       false: no new pledges; open positions can still be liquidated and released
        uint16[7] maxLtvBps;
    }

    event CollateralTypeConfigured(
        address indexed token,
        address indexed feed,
        uint32 heartbeat,
        uint8 tokenDecimals,
        uint8 feedDecimals,
        uint16[7] maxLtvBps,
        uint16 liquidationThresholdBps,
        uint16 liquidationDiscountBps
    );
    event CollateralTypeEnabled(address indexed token, bool enabled);

    error InvalidToken(address token);
    error ZeroFeed(address token);
    error InvalidHeartbeat(uint32 heartbeat, uint32 minHeartbeat, uint32 maxHeartbeat);
    error TokenDecimalsMismatch(address token, uint8 expected, uint8 actual);
    error UnsupportedDecimals(address token, uint8 tokenDecimals, uint8 feedDecimals);
    error InvalidLiquidationThreshold(uint16 thresholdBps, uint16 maxThresholdBps);
    error InvalidLiquidationDiscount(uint16 discountBps, uint16 maxDiscountBps);
    error InvalidMaxLtv(uint8 grade, uint16 maxLtvBps, uint16 thresholdBps);
    error CollateralTypeUnknown(address token);
    error InvalidMarket(address market);

    /// @notice RISK_ROLE: adds or re-configures `token` and enables it. New parameters apply to open
    ///         positions too (a lower threshold can make them liquidatable), hence the timelock.
    /// @dev Reads `decimals()` from the token (must equal `p.tokenDecimals`) and from the feed.
    function configureCollateral(address token, CollateralParams calldata p) external;

    /// @notice RISK_ROLE: enables or disables new pledges of a configured token.
    function setCollateralEnabled(address token, bool enabled) external;

    /// @notice PAUSER_ROLE: blocks new pledges only.
    function pause() external;

    /// @notice PAUSER_ROLE: lifts `pause`.
    function unpause() external;

    function collateralConfig(address token) external view returns (CollateralConfig memory);

    /// @return the loan market allowed to pledge and release (fixed at deployment)
    function market() external view returns (address);

    /// @return the stablecoin of account, taken from the market at deployment
    function stablecoin() external view returns (address);

    /// @return the L2 sequencer uptime feed prices are gated on (fixed at deployment; zero on an L1)
    function sequencerUptimeFeed() external view returns (address);
}
