// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IAutoInvest} from "../interfaces/IAutoInvest.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {IMarketForAutoInvest} from "../interfaces/Interfaces.sol";
import {ILoanMarketTypes} from "../interfaces/ILoanMarketTypes.sol";
import {BPS, GRADE_COUNT} from "../common/Constants.sol";

/// @title Auto-invest mandates over per-lender ledgers (see {IAutoInvest})
/// @dev Two packed words per lender: the ledger of money in and out (deposited, withdrawn, lock) and the
///      flow through loans (invested, returned, queue place). The contract's token balance is always the
///      sum of the lenders' balances: money only enters by a lender's deposit or by a claim of that
///      lender's notes, and only leaves by that lender's withdrawal or to fund that lender's note.
contract AutoInvest is IAutoInvest, AccessControl, EIP712, Nonces, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    bytes32 public constant MANDATE_TYPEHASH = keccak256(
        "SetMandate(address lender,uint8 grades,uint16 minAprBps,uint16 maxTermDays,uint96 amountPerLoan,"
        "uint96 maxPerBorrower,uint8 lockTier,uint256 nonce,uint256 deadline)"
    );
    uint256 public constant DEFAULT_MAX_SHARE_BPS = 2_000;
    uint256 private constant MIN_MAX_SHARE_BPS = 100;
    uint8 private constant LOCK_TIERS = 4;

    struct Ledger {
        uint112 deposited;
        uint112 withdrawn;
        uint32 lockedUntil;
    }

    struct Flow {
        uint112 invested;
        uint112 returned;
        uint32 turn;
    }

    IMarketForAutoInvest private immutable _market;
    IERC20 private immutable _token;
    IIdentityRegistry private immutable _identity;

    mapping(address lender => Ledger) private _ledger;
    mapping(address lender => Flow) private _flow;
    mapping(address lender => Mandate) private _mandates;
    mapping(address lender => mapping(bytes32 subject => uint256)) private _exposure;
    mapping(uint256 loanId => mapping(address lender => bool)) private _allocated;
    uint32 private _lastTurn;
    uint16 private _maxShareBps;

    constructor(IMarketForAutoInvest market_, address admin) EIP712("PeerLend AutoInvest", "1") {
        if (address(market_) == address(0)) revert ZeroAddress();
        if (admin == address(0)) revert InvalidAdmin(admin);
        _market = market_;
        _token = IERC20(market_.stablecoin());
        _identity = IIdentityRegistry(market_.identityRegistry());
        _maxShareBps = uint16(DEFAULT_MAX_SHARE_BPS);
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        // The market pulls only from its caller, and this contract calls it only to fund its lenders' notes.
        _token.forceApprove(address(market_), type(uint256).max);
    }

    // ------------------------------------------------------------------ lenders' cash

    /// @inheritdoc IAutoInvest
    function deposit(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        if (!_identity.isEligible(msg.sender)) revert NotEligible(msg.sender);
        if (_market.woundDown()) revert MarketWoundDown(); // nothing new would be listed to fund
        uint256 before = _token.balanceOf(address(this));
        _token.safeTransferFrom(msg.sender, address(this), amount);
        _requireReceived(before, amount);

        Ledger storage ledger = _ledger[msg.sender];
        ledger.deposited = (uint256(ledger.deposited) + amount).toUint112();
        uint256 until = _extendLock(ledger, _mandates[msg.sender].lockTier);
        Flow storage flow = _flow[msg.sender];
        if (flow.turn == 0) flow.turn = ++_lastTurn;
        emit Deposited(msg.sender, amount, until);
    }

    /// @inheritdoc IAutoInvest
    function withdraw(uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        if (_identity.isFrozen(msg.sender)) revert WalletFrozen(msg.sender);
        Ledger storage ledger = _ledger[msg.sender];
        if (block.timestamp < ledger.lockedUntil) revert BalanceLocked(msg.sender, ledger.lockedUntil);
        uint256 balance = _balanceOf(ledger, _flow[msg.sender]);
        if (amount > balance) revert InsufficientBalance(msg.sender, balance, amount);
        ledger.withdrawn = (uint256(ledger.withdrawn) + amount).toUint112();
        emit Withdrawn(msg.sender, amount);
        _token.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IAutoInvest
    function reinvest(uint256[] calldata noteIds) external nonReentrant returns (uint256 amount) {
        uint256 before = _token.balanceOf(address(this));
        amount = _market.claimFor(msg.sender, noteIds); // each note must be the caller's
        _requireReceived(before, amount);
        Flow storage flow = _flow[msg.sender];
        flow.returned = (uint256(flow.returned) + amount).toUint112();
        emit Reinvested(msg.sender, amount);
    }

    // ------------------------------------------------------------------ mandates

    /// @inheritdoc IAutoInvest
    function setMandate(Mandate calldata mandate) external {
        _setMandate(msg.sender, mandate);
    }

    /// @inheritdoc IAutoInvest
    function setMandateBySig(
        address lender,
        Mandate calldata mandate,
        uint256 deadline,
        bytes calldata signature
    ) external {
        if (block.timestamp > deadline) revert SignatureExpired(deadline, block.timestamp);
        bytes32 digest = _hashTypedDataV4(
            keccak256(
                abi.encode(
                    MANDATE_TYPEHASH,
                    lender,
                    mandate.grades,
                    mandate.minAprBps,
                    mandate.maxTermDays,
                    mandate.amountPerLoan,
                    mandate.maxPerBorrower,
                    mandate.lockTier,
                    _useNonce(lender),
                    deadline
                )
            )
        );
        if (!SignatureChecker.isValidSignatureNow(lender, digest, signature)) revert InvalidMandateSignature(lender);
        _setMandate(lender, mandate);
    }

    /// @inheritdoc IAutoInvest
    function revokeMandate() external {
        _mandates[msg.sender].active = false;
        emit MandateRevoked(msg.sender);
    }

    /// @inheritdoc IAutoInvest
    function setMaxShare(uint256 maxShareBps_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (maxShareBps_ < MIN_MAX_SHARE_BPS || maxShareBps_ > BPS) {
            revert ParameterOutOfBounds("maxShareBps", maxShareBps_, BPS);
        }
        _maxShareBps = uint16(maxShareBps_);
        emit MaxShareSet(maxShareBps_);
    }

    // ------------------------------------------------------------------ allocation

    /// @dev What every lender is checked against, read once per allocation.
    struct Listing {
        uint256 loanId;
        address borrower;
        bytes32 subject;
        uint8 grade;
        uint16 aprBps;
        uint256 termDays;
        uint256 remaining;
        uint256 minTicket;
        uint8 minRiskClass;
    }

    /// @inheritdoc IAutoInvest
    function allocate(uint256 loanId, address[] calldata lenders) external nonReentrant returns (uint256 total) {
        Listing memory listing = _listing(loanId);
        address[] memory chosen = new address[](lenders.length);
        uint256[] memory amounts = new uint256[](lenders.length);
        uint256 count;
        uint256 previousTurn;
        for (uint256 i; i < lenders.length && listing.remaining != 0; ++i) {
            address lender = lenders[i];
            Flow storage flow = _flow[lender];
            uint256 turn = flow.turn;
            if (turn <= previousTurn) revert LendersOutOfTurn(lender, turn, previousTurn);
            previousTurn = turn;
            uint256 amount = _ticketFor(lender, listing, flow);
            if (amount == 0) continue;
            listing.remaining -= amount;
            total += amount;
            chosen[count] = lender;
            amounts[count] = amount;
            ++count;
            _record(listing, lender, flow, amount);
        }
        if (count == 0) revert NothingAllocated(loanId);
        assembly ("memory-safe") {
            mstore(chosen, count)
            mstore(amounts, count)
        }
        uint256[] memory noteIds = _market.fundFor(loanId, chosen, amounts);
        for (uint256 i; i < count; ++i) {
            emit Allocated(loanId, chosen[i], noteIds[i], amounts[i], _flow[chosen[i]].turn);
        }
    }

    // ------------------------------------------------------------------ views

    function accountOf(address lender) external view returns (Account memory) {
        Ledger memory ledger = _ledger[lender];
        Flow memory flow = _flow[lender];
        return
            Account({
                deposited: ledger.deposited,
                withdrawn: ledger.withdrawn,
                invested: flow.invested,
                returned: flow.returned,
                balance: _balanceOf(_ledger[lender], _flow[lender]),
                lockedUntil: ledger.lockedUntil,
                turn: flow.turn
            });
    }

    function mandateOf(address lender) external view returns (Mandate memory) {
        return _mandates[lender];
    }

    function turnOf(address lender) external view returns (uint256) {
        return _flow[lender].turn;
    }

    function exposureOf(address lender, bytes32 subject) external view returns (uint256) {
        return _exposure[lender][subject];
    }

    function allocated(uint256 loanId, address lender) external view returns (bool) {
        return _allocated[loanId][lender];
    }

    function maxShareBps() external view returns (uint256) {
        return _maxShareBps;
    }

    function market() external view returns (address) {
        return address(_market);
    }

    function nonces(address lender) public view override(IAutoInvest, Nonces) returns (uint256) {
        return super.nonces(lender);
    }

    /// @return seconds a lock tier holds withdrawals (tier 0: none)
    function lockDuration(uint8 tier) public pure returns (uint256) {
        if (tier == 1) return 30 days;
        if (tier == 2) return 90 days;
        if (tier == 3) return 180 days;
        if (tier == 4) return 365 days;
        return 0;
    }

    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    // ------------------------------------------------------------------ internals

    function _setMandate(address lender, Mandate calldata mandate) private {
        if (mandate.grades == 0 || mandate.grades >= 1 << GRADE_COUNT) revert InvalidMandate("grades");
        if (mandate.maxTermDays == 0) revert InvalidMandate("maxTermDays");
        if (mandate.amountPerLoan == 0) revert InvalidMandate("amountPerLoan");
        if (mandate.maxPerBorrower < mandate.amountPerLoan) revert InvalidMandate("maxPerBorrower");
        if (mandate.lockTier > LOCK_TIERS) revert InvalidMandate("lockTier");
        if (!mandate.active) revert InvalidMandate("active");
        _mandates[lender] = mandate;
        uint256 until = _extendLock(_ledger[lender], mandate.lockTier);
        emit MandateSet(lender, mandate, until);
    }

    /// @dev A lock only ever grows: a lender cannot shorten a commitment by choosing a lower tier.
    function _extendLock(Ledger storage ledger, uint8 tier) private returns (uint256 until) {
        until = ledger.lockedUntil;
        uint256 duration = lockDuration(tier);
        if (duration != 0 && block.timestamp + duration > until) {
            until = block.timestamp + duration;
            ledger.lockedUntil = until.toUint32();
        }
    }

    function _listing(uint256 loanId) private view returns (Listing memory listing) {
        ILoanMarketTypes.ListingTerms memory t = _market.listingTerms(loanId);
        if (t.status != ILoanMarketTypes.LoanStatus.Listed || block.timestamp > t.listingDeadline) {
            revert LoanNotListed(loanId);
        }
        listing = Listing({
            loanId: loanId,
            borrower: t.borrower,
            subject: t.subject,
            grade: t.grade,
            aprBps: t.aprBps,
            // rounded up: a term a second over a whole number of days is longer than that many days
            termDays: (uint256(t.numPeriods) * t.periodLength + 1 days - 1) / 1 days,
            remaining: uint256(t.principal) - t.funded,
            minTicket: t.minTicket,
            minRiskClass: t.minRiskClass
        });
    }

    /// @return amount the ticket `lender` funds `listing` with now, or 0 when anything rules the lender out
    function _ticketFor(
        address lender,
        Listing memory listing,
        Flow storage flow
    ) private view returns (uint256 amount) {
        Mandate memory m = _mandates[lender];
        if (!m.active || m.grades & (1 << (listing.grade - 1)) == 0) return 0;
        if (listing.aprBps < m.minAprBps || listing.termDays > m.maxTermDays) return 0;
        if (lender == listing.borrower || _allocated[listing.loanId][lender]) return 0;

        amount = m.amountPerLoan < listing.remaining ? m.amountPerLoan : listing.remaining;
        // The market's own ticket rule: at least the minimum unless it completes the loan.
        if (amount < listing.minTicket && amount != listing.remaining) return 0;

        Ledger memory ledger = _ledger[lender];
        uint256 assets = uint256(ledger.deposited) + flow.returned - ledger.withdrawn;
        if (amount > assets - flow.invested) return 0; // the uninvested balance
        uint256 share = (assets * _maxShareBps) / BPS;
        if (amount > (share > listing.minTicket ? share : listing.minTicket)) return 0;
        if (_exposure[lender][listing.subject] + amount > m.maxPerBorrower) return 0;

        // What the market checks of every note holder, checked here so one unsuitable lender is skipped
        // instead of reverting the whole allocation.
        if (_identity.riskClassOf(lender) < listing.minRiskClass) return 0; // 0 when not eligible
    }

    /// @dev Books a ticket before the market is called: the lender's flow, its exposure to the person,
    ///      the loan it may not fund twice, and its new place at the back of the queue.
    function _record(Listing memory listing, address lender, Flow storage flow, uint256 amount) private {
        _allocated[listing.loanId][lender] = true;
        _exposure[lender][listing.subject] += amount;
        flow.invested = (uint256(flow.invested) + amount).toUint112();
        flow.turn = ++_lastTurn;
    }

    /// @dev The token delivered exactly `amount` since the balance was `before` (no fee-on-transfer).
    function _requireReceived(uint256 before, uint256 amount) private view {
        uint256 received = _token.balanceOf(address(this)) - before;
        if (received != amount) revert FeeOnTransferNotSupported(address(_token), amount, received);
    }

    function _balanceOf(Ledger storage ledger, Flow storage flow) private view returns (uint256) {
        return uint256(ledger.deposited) + flow.returned - ledger.withdrawn - flow.invested;
    }
}
