// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {AggregatorV3Interface} from "../interfaces/AggregatorV3Interface.sol";
import {ICollateralLiquidation} from "../interfaces/ICollateralLiquidation.sol";
import {ICollateralVault} from "../interfaces/ICollateralVault.sol";
import {ICollateralVaultAdmin} from "../interfaces/ICollateralVaultAdmin.sol";
import {ILoanMarketForCollateral} from "../interfaces/Interfaces.sol";
import {BPS, GRADE_COUNT} from "../common/Constants.sol";
import {PriceFeedLib} from "./PriceFeedLib.sol";

/// @title PeerLend collateral vault
/// @notice Holds ERC-20 collateral per loan for the loan market, values it with Chainlink-style feeds,
///         and sells it at a discount to anyone once the loan is defaulted or under-collateralised.
///         NatSpec of every external function is on the interfaces.
contract CollateralVault is
    ICollateralVault,
    ICollateralVaultAdmin,
    ICollateralLiquidation,
    AccessControl,
    Pausable,
    ReentrancyGuardTransient
{
    using SafeERC20 for IERC20;

    bytes32 public constant RISK_ROLE = keccak256("RISK_ROLE");
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    uint32 public constant MIN_HEARTBEAT = 60;
    uint32 public constant MAX_HEARTBEAT = 2 days;
    uint16 public constant MAX_LIQUIDATION_THRESHOLD_BPS = 9_500;
    uint16 public constant MAX_LIQUIDATION_DISCOUNT_BPS = 2_000;
    uint8 public constant MAX_DECIMALS = 36;
    /// @notice How long the L2 sequencer must have been up before prices are acted on again.
    uint256 public constant SEQUENCER_GRACE_PERIOD = 1 hours;

    /// @dev Token and amount share the first slot, which is all a liquidation reads and writes;
    ///      the borrower is read only on release.
    struct Position {
        address token;
        uint96 amount; // bounded at pledge; 7.9e28 units is far beyond any governed collateral
        address borrower;
    }

    ILoanMarketForCollateral private immutable _market;
    IERC20 private immutable _stablecoin;
    uint8 private immutable _stableDecimals;
    /// @dev Zero on an L1: immutable, so a chain without a sequencer pays nothing for the check.
    AggregatorV3Interface private immutable _sequencerUptimeFeed;

    mapping(uint256 loanId => Position) private _positions;
    mapping(address token => CollateralConfig) private _configs;
    /// @dev Positions holding collateral now: the market may switch vaults only when none is left.
    uint256 private _openPositions;

    modifier onlyMarket() {
        if (msg.sender != address(_market)) revert NotMarket(msg.sender);
        _;
    }

    /// @param admin   receives DEFAULT_ADMIN_ROLE, and grants RISK_ROLE and PAUSER_ROLE
    /// @param market_ the loan market; its stablecoin becomes the unit of value. Deploy the market first
    ///                and point it at this vault afterwards.
    /// @param sequencerUptimeFeed_ the chain's Chainlink L2 sequencer uptime feed; zero on an L1
    constructor(address admin, ILoanMarketForCollateral market_, AggregatorV3Interface sequencerUptimeFeed_) {
        if (admin == address(0)) revert InvalidAdmin(admin);
        if (address(market_) == address(0)) revert InvalidMarket(address(market_));
        address stable = market_.stablecoin();
        if (stable == address(0)) revert InvalidMarket(address(market_));
        _market = market_;
        _stablecoin = IERC20(stable);
        _stableDecimals = IERC20Metadata(stable).decimals();
        _sequencerUptimeFeed = sequencerUptimeFeed_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    // ---------------------------------------------------------------- market

    /// @inheritdoc ICollateralVault
    function pledge(
        uint256 loanId,
        address borrower,
        address token,
        uint256 amount,
        uint256 principal,
        uint8 grade
    ) external onlyMarket whenNotPaused nonReentrant {
        if (_positions[loanId].borrower != address(0)) revert PositionExists(loanId);
        if (borrower == address(0)) revert InvalidBorrower(borrower);
        if (amount == 0) revert ZeroAmount();
        if (amount > type(uint96).max) revert AmountTooLarge(amount, type(uint96).max);
        CollateralConfig storage cfg = _configs[token];
        if (!cfg.enabled) revert CollateralNotEnabled(token);

        uint256 value = _value(amount, _price(cfg), BPS, cfg, Math.Rounding.Floor);
        _requireAdmits(loanId, value, principal, grade, cfg);

        _positions[loanId] = Position({token: token, amount: uint96(amount), borrower: borrower});
        ++_openPositions;
        emit CollateralPledged(loanId, borrower, token, amount, value);
        _pull(token, borrower, amount);
    }

    /// @inheritdoc ICollateralVault
    /// @dev Not paused: a top-up only makes a position safer, and a crisis is when borrowers need it.
    function addCollateral(uint256 loanId, address from, uint256 amount) external onlyMarket nonReentrant {
        Position storage pos = _positions[loanId];
        if (pos.borrower == address(0)) revert NoPosition(loanId);
        if (amount == 0) revert ZeroAmount();
        uint256 held = pos.amount;
        if (held + amount > type(uint96).max) revert AmountTooLarge(held + amount, type(uint96).max);
        pos.amount = uint96(held + amount);
        if (held == 0) ++_openPositions; // a liquidation had emptied it
        address token = pos.token;
        emit CollateralAdded(loanId, from, token, amount);
        _pull(token, from, amount);
    }

    /// @inheritdoc ICollateralVault
    /// @dev A no-op when nothing is held (e.g. everything was liquidated), so a repayment in full never
    ///      fails on it. Deliberately not behind the reentrancy lock: the market may release from inside
    ///      `receiveLiquidationProceeds`, and `liquidate` settles the position before that call.
    ///      Never paused: a pause must not trap collateral.
    function release(uint256 loanId) external onlyMarket {
        Position memory pos = _positions[loanId];
        if (pos.borrower == address(0)) return;
        delete _positions[loanId];
        if (pos.amount == 0) return;
        --_openPositions;
        emit CollateralReleased(loanId, pos.borrower, pos.token, pos.amount);
        IERC20(pos.token).safeTransfer(pos.borrower, pos.amount);
    }

    /// @inheritdoc ICollateralVault
    function requireCoverage(uint256 loanId, uint256 principal, uint8 grade) external view {
        Position storage pos = _positions[loanId];
        CollateralConfig storage cfg = _configs[pos.token];
        uint256 value = pos.amount == 0 ? 0 : _value(pos.amount, _price(cfg), BPS, cfg, Math.Rounding.Floor);
        _requireAdmits(loanId, value, principal, grade, cfg);
    }

    /// @inheritdoc ICollateralVault
    function coverage(
        uint256 loanId,
        uint256 principal,
        uint8 grade
    ) external view returns (bool priced, bool covered) {
        if (grade == 0 || grade > GRADE_COUNT) return (true, false);
        Position storage pos = _positions[loanId];
        uint256 held = pos.amount;
        if (held == 0) return (true, false);
        CollateralConfig storage cfg = _configs[pos.token];
        if (!PriceFeedLib.sequencerUp(_sequencerUptimeFeed, SEQUENCER_GRACE_PERIOD)) return (false, false);
        uint256 price;
        (priced, price) = PriceFeedLib.tryLatestPrice(cfg.feed, cfg.heartbeat);
        if (!priced) return (false, false);
        uint256 value = _value(held, price, BPS, cfg, Math.Rounding.Floor);
        covered = principal * BPS <= value * cfg.maxLtvBps[grade - 1];
    }

    // ---------------------------------------------------------------- liquidation

    /// @inheritdoc ICollateralLiquidation
    function liquidate(
        uint256 loanId,
        uint256 collateralAmount,
        uint256 maxPayment
    ) external nonReentrant returns (uint256 bought, uint256 payment) {
        Position storage pos = _positions[loanId];
        uint256 held = pos.amount;
        if (held == 0) revert NoPosition(loanId);
        if (collateralAmount == 0) revert ZeroAmount();
        address token = pos.token;
        CollateralConfig storage cfg = _configs[token];

        uint256 price = _price(cfg);
        uint256 owed = _market.payoffAmount(loanId);
        if (owed == 0) revert NothingOutstanding(loanId);
        _requireLiquidatable(loanId, held, owed, price, cfg);

        (bought, payment) = _fill(held, collateralAmount, owed, price, cfg);
        if (payment > maxPayment) revert SlippageExceeded(payment, maxPayment);

        // `_fill` never returns more than `held`, which fits uint96.
        uint256 left = held - bought;
        pos.amount = uint96(left);
        if (left == 0) --_openPositions;
        emit CollateralLiquidated(loanId, msg.sender, bought, payment);

        // Pay the market first and let it book the proceeds; the position is already settled, so the
        // market may release the surplus to the borrower from inside this call.
        _stablecoin.safeTransferFrom(msg.sender, address(_market), payment);
        _market.receiveLiquidationProceeds(loanId, payment);
        IERC20(token).safeTransfer(msg.sender, bought);
    }

    // ---------------------------------------------------------------- governance

    /// @inheritdoc ICollateralVaultAdmin
    function configureCollateral(address token, CollateralParams calldata p) external onlyRole(RISK_ROLE) {
        if (token == address(0)) revert InvalidToken(token);
        if (address(p.feed) == address(0)) revert ZeroFeed(token);
        if (p.heartbeat < MIN_HEARTBEAT || p.heartbeat > MAX_HEARTBEAT) {
            revert InvalidHeartbeat(p.heartbeat, MIN_HEARTBEAT, MAX_HEARTBEAT);
        }
        if (p.liquidationThresholdBps == 0 || p.liquidationThresholdBps > MAX_LIQUIDATION_THRESHOLD_BPS) {
            revert InvalidLiquidationThreshold(p.liquidationThresholdBps, MAX_LIQUIDATION_THRESHOLD_BPS);
        }
        if (p.liquidationDiscountBps > MAX_LIQUIDATION_DISCOUNT_BPS) {
            revert InvalidLiquidationDiscount(p.liquidationDiscountBps, MAX_LIQUIDATION_DISCOUNT_BPS);
        }
        for (uint8 i; i < GRADE_COUNT; ++i) {
            // Strictly below the threshold, so a freshly listed loan is never liquidatable at once.
            if (p.maxLtvBps[i] >= p.liquidationThresholdBps) {
                revert InvalidMaxLtv(i + 1, p.maxLtvBps[i], p.liquidationThresholdBps);
            }
        }
        uint8 tokenDecimals = IERC20Metadata(token).decimals();
        if (tokenDecimals != p.tokenDecimals) revert TokenDecimalsMismatch(token, p.tokenDecimals, tokenDecimals);
        uint8 feedDecimals = p.feed.decimals();
        if (tokenDecimals > MAX_DECIMALS || feedDecimals > MAX_DECIMALS) {
            revert UnsupportedDecimals(token, tokenDecimals, feedDecimals);
        }

        bool wasEnabled = _configs[token].enabled;
        _configs[token] = CollateralConfig({
            feed: p.feed,
            heartbeat: p.heartbeat,
            liquidationThresholdBps: p.liquidationThresholdBps,
            liquidationDiscountBps: p.liquidationDiscountBps,
            tokenDecimals: tokenDecimals,
            feedDecimals: feedDecimals,
            enabled: true,
            maxLtvBps: p.maxLtvBps
        });
        emit CollateralTypeConfigured(
            token,
            address(p.feed),
            p.heartbeat,
            tokenDecimals,
            feedDecimals,
            p.maxLtvBps,
            p.liquidationThresholdBps,
            p.liquidationDiscountBps
        );
        if (!wasEnabled) emit CollateralTypeEnabled(token, true);
    }

    /// @inheritdoc ICollateralVaultAdmin
    function setCollateralEnabled(address token, bool enabled) external onlyRole(RISK_ROLE) {
        CollateralConfig storage cfg = _configs[token];
        if (address(cfg.feed) == address(0)) revert CollateralTypeUnknown(token);
        cfg.enabled = enabled;
        emit CollateralTypeEnabled(token, enabled);
    }

    /// @inheritdoc ICollateralVaultAdmin
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @inheritdoc ICollateralVaultAdmin
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc ICollateralVault
    function positionOf(uint256 loanId) external view returns (address token, uint256 amount) {
        Position storage pos = _positions[loanId];
        return (pos.token, pos.amount);
    }

    /// @inheritdoc ICollateralLiquidation
    function borrowerOf(uint256 loanId) external view returns (address) {
        return _positions[loanId].borrower;
    }

    /// @inheritdoc ICollateralLiquidation
    function collateralValue(uint256 loanId) public view returns (uint256) {
        Position storage pos = _positions[loanId];
        uint256 held = pos.amount;
        if (held == 0) return 0;
        CollateralConfig storage cfg = _configs[pos.token];
        uint256 price = _price(cfg);
        return _value(held, price, BPS, cfg, Math.Rounding.Floor);
    }

    /// @inheritdoc ICollateralLiquidation
    function ltvBps(uint256 loanId) external view returns (uint256) {
        return _ltv(_market.payoffAmount(loanId), collateralValue(loanId));
    }

    /// @inheritdoc ICollateralLiquidation
    function isLiquidatable(uint256 loanId) external view returns (bool) {
        Position storage pos = _positions[loanId];
        uint256 held = pos.amount;
        if (held == 0) return false;
        CollateralConfig storage cfg = _configs[pos.token];
        if (!PriceFeedLib.sequencerUp(_sequencerUptimeFeed, SEQUENCER_GRACE_PERIOD)) return false;
        (bool ok, uint256 price) = PriceFeedLib.tryLatestPrice(cfg.feed, cfg.heartbeat);
        if (!ok) return false;
        uint256 owed = _market.payoffAmount(loanId);
        if (owed == 0) return false;
        uint256 ltv = _ltv(owed, _value(held, price, BPS, cfg, Math.Rounding.Floor));
        return ltv >= cfg.liquidationThresholdBps || _market.isDefaulted(loanId);
    }

    /// @inheritdoc ICollateralLiquidation
    function quoteLiquidation(
        uint256 loanId,
        uint256 collateralAmount
    ) external view returns (uint256 bought, uint256 payment) {
        Position storage pos = _positions[loanId];
        uint256 held = pos.amount;
        if (held == 0 || collateralAmount == 0) return (0, 0);
        CollateralConfig storage cfg = _configs[pos.token];
        uint256 price = _price(cfg);
        uint256 owed = _market.payoffAmount(loanId);
        if (owed == 0) return (0, 0);
        return _fill(held, collateralAmount, owed, price, cfg);
    }

    /// @inheritdoc ICollateralVault
    function openPositions() external view returns (uint256) {
        return _openPositions;
    }

    /// @inheritdoc ICollateralVaultAdmin
    function collateralConfig(address token) external view returns (CollateralConfig memory) {
        return _configs[token];
    }

    /// @inheritdoc ICollateralVaultAdmin
    function market() external view returns (address) {
        return address(_market);
    }

    /// @inheritdoc ICollateralVaultAdmin
    function sequencerUptimeFeed() external view returns (address) {
        return address(_sequencerUptimeFeed);
    }

    /// @inheritdoc ICollateralVaultAdmin
    function stablecoin() external view returns (address) {
        return address(_stablecoin);
    }

    // ---------------------------------------------------------------- internal

    /// @dev Reverts unless `value` admits `principal` at the grade's maximum LTV: principal / value <= maxLtv,
    ///      cross-multiplied so the only rounding is the value's, downwards. A max LTV of 0 admits nothing.
    function _requireAdmits(
        uint256 loanId,
        uint256 value,
        uint256 principal,
        uint8 grade,
        CollateralConfig storage cfg
    ) private view {
        if (grade == 0 || grade > GRADE_COUNT) revert InvalidGrade(grade);
        uint16 maxLtv = cfg.maxLtvBps[grade - 1];
        if (principal * BPS > value * maxLtv) revert InsufficientCollateral(loanId, value, principal, maxLtv);
    }

    /// @dev Pulls exactly `amount` of `token`: the balance delta, not the requested amount, is what the
    ///      vault can give back later.
    function _pull(address token, address from, uint256 amount) private {
        uint256 before = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(from, address(this), amount);
        uint256 received = IERC20(token).balanceOf(address(this)) - before;
        if (received != amount) revert FeeOnTransferNotSupported(token, amount, received);
    }

    /// @dev Reverts unless the position is at/above its liquidation threshold or the loan is defaulted.
    ///      The LTV is checked first because the market call it saves is the dearer of the two. `owed` is
    ///      the loan's payoff, so interest and late fees the borrower let accrue count against it.
    function _requireLiquidatable(
        uint256 loanId,
        uint256 held,
        uint256 owed,
        uint256 price,
        CollateralConfig storage cfg
    ) private view {
        uint256 ltv = _ltv(owed, _value(held, price, BPS, cfg, Math.Rounding.Floor));
        uint16 threshold = cfg.liquidationThresholdBps;
        if (ltv < threshold && !_market.isDefaulted(loanId)) revert NotLiquidatable(loanId, ltv, threshold);
    }

    /// @dev The purchase: at most `held`, and no more collateral than repays `owed` (the loan's payoff).
    ///      The buyer always pays the discounted value of what it gets, rounded up, so it never gets
    ///      more than the discount, whatever the token's decimals. When the request would overpay, it
    ///      buys the least amount whose discounted value reaches `owed`: ceil(owed / p) <= requested,
    ///      because ceil(requested * p) > owed implies requested * p > owed (p = discounted unit
    ///      price), so `bought` never exceeds `held`. Its price can exceed `owed` by up to one unit's
    ///      worth; the market credits that to the borrower.
    function _fill(
        uint256 held,
        uint256 requested,
        uint256 owed,
        uint256 price,
        CollateralConfig storage cfg
    ) private view returns (uint256 bought, uint256 payment) {
        uint256 factor = BPS - cfg.liquidationDiscountBps;
        bought = requested < held ? requested : held;
        payment = _value(bought, price, factor, cfg, Math.Rounding.Ceil);
        if (payment > owed) {
            bought = PriceFeedLib.toAmount(
                owed,
                price,
                factor,
                cfg.tokenDecimals,
                cfg.feedDecimals,
                _stableDecimals,
                Math.Rounding.Ceil
            );
            payment = _value(bought, price, factor, cfg, Math.Rounding.Ceil);
        }
    }

    function _price(CollateralConfig storage cfg) private view returns (uint256) {
        PriceFeedLib.requireSequencerUp(_sequencerUptimeFeed, SEQUENCER_GRACE_PERIOD);
        return PriceFeedLib.latestPrice(cfg.feed, cfg.heartbeat);
    }

    function _value(
        uint256 amount,
        uint256 price,
        uint256 factorBps,
        CollateralConfig storage cfg,
        Math.Rounding r
    ) private view returns (uint256) {
        return PriceFeedLib.toValue(amount, price, factorBps, cfg.tokenDecimals, cfg.feedDecimals, _stableDecimals, r);
    }

    /// @dev Rounded down, so `ltv >= threshold` holds exactly when outstanding / value >= threshold.
    function _ltv(uint256 outstanding, uint256 value) private pure returns (uint256) {
        if (value == 0) return outstanding == 0 ? 0 : type(uint256).max;
        return Math.mulDiv(outstanding, BPS, value);
    }
}
