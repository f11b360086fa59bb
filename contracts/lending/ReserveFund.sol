// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IReserveFund} from "../interfaces/IReserveFund.sol";

interface IMarketTotals {
    function totalPrincipalOutstanding() external view returns (uint256);
    function fundedPrincipal(uint256 loanId) external view returns (uint256);
}

/// @title PeerLend reserve fund
/// @notice Roles: DEFAULT_ADMIN_ROLE binds the market once; RISK_ROLE sets the per-loan cap.
///         Only the market can draw funds, and only through `cover` within the cap.
contract ReserveFund is IReserveFund, AccessControl, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    bytes32 public constant RISK_ROLE = keccak256("RISK_ROLE");
    uint256 internal constant BPS = 10_000;

    IERC20 private immutable _token;
    address public market;
    uint256 public capBps = BPS;
    uint256 public capAbsolute; // 0 = no absolute cap
    mapping(uint256 loanId => uint256) public coveredOf;

    constructor(IERC20 stablecoin_, address admin) {
        if (address(stablecoin_) == address(0) || admin == address(0)) revert ZeroAddress();
        _token = stablecoin_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
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
        if (capBps_ > BPS) revert CapBpsOutOfBounds(capBps_);
        emit CapChanged(capBps, capBps_, capAbsolute, capAbsolute_);
        capBps = capBps_;
        capAbsolute = capAbsolute_;
    }

    /// @inheritdoc IReserveFund
    function deposit(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        uint256 before = _token.balanceOf(address(this));
        _token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = _token.balanceOf(address(this)) - before;
        if (received != amount) revert FeeOnTransferNotSupported(amount, received);
        emit Deposited(msg.sender, amount);
    }

    /// @inheritdoc IReserveFund
    function cover(uint256 loanId, uint256 amount) external nonReentrant {
        if (msg.sender != market || msg.sender == address(0)) revert NotMarket(msg.sender);
        if (amount == 0) revert ZeroAmount();
        uint256 available = availableCover(loanId);
        if (amount > available) revert CoverAboveCap(loanId, amount, available);
        coveredOf[loanId] += amount;
        emit LoanCovered(loanId, amount, _token.balanceOf(address(this)) - amount);
        _token.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IReserveFund
    function availableCover(uint256 loanId) public view returns (uint256) {
        uint256 cap = IMarketTotals(market).fundedPrincipal(loanId) * capBps / BPS;
        if (capAbsolute != 0 && capAbsolute < cap) cap = capAbsolute;
        uint256 used = coveredOf[loanId];
        uint256 left = cap > used ? cap - used : 0;
        return Math.min(left, _token.balanceOf(address(this)));
    }

    /// @inheritdoc IReserveFund
    function coverageRatioBps() external view returns (uint256) {
        uint256 outstanding = IMarketTotals(market).totalPrincipalOutstanding();
        if (outstanding == 0) return type(uint256).max;
        return _token.balanceOf(address(this)) * BPS / outstanding;
    }

    function balance() external view returns (uint256) {
        return _token.balanceOf(address(this));
    }

    function stablecoin() external view returns (address) {
        return address(_token);
    }
}
