// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IPeerLendErrors} from "./IPeerLendErrors.sol";

/// @title PeerLend reserve (provision) fund
/// @notice Holds stablecoin fed by the reserve share of interest (swept from the market) and by
///         voluntary deposits. After a default, once any collateral is exhausted, the market asks it to
///         cover the lenders' remaining principal, up to its balance and a per-loan cap: the lower of
///         `capBps` of the loan's funded principal and `capAbsolute`, less what reserve funds already
///         paid for that loan (which the market records, so the cap survives a migration). Coverage is
///         discretionary protection, not a guarantee.
///
///         Migration: DEFAULT_ADMIN_ROLE (the timelock) moves the whole balance to a successor fund bound
///         to the same market, in one batch with the market's `setReserveFund(successor)`; this fund then
///         refuses deposits and covers.
interface IReserveFund is IPeerLendErrors {
    event MarketSet(address indexed market);
    event Deposited(address indexed from, uint256 amount);
    event LoanCovered(uint256 indexed loanId, uint256 amount, uint256 balanceAfter);
    event CapChanged(uint256 previousCapBps, uint256 capBps, uint256 previousCapAbsolute, uint256 capAbsolute);
    event Migrated(address indexed successor, uint256 amount);

    error CoverAboveCap(uint256 loanId, uint256 amount, uint256 available);
    error FundMigrated(address successor);
    error InvalidSuccessor(address successor);

    /// @notice DEFAULT_ADMIN_ROLE, once: the market allowed to call `cover`.
    function setMarket(address market) external;

    /// @notice RISK_ROLE: per-loan cap (capBps <= 10000; capAbsolute 0 = no absolute cap).
    function setCap(uint256 capBps, uint256 capAbsolute) external;

    /// @notice Anyone may add funds to the reserve.
    function deposit(uint256 amount) external;

    /// @notice Market only: pays `amount` to the market for `loanId`; reverts above `availableCover`.
    function cover(uint256 loanId, uint256 amount) external;

    /// @notice DEFAULT_ADMIN_ROLE: sends the whole balance to `successor` (same stablecoin, same market)
    ///         and retires this fund.
    function migrate(address successor) external;

    /// @return what the fund can still pay for `loanId`: min(balance, cap(principal) - already covered)
    function availableCover(uint256 loanId) external view returns (uint256);

    /// @return balance / market principal outstanding in bps (type(uint256).max when nothing is outstanding).
    ///         The reserve share still pending in the market (see `LoanMarket.pendingFees`) is not counted
    ///         until swept; a reserve cover sweeps first.
    function coverageRatioBps() external view returns (uint256);

    function balance() external view returns (uint256);
    /// @return what reserve funds have paid for `loanId` (the market's record)
    function coveredOf(uint256 loanId) external view returns (uint256);
    function capBps() external view returns (uint256);
    function capAbsolute() external view returns (uint256);
    function stablecoin() external view returns (address);
    function market() external view returns (address);
    /// @return the fund this one migrated to, or zero while it is in service
    function successor() external view returns (address);
}
