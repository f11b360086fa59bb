// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {ILoanMarket} from "../interfaces/ILoanMarket.sol";
import {ILoanNote} from "../interfaces/ILoanNote.sol";
import {IReserveFund} from "../interfaces/IReserveFund.sol";
import {ICollateralVault} from "../interfaces/ICollateralVault.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {ICreditOracle} from "../interfaces/ICreditOracle.sol";
import {LoanMarketStorage} from "./LoanMarketStorage.sol";
import {LoanAccounting} from "./LoanAccounting.sol";
import {AnnuityMath} from "./AnnuityMath.sol";

/// @title PeerLend loan market (entry points)
/// @notice See {ILoanMarket} for the schedule, accrual, distribution and default rules.
///         Roles: DEFAULT_ADMIN_ROLE (treasury, vault, wind-down, role admin), RISK_ROLE (pricing table,
///         suitability, fees, limits), PAUSER_ROLE (pause/unpause). Repay and claim are never paused.
contract LoanMarket is ILoanMarket, LoanMarketStorage, AccessControl, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    bytes32 public constant RISK_ROLE = keccak256("RISK_ROLE");
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    uint256 public constant MAX_PERIODS = 360;
    uint256 public constant MIN_PERIOD_LENGTH = 1 days;
    uint256 public constant MAX_PERIOD_LENGTH = 365 days;
    uint256 public constant MAX_TERM = 10 * 365 days;
    uint256 public constant MAX_LISTING_DURATION = 60 days;
    /// @notice After the listing deadline the borrower has this long to accept a partial fill.
    uint256 public constant ACCEPT_WINDOW = 7 days;
    uint256 public constant DEFAULT_AFTER_DAYS = LoanAccounting.DEFAULT_AFTER_DAYS;

    uint256 internal constant MAX_FEE_BPS = 2_000;
    uint256 internal constant MAX_RESERVE_SHARE_BPS = 5_000;
    uint256 internal constant MAX_LATE_FEE_BPS_PER_DAY = 100;
    uint256 internal constant MAX_APR_BPS = 10_000;
    uint256 internal constant MAX_OPEN_LOANS = 20;
    uint256 internal constant RAY = AnnuityMath.RAY;
    uint256 internal constant BPS = AnnuityMath.BPS;

    IERC20 internal immutable _token;
    IIdentityRegistry internal immutable _identity;
    ICreditOracle internal immutable _oracle;
    ILoanNote internal immutable _note;
    IReserveFund internal immutable _reserve;

    constructor(
        IERC20 stablecoin_,
        IIdentityRegistry identity_,
        ICreditOracle oracle_,
        ILoanNote note_,
        IReserveFund reserve_,
        address treasury_,
        address admin_
    ) {
        if (
            address(stablecoin_) == address(0) || address(identity_) == address(0) || address(oracle_) == address(0)
                || address(note_) == address(0) || address(reserve_) == address(0) || treasury_ == address(0)
                || admin_ == address(0)
        ) revert ZeroAddress();
        _token = stablecoin_;
        _identity = identity_;
        _oracle = oracle_;
        _note = note_;
        _reserve = reserve_;
        _treasury = treasury_;
        _config.maxOpenLoansPerBorrower = 1;
        // One-unit sentinels keep the pending-fee slot non-zero, so a repay never pays for a fresh slot.
        _pending = PendingFees(1, 1);
        _grantRole(DEFAULT_ADMIN_ROLE, admin_);
    }

    // ------------------------------------------------------------------ borrower

    /// @inheritdoc ILoanMarket
    function list(ListingParams calldata p) external nonReentrant returns (uint256 loanId) {
        Config memory c = _config;
        _requireOpen(c);
        (uint8 grade, uint16 aprBps, uint256 minFill) = _checkListing(p, msg.sender, c.maxOpenLoansPerBorrower);
        loanId = _storeListing(p, grade, aprBps, minFill);
        emit LoanListed(
            loanId, msg.sender, grade, p.principal, minFill, aprBps, p.numPeriods, p.periodLength, p.listingDeadline
        );
        if (p.collateralAmount != 0) {
            address vault = _vault;
            if (vault == address(0)) revert CollateralVaultNotSet();
            _loans[loanId].flags = FLAG_SECURED;
            emit CollateralPledged(loanId, p.collateralToken, p.collateralAmount);
            ICollateralVault(vault).pledge(loanId, msg.sender, p.collateralToken, p.collateralAmount, p.principal, grade);
        }
    }

    /// @inheritdoc ILoanMarket
    function drawdown(uint256 loanId) external nonReentrant {
        _requireOpen(_config);
        Loan memory l = _load(loanId);
        _requireStatus(loanId, l.status, LoanStatus.Listed);
        if (msg.sender != l.borrower) revert NotBorrower(msg.sender, l.borrower);
        if (!_identity.isEligible(l.borrower)) revert NotEligible(l.borrower);
        uint256 funded = l.funded;
        bool accepted = block.timestamp <= uint256(l.listingDeadline) + ACCEPT_WINDOW
            && (funded == l.principal || (block.timestamp > l.listingDeadline && funded >= l.minFill));
        if (!accepted || funded == 0) revert DrawdownNotAllowed(loanId, funded, l.principal, l.minFill);

        uint256 r = AnnuityMath.ratePerPeriod(l.aprBps, l.periodLength);
        uint256 inst = AnnuityMath.installment(funded, r, l.numPeriods);
        l.principal = uint96(funded);
        l.status = LoanStatus.Drawn;
        l.drawnAt = uint40(block.timestamp);
        l.lastAccrual = uint40(block.timestamp);
        l.installment = uint128(inst);
        l.schedBalance = uint128(funded);
        l.principalOutstanding = uint128(funded);
        _store(loanId, l);
        _totals.principalOutstanding += uint128(funded);

        uint256 fee = Math.mulDiv(funded, _config.originationFeeBps, BPS, Math.Rounding.Ceil);
        emit LoanDrawn(loanId, l.borrower, funded, fee, inst, uint40(block.timestamp + l.periodLength));
        if (fee != 0) _token.safeTransfer(_treasury, fee);
        _token.safeTransfer(l.borrower, funded - fee);
    }

    /// @inheritdoc ILoanMarket
    function cancel(uint256 loanId) external nonReentrant {
        Loan storage l = _loans[loanId];
        _requireStatus(loanId, l.status, LoanStatus.Listed);
        if (msg.sender != l.borrower) revert NotBorrower(msg.sender, l.borrower);
        _close(loanId, l, LoanStatus.Cancelled);
        emit LoanCancelled(loanId);
        _releaseCollateral(loanId, l.flags);
    }

    /// @inheritdoc ILoanMarket
    function repay(uint256 loanId, uint256 amount) external nonReentrant returns (uint256 paid) {
        if (amount == 0) revert ZeroAmount();
        bool closed;
        (paid, closed) = _repay(loanId, amount, msg.sender);
        if (paid == 0) revert ZeroAmount();
        _pull(msg.sender, paid);
        if (closed) _releaseCollateral(loanId, _loans[loanId].flags);
    }

    // ------------------------------------------------------------------ lender

    /// @inheritdoc ILoanMarket
    function fund(uint256 loanId, uint256 amount) external nonReentrant returns (uint256 noteId) {
        Config memory c = _config;
        _requireOpen(c);
        Loan storage l = _loans[loanId];
        _requireStatus(loanId, l.status, LoanStatus.Listed);
        if (block.timestamp > l.listingDeadline) revert ListingClosed(loanId, l.listingDeadline);
        if (msg.sender == l.borrower) revert BorrowerCannotFund(loanId);
        if (amount == 0) revert ZeroAmount();
        uint256 funded = l.funded;
        uint256 remaining = l.principal - funded;
        if (amount > remaining) revert OverFunding(amount, remaining);
        if (amount < c.minTicket && amount != remaining) revert TicketTooSmall(amount, c.minTicket);
        uint8 required = _grades[l.grade].minRiskClass;
        if (required == 0) required = 1;
        uint8 riskClass = _identity.riskClassOf(msg.sender); // 0 when not eligible
        if (riskClass == 0) revert NotEligible(msg.sender);
        if (riskClass < required) revert NotSuitable(msg.sender, riskClass, required);

        uint32 index = l.noteCount;
        noteId = (loanId << 32) | index;
        l.funded = uint96(funded + amount); // <= principal
        l.noteCount = index + 1;
        emit LoanFunded(loanId, noteId, msg.sender, amount);
        _pull(msg.sender, amount);
        _note.mint(msg.sender, noteId, amount);
    }

    /// @inheritdoc ILoanMarket
    function claim(uint256 noteId) external nonReentrant returns (uint256 amount) {
        amount = _claim(noteId);
        if (amount != 0) _token.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc ILoanMarket
    function claimMany(uint256[] calldata noteIds) external nonReentrant returns (uint256 amount) {
        for (uint256 i; i < noteIds.length; ++i) {
            amount += _claim(noteIds[i]);
        }
        if (amount != 0) _token.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc ILoanMarket
    function withdrawFunding(uint256 noteId) external nonReentrant returns (uint256 amount) {
        uint256 loanId = noteId >> 32;
        Loan storage l = _loans[loanId];
        if (l.status == LoanStatus.Listed && _expirable(l)) _expire(loanId, l);
        LoanStatus s = l.status;
        if (s != LoanStatus.Cancelled && s != LoanStatus.Expired) revert InvalidLoanStatus(loanId, s);
        address holder;
        (holder, amount) = _note.noteInfo(noteId);
        if (holder != msg.sender) revert NotNoteHolder(msg.sender, noteId);
        l.funded -= uint96(amount);
        emit FundingWithdrawn(loanId, noteId, holder, amount);
        _note.burn(noteId);
        _token.safeTransfer(holder, amount);
    }

    // ------------------------------------------------------------------ anyone

    /// @inheritdoc ILoanMarket
    function expire(uint256 loanId) external nonReentrant {
        Loan storage l = _loans[loanId];
        _requireStatus(loanId, l.status, LoanStatus.Listed);
        if (!_expirable(l)) revert NotExpirable(loanId);
        _expire(loanId, l);
    }

    /// @inheritdoc ILoanMarket
    function markDefault(uint256 loanId) external nonReentrant {
        Loan memory l = _load(loanId);
        _requireStatus(loanId, l.status, LoanStatus.Drawn);
        LoanAccounting.accrue(l, _config.lateFeeBpsPerDay, block.timestamp);
        uint256 dpd = LoanAccounting.daysPastDue(l, block.timestamp);
        if (dpd <= DEFAULT_AFTER_DAYS) revert NotDefaultable(loanId, dpd);
        l.status = LoanStatus.Defaulted;
        _store(loanId, l);
        Totals storage tot = _totals;
        tot.principalOutstanding -= l.principalOutstanding;
        tot.openLoans -= 1;
        emit LoanDefaulted(loanId, l.principalOutstanding, l.interestUnpaid, l.lateFeeUnpaid);
    }

    /// @inheritdoc ILoanMarket
    function coverFromReserve(uint256 loanId) external nonReentrant {
        Loan storage l = _loans[loanId];
        _requireStatus(loanId, l.status, LoanStatus.Defaulted);
        uint8 flags = l.flags;
        if (flags & FLAG_COVERED != 0) revert AlreadyCovered(loanId);
        if (flags & FLAG_SECURED != 0 && _vault != address(0)) {
            (, uint256 held) = ICollateralVault(_vault).positionOf(loanId);
            if (held != 0) revert CollateralNotExhausted(loanId, held);
        }
        _sweep(); // the reserve share collected so far is available to this cover
        uint256 remaining = l.principalOutstanding;
        uint256 available = _reserve.availableCover(loanId);
        uint256 covered = remaining < available ? remaining : available;
        uint256 loss = remaining - covered;
        uint256 funded = l.funded;
        uint256 writedown = Math.mulDiv(loss, RAY, funded, Math.Rounding.Ceil);
        l.flags = flags | FLAG_COVERED;
        // The borrower still owes the whole principal: the reserve fund takes over the notes' claim to
        // the part it paid (see _distribute), it does not forgive it.
        l.accPerShare += uint128(covered * RAY / funded);
        l.writedownPerShare = uint128(writedown);
        emit DefaultCovered(loanId, covered, loss, writedown);
        if (covered != 0) {
            uint256 before = _token.balanceOf(address(this));
            _reserve.cover(loanId, covered);
            uint256 received = _token.balanceOf(address(this)) - before;
            if (received != covered) revert FeeOnTransferNotSupported(covered, received);
        }
    }

    /// @inheritdoc ILoanMarket
    function sweepFees() external nonReentrant {
        _sweep();
    }

    // ------------------------------------------------------------------ collateral vault

    /// @inheritdoc ILoanMarket
    /// @dev The market does not call back into the vault here: when the proceeds settle the loan in full
    ///      the vault returns what collateral remains itself.
    function receiveLiquidationProceeds(uint256 loanId, uint256 amount) external nonReentrant {
        if (msg.sender != _vault || msg.sender == address(0)) revert NotCollateralVault(msg.sender);
        if (amount == 0) revert ZeroAmount();
        (uint256 paid, bool closed) = _repay(loanId, amount, msg.sender);
        uint256 refund = amount - paid;
        emit LiquidationProceedsReceived(loanId, amount, refund);
        if (refund != 0) _token.safeTransfer(_loans[loanId].borrower, refund);
        // A liquidation that settles the loan leaves surplus collateral in the vault; it belongs to the
        // borrower now, as after a repayment (the vault's release is callable from inside liquidate).
        if (closed) _releaseCollateral(loanId, _loans[loanId].flags);
    }

    // ------------------------------------------------------------------ governance

    /// @inheritdoc ILoanMarket
    function setGradeTerms(uint8 grade, uint16 aprBps, uint96 maxPrincipal, bool allowed)
        external
        onlyRole(RISK_ROLE)
    {
        _requireGrade(grade);
        _bound("aprBps", aprBps, MAX_APR_BPS);
        GradeTerms storage t = _grades[grade];
        t.aprBps = aprBps;
        t.maxPrincipal = maxPrincipal;
        t.allowed = allowed;
        emit GradeTermsSet(grade, aprBps, maxPrincipal, allowed);
    }

    /// @inheritdoc ILoanMarket
    function setMinRiskClass(uint8 grade, uint8 riskClass) external onlyRole(RISK_ROLE) {
        _requireGrade(grade);
        if (riskClass == 0 || riskClass > 5) revert ParameterOutOfBounds("minRiskClass", riskClass, 5);
        _grades[grade].minRiskClass = riskClass;
        emit MinRiskClassSet(grade, riskClass);
    }

    /// @inheritdoc ILoanMarket
    function setFees(uint16 originationFeeBps, uint16 servicingFeeBps, uint16 reserveShareBps)
        external
        onlyRole(RISK_ROLE)
    {
        _bound("originationFeeBps", originationFeeBps, MAX_FEE_BPS);
        _bound("servicingFeeBps", servicingFeeBps, MAX_FEE_BPS);
        _bound("reserveShareBps", reserveShareBps, MAX_RESERVE_SHARE_BPS);
        Config storage c = _config;
        emit ParameterChanged("originationFeeBps", c.originationFeeBps, originationFeeBps);
        emit ParameterChanged("servicingFeeBps", c.servicingFeeBps, servicingFeeBps);
        emit ParameterChanged("reserveShareBps", c.reserveShareBps, reserveShareBps);
        c.originationFeeBps = originationFeeBps;
        c.servicingFeeBps = servicingFeeBps;
        c.reserveShareBps = reserveShareBps;
    }

    /// @inheritdoc ILoanMarket
    function setLateFeeBpsPerDay(uint16 bps) external onlyRole(RISK_ROLE) {
        _bound("lateFeeBpsPerDay", bps, MAX_LATE_FEE_BPS_PER_DAY);
        emit ParameterChanged("lateFeeBpsPerDay", _config.lateFeeBpsPerDay, bps);
        _config.lateFeeBpsPerDay = bps;
    }

    /// @inheritdoc ILoanMarket
    function setMinTicket(uint96 amount) external onlyRole(RISK_ROLE) {
        emit ParameterChanged("minTicket", _config.minTicket, amount);
        _config.minTicket = amount;
    }

    /// @inheritdoc ILoanMarket
    function setMaxOpenLoansPerBorrower(uint8 maxOpen) external onlyRole(RISK_ROLE) {
        if (maxOpen == 0 || maxOpen > MAX_OPEN_LOANS) {
            revert ParameterOutOfBounds("maxOpenLoansPerBorrower", maxOpen, MAX_OPEN_LOANS);
        }
        emit ParameterChanged("maxOpenLoansPerBorrower", _config.maxOpenLoansPerBorrower, maxOpen);
        _config.maxOpenLoansPerBorrower = maxOpen;
    }

    /// @inheritdoc ILoanMarket
    function setTreasury(address treasury_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (treasury_ == address(0)) revert ZeroAddress();
        emit AddressChanged("treasury", _treasury, treasury_);
        _treasury = treasury_;
    }

    /// @inheritdoc ILoanMarket
    function setCollateralVault(address vault) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (vault == address(0)) revert ZeroAddress();
        emit AddressChanged("collateralVault", _vault, vault);
        _vault = vault;
    }

    /// @inheritdoc ILoanMarket
    /// @dev Irreversible. Listed loans become expirable at once so lenders can take their funds back.
    function windDown() external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (_config.woundDown) revert AlreadyWoundDown();
        _config.woundDown = true;
        emit WoundDown(msg.sender);
    }

    /// @inheritdoc ILoanMarket
    function pause() external onlyRole(PAUSER_ROLE) {
        if (_config.paused) revert AlreadyPaused();
        _config.paused = true;
        emit Paused(msg.sender);
    }

    /// @inheritdoc ILoanMarket
    function unpause() external onlyRole(PAUSER_ROLE) {
        if (!_config.paused) revert NotPaused();
        _config.paused = false;
        emit Unpaused(msg.sender);
    }

    // ------------------------------------------------------------------ views

    function paused() external view returns (bool) {
        return _config.paused;
    }

    function woundDown() external view returns (bool) {
        return _config.woundDown;
    }

    function windDownProgress() external view returns (uint256 loansOpen, uint256 principalOutstanding) {
        Totals memory t = _totals;
        return (t.openLoans, t.principalOutstanding);
    }

    function totalPrincipalOutstanding() external view returns (uint256) {
        return _totals.principalOutstanding;
    }

    function loanCount() external view returns (uint256) {
        return _totals.nextLoanId;
    }

    function fundedPrincipal(uint256 loanId) external view returns (uint256) {
        return _loans[loanId].funded;
    }

    function outstandingPrincipal(uint256 loanId) external view returns (uint256) {
        return _loans[loanId].principalOutstanding;
    }

    function isDefaulted(uint256 loanId) external view returns (bool) {
        return _loans[loanId].status == LoanStatus.Defaulted;
    }

    function stablecoin() external view returns (address) {
        return address(_token);
    }

    function identityRegistry() external view returns (address) {
        return address(_identity);
    }

    function creditOracle() external view returns (address) {
        return address(_oracle);
    }

    function loanNote() external view returns (address) {
        return address(_note);
    }

    function reserveFund() external view returns (address) {
        return address(_reserve);
    }

    function treasury() external view returns (address) {
        return _treasury;
    }

    function collateralVault() external view returns (address) {
        return _vault;
    }

    /// @return the packed governed parameters
    function config() external view returns (Config memory) {
        return _config;
    }

    function pendingFees() external view returns (uint256 reserve, uint256 treasury_) {
        return (_pending.reserve - 1, _pending.treasury - 1);
    }

    function openLoansOf(address borrower) external view returns (uint256) {
        return _openLoansOf[borrower];
    }

    function checkpointOf(uint256 noteId) external view returns (uint256) {
        return _checkpoint[noteId];
    }

    function gradeTerms(uint8 grade) external view returns (GradeTerms memory) {
        return _grades[grade];
    }

    function minRiskClassForGrade(uint8 grade) external view returns (uint8) {
        return _grades[grade].minRiskClass;
    }

    function getLoan(uint256 loanId) external view returns (Loan memory) {
        return _accrued(loanId);
    }

    function payoffAmount(uint256 loanId) external view returns (uint256) {
        Loan memory l = _accrued(loanId);
        if (l.status != LoanStatus.Drawn && l.status != LoanStatus.Defaulted) return 0;
        return LoanAccounting.payoff(l);
    }

    function claimable(uint256 noteId) external view returns (uint256) {
        uint256 share = _note.shareOf(noteId);
        return share * (_loans[noteId >> 32].accPerShare - _checkpoint[noteId]) / RAY;
    }

    // ------------------------------------------------------------------ internal

    function _requireOpen(Config memory c) internal pure {
        if (c.paused) revert MarketPaused();
        if (c.woundDown) revert MarketWoundDown();
    }

    function _requireStatus(uint256 loanId, LoanStatus actual, LoanStatus expected) internal pure {
        if (actual != expected) {
            if (actual == LoanStatus.None) revert UnknownLoan(loanId);
            revert InvalidLoanStatus(loanId, actual);
        }
    }

    function _requireGrade(uint8 grade) internal pure {
        if (grade == 0 || grade > 7) revert InvalidGrade(grade);
    }

    function _bound(bytes32 name, uint256 value, uint256 maxValue) internal pure {
        if (value > maxValue) revert ParameterOutOfBounds(name, value, maxValue);
    }

    function _checkListing(ListingParams calldata p, address borrower, uint256 maxOpen)
        internal
        view
        returns (uint8 grade, uint16 aprBps, uint256 minFill)
    {
        if (!_identity.isEligible(borrower)) revert NotEligible(borrower);
        if (!_oracle.isFresh(borrower)) revert CreditRecordStale(borrower);
        grade = _oracle.recordOf(borrower).grade;
        GradeTerms memory t = _grades[grade];
        if (!t.allowed) revert GradeNotAllowed(grade);
        if (p.principal == 0 || p.principal > t.maxPrincipal) revert PrincipalOutOfBounds(p.principal, t.maxPrincipal);
        aprBps = t.aprBps;
        minFill = p.minFill == 0 ? p.principal : p.minFill;
        if (minFill > p.principal) revert InvalidMinFill(p.minFill, p.principal);
        if (
            p.numPeriods == 0 || p.numPeriods > MAX_PERIODS || p.periodLength < MIN_PERIOD_LENGTH
                || p.periodLength > MAX_PERIOD_LENGTH || uint256(p.numPeriods) * p.periodLength > MAX_TERM
        ) revert InvalidTerm(p.numPeriods, p.periodLength);
        if (p.listingDeadline <= block.timestamp || p.listingDeadline > block.timestamp + MAX_LISTING_DURATION) {
            revert InvalidDeadline(p.listingDeadline, block.timestamp);
        }
        uint256 open = _openLoansOf[borrower];
        if (open >= maxOpen) revert TooManyOpenLoans(borrower, open, maxOpen);
    }

    function _storeListing(ListingParams calldata p, uint8 grade, uint16 aprBps, uint256 minFill)
        internal
        returns (uint256 loanId)
    {
        Totals memory tot = _totals;
        loanId = uint256(tot.nextLoanId) + 1; // ids start at 1
        _totals = Totals(tot.principalOutstanding, tot.openLoans + 1, uint64(loanId));
        _openLoansOf[msg.sender] += 1;
        Loan storage l = _loans[loanId];
        l.borrower = msg.sender;
        l.listingDeadline = p.listingDeadline;
        l.periodLength = p.periodLength;
        l.numPeriods = p.numPeriods;
        l.status = LoanStatus.Listed;
        l.principal = uint96(p.principal); // <= maxPrincipal, a uint96
        l.aprBps = aprBps;
        l.grade = grade;
        l.minFill = uint96(minFill);
    }

    function _accrued(uint256 loanId) internal view returns (Loan memory l) {
        l = _load(loanId);
        if (l.status == LoanStatus.None) revert UnknownLoan(loanId);
        LoanAccounting.accrue(l, _config.lateFeeBpsPerDay, block.timestamp);
    }

    /// @dev Shared by repay and liquidation proceeds: accrues, applies min(amount, payoff) and distributes.
    ///      Tokens are pulled by the caller afterwards (checks-effects-interactions).
    function _repay(uint256 loanId, uint256 amount, address payer) internal returns (uint256 paid, bool closed) {
        Loan memory l = _load(loanId);
        LoanStatus s = l.status;
        if (s != LoanStatus.Drawn && s != LoanStatus.Defaulted) {
            if (s == LoanStatus.None) revert UnknownLoan(loanId);
            revert InvalidLoanStatus(loanId, s);
        }
        Config memory c = _config;
        LoanAccounting.accrue(l, c.lateFeeBpsPerDay, block.timestamp);
        uint256 owed = LoanAccounting.payoff(l);
        paid = amount < owed ? amount : owed;
        closed = paid == owed && paid != 0;
        uint256 toLenders = _distribute(loanId, l, paid, payer, s == LoanStatus.Drawn ? c : Config(0, 0, 0, 0, 0, false, false, 0));
        if (s == LoanStatus.Drawn && closed) {
            l.status = LoanStatus.Repaid;
            _totals.openLoans -= 1;
            _openLoansOf[l.borrower] -= 1;
            emit LoanRepaidInFull(loanId);
        }
        // Rounded down: the dust stays in the market, lenders are never paid more than was received.
        l.accPerShare += uint128(toLenders * RAY / l.funded);
        _store(loanId, l);
    }

    /// @dev Applies the waterfall, books servicing fee and reserve share (performing loans only; `c` is
    ///      all zero for a recovery after default) and returns what goes to the notes.
    function _distribute(uint256 loanId, Loan memory l, uint256 paid, address payer, Config memory c)
        internal
        returns (uint256 toLenders)
    {
        (uint256 late, uint256 interest, uint256 principal) = LoanAccounting.applyPayment(l, paid);
        uint256 base = late + interest;
        uint256 servicingFee = Math.mulDiv(base, c.servicingFeeBps, BPS, Math.Rounding.Ceil);
        uint256 reserveShare = Math.mulDiv(base, c.reserveShareBps, BPS, Math.Rounding.Ceil);
        if (reserveShare > base - servicingFee) reserveShare = base - servicingFee;
        if (l.flags & FLAG_COVERED != 0 && principal != 0) {
            // Subrogation: the reserve fund paid the notes `claim` of this loan's principal, so the last
            // `claim` of principal recovered is its; the notes recover their uncovered loss first.
            uint256 claim = _reserve.coveredOf(loanId);
            uint256 out = l.principalOutstanding; // after this payment
            reserveShare += Math.min(claim, out + principal) - Math.min(claim, out);
        }
        if (servicingFee != 0 || reserveShare != 0) {
            PendingFees storage pf = _pending;
            pf.reserve += uint128(reserveShare);
            pf.treasury += uint128(servicingFee);
        }
        if (l.status == LoanStatus.Drawn) _totals.principalOutstanding -= uint128(principal);
        toLenders = paid - servicingFee - reserveShare;
        emit LoanRepaid(loanId, payer, late, interest, principal, reserveShare, servicingFee);
    }

    function _load(uint256 loanId) internal view returns (Loan memory) {
        return _loans[loanId];
    }

    function _store(uint256 loanId, Loan memory l) internal {
        _loans[loanId] = l;
    }

    function _claim(uint256 noteId) internal returns (uint256 amount) {
        (address holder, uint256 share) = _note.noteInfo(noteId);
        if (holder != msg.sender) revert NotNoteHolder(msg.sender, noteId);
        uint256 acc = _loans[noteId >> 32].accPerShare;
        uint256 checkpoint = _checkpoint[noteId];
        if (acc == checkpoint) return 0;
        _checkpoint[noteId] = acc;
        amount = share * (acc - checkpoint) / RAY; // rounded down
        emit Claimed(noteId, holder, amount);
    }

    function _expirable(Loan storage l) internal view returns (bool) {
        uint256 deadline = l.listingDeadline;
        return _config.woundDown || block.timestamp > deadline + ACCEPT_WINDOW
            || (block.timestamp > deadline && l.funded < l.minFill);
    }

    function _expire(uint256 loanId, Loan storage l) internal {
        _close(loanId, l, LoanStatus.Expired);
        emit LoanExpired(loanId);
        _releaseCollateral(loanId, l.flags);
    }

    function _close(uint256, Loan storage l, LoanStatus status) internal {
        l.status = status;
        _totals.openLoans -= 1;
        _openLoansOf[l.borrower] -= 1;
    }

    function _releaseCollateral(uint256 loanId, uint8 flags) internal {
        if (flags & FLAG_SECURED == 0 || _vault == address(0)) return;
        emit CollateralReleased(loanId);
        ICollateralVault(_vault).release(loanId);
    }

    function _sweep() internal {
        PendingFees memory p = _pending;
        uint256 toReserve = p.reserve - 1; // minus the sentinels
        uint256 toTreasury = p.treasury - 1;
        if (toReserve == 0 && toTreasury == 0) return;
        _pending = PendingFees(1, 1);
        emit FeesSwept(toReserve, toTreasury);
        if (toReserve != 0) _token.safeTransfer(address(_reserve), toReserve);
        if (toTreasury != 0) _token.safeTransfer(_treasury, toTreasury);
    }

    /// @dev Refuses tokens that deliver less than asked (fee-on-transfer).
    function _pull(address from, uint256 amount) internal {
        uint256 before = _token.balanceOf(address(this));
        _token.safeTransferFrom(from, address(this), amount);
        uint256 received = _token.balanceOf(address(this)) - before;
        if (received != amount) revert FeeOnTransferNotSupported(amount, received);
    }
}
