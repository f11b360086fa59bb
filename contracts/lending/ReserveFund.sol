// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IReserveFund} from "../interfaces/IReserveFund.sol";
import {IMarketForReserve} from "../interfaces/Interfaces.sol";
import {BPS} from "../common/Constants.sol";

/// @title PeerLend reserve fund
/// @notice Roles: DEFAULT_ADMIN_ROLE binds the market once and migrates the fund; RISK_ROLE sets the
///         per-loan cap. Only the market can draw funds, and only through `cover` within the cap.
contract ReserveFund is IReserveFund, AccessControl, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    bytes32 public constant RISK_ROLE = keccak256("RISK_ROLE");

    IERC20 private immutable _token;
    address public market;
    address public successor;
    uint256 public capBps = BPS;
    uint256 public capAbsolute; // 0 = no absolute cap

    constructor(IERC20 stablecoin_, address admin) {
        if (address(stablecoin_) == address(0)) revert ZeroAddress();
        if (admin == address(0)) revert InvalidAdmin(admin);
        _token = stablecoin_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    modifier inService() {
        if (successor != address(0)) revert FundMigrated(successor);
        _;
    }

    /// @inheritdoc IReserveFund
    function setMarket(address market_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (market != address(0)) revert MarketAlreadySet(market);
        if (market_ == address(0)) revert ZeroAddress();
        market = market_;
        emit MarketSet(market_);
    }

    /// @inheritdoc IReserveFund
    function setCap(uint256 capBps_, uint256 capAbsolute_) external onlyRole(RISK_ROLE) {
        if (capBps_ > BPS) revert ParameterOutOfBounds("capBps", capBps_, BPS);
        emit CapChanged(capBps, capBps_, capAbsolute, capAbsolute_);
        capBps = capBps_;
        capAbsolute = capAbsolute_;
    }

    /// @inheritdoc IReserveFund
    function deposit(uint256 amount) external nonReentrant inService {
        if (amount == 0) revert ZeroAmount();
        uint256 before = _token.balanceOf(address(this));
        _token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = _token.balanceOf(address(this)) - before;
        if (received != amount) revert FeeOnTransferNotSupported(address(_token), amount, received);
        emit Deposited(msg.sender, amount);
    }

    /// @inheritdoc IReserveFund
    /// @dev The market records the cover after this returns, so `availableCover` here still counts what
    ///      was paid before this call only.
    function cover(uint256 loanId, uint256 amount) external nonReentrant inService {
        if (msg.sender != market || msg.sender == address(0)) revert NotMarket(msg.sender);
        if (amount == 0) revert ZeroAmount();
        uint256 available = availableCover(loanId);
        if (amount > available) revert CoverAboveCap(loanId, amount, available);
        emit LoanCovered(loanId, amount, _token.balanceOf(address(this)) - amount);
        _token.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IReserveFund
    function migrate(address successor_) external onlyRole(DEFAULT_ADMIN_ROLE) nonReentrant inService {
        if (
            successor_ == address(0) ||
            successor_ == address(this) ||
            IReserveFund(successor_).market() != market ||
            IReserveFund(successor_).stablecoin() != address(_token)
        ) revert InvalidSuccessor(successor_);
        successor = successor_;
        uint256 amount = _token.balanceOf(address(this));
        emit Migrated(successor_, amount);
        if (amount != 0) _token.safeTransfer(successor_, amount);
    }

    /// @inheritdoc IReserveFund
    function availableCover(uint256 loanId) public view returns (uint256) {
        if (successor != address(0)) return 0;
        IMarketForReserve m = IMarketForReserve(market);
        uint256 cap = (m.fundedPrincipal(loanId) * capBps) / BPS;
        if (capAbsolute != 0 && capAbsolute < cap) cap = capAbsolute;
        uint256 used = m.reserveCoverOf(loanId);
        uint256 left = cap > used ? cap - used : 0;
        return Math.min(left, _token.balanceOf(address(this)));
    }

    /// @inheritdoc IReserveFund
    function coverageRatioBps() external view returns (uint256) {
        uint256 outstanding = IMarketForReserve(market).totalPrincipalOutstanding();
        if (outstanding == 0) return type(uint256).max;
        return (_token.balanceOf(address(this)) * BPS) / outstanding;
    }

    /// @inheritdoc IReserveFund
    function coveredOf(uint256 loanId) external view returns (uint256) {
        return IMarketForReserve(market).reserveCoverOf(loanId);
    }

    function balance() external view returns (uint256) {
        return _token.balanceOf(address(this));
    }

    function stablecoin() external view returns (address) {
        return address(_token);
    }
}
