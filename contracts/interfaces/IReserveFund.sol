// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title PeerLend reserve (provision) fund
/// @notice Holds stablecoin fed by the reserve share of interest (swept from the market) and by
///         voluntary deposits. After a default, once any collateral is exhausted, the market asks it to
///         cover the lenders' remaining principal, up to its balance and a per-loan cap: the lower of
///         `capBps` of the loan's funded principal and `capAbsolute`. Coverage is discretionary
///         protection, not a guarantee.
interface IReserveFund {
    event MarketSet(address indexed market);
    event Deposited(address indexed from, uint256 amount);
    event LoanCovered(uint256 indexed loanId, uint256 amount, uint256 balanceAfter);
    event CapChanged(uint256 previousCapBps, uint256 capBps, uint256 previousCapAbsolute, uint256 capAbsolute);

    error NotMarket(address caller);
    error MarketAlreadySet(address market);
    error ZeroAddress();
    error ZeroAmount();
    error CapBpsOutOfBounds(uint256 capBps);
    error CoverAboveCap(uint256 loanId, uint256 amount, uint256 available);
    error FeeOnTransferNotSupported(uint256 expected, uint256 received);

    /// @notice DEFAULT_ADMIN_ROLE, once: the market allowed to call `cover`.
    function setMarket(address market) external;

    /// @notice RISK_ROLE: per-loan cap (capBps <= 10000; capAbsolute 0 = no absolute cap).
    function setCap(uint256 capBps, uint256 capAbsolute) external;

    /// @notice Anyone may add funds to the reserve.
    function deposit(uint256 amount) external;

    /// @notice Market only: pays `amount` to the market for `loanId`; reverts above `availableCover`.
    function cover(uint256 loanId, uint256 amount) external;

    /// @return what the fund can still pay for `loanId`: min(balance, cap(principal) - already covered)
    function availableCover(uint256 loanId) external view returns (uint256);

    /// @return balance / market principal outstanding in bps (type(uint256).max when nothing is outstanding).
    ///         The reserve share still pending in the market (see `LoanMarket.pendingFees`) is not counted
    ///         until swept; a reserve cover sweeps first.
    function coverageRatioBps() external view returns (uint256);

    function balance() external view returns (uint256);
    function coveredOf(uint256 loanId) external view returns (uint256);
    function capBps() external view returns (uint256);
    function capAbsolute() external view returns (uint256);
    function stablecoin() external view returns (address);
    function market() external view returns (address);
}
