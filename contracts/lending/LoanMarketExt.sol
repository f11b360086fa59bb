// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {ILoanMarketExt} from "../interfaces/ILoanMarketExt.sol";
import {ILoanMarketOrigination} from "../interfaces/ILoanMarketOrigination.sol";
import {ILoanNote} from "../interfaces/ILoanNote.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {ICreditOracle} from "../interfaces/ICreditOracle.sol";
import {LoanMarketExtBase} from "./extension/LoanMarketExtBase.sol";
import {LoanRecovery} from "./extension/LoanRecovery.sol";
import {LoanMarketGovernance} from "./extension/LoanMarketGovernance.sol";
import {LoanMarketViews} from "./extension/LoanMarketViews.sol";
import {NoteOfferBook} from "../market/NoteOfferBook.sol";

/// @title The loan market's extension: governance, roles, reserve cover, sweeps, views and the note
///        market's offer book, run by
///        delegatecall from LoanMarket's fallback against the market's storage
/// @notice Deploy one per market, with the market's own stablecoin, registry, oracle and note (the
///         market checks), after its origination module (this contract checks). Calls it does not
///         implement go on, still by delegatecall, to that module.
/// @dev Called at its own address it acts on an empty store in which nobody holds a role: harmless.
contract LoanMarketExt is LoanRecovery, LoanMarketGovernance, LoanMarketViews, NoteOfferBook {
    /// @dev Default caps on a person's outstanding principal, in whole stablecoin units: the
    ///      per-platform limits of the Chinese online-lending rules for individuals and entities.
    uint256 internal constant DEFAULT_INDIVIDUAL_CAP = 200_000;
    uint256 internal constant DEFAULT_ENTITY_CAP = 1_000_000;

    /// @dev A note sells at most 5% above par until governance says otherwise.
    uint16 internal constant DEFAULT_MAX_PREMIUM_BPS = 500;

    address private immutable _origination;

    constructor(
        IERC20 stablecoin_,
        IIdentityRegistry identity_,
        ICreditOracle oracle_,
        ILoanNote note_,
        address origination_
    ) LoanMarketExtBase(stablecoin_, identity_, oracle_, note_) {
        if (origination_.code.length == 0) revert InvalidExtension(origination_);
        (address t, address i, address o, address n) = ILoanMarketOrigination(origination_).originationBoundTo();
        _requireSameWiring(origination_, [t, i, o, n]);
        _origination = origination_;
    }

    /// @notice Every function neither LoanMarket nor this contract implements runs in the origination
    ///         module, against the same storage.
    fallback() external {
        _delegate(_origination);
    }

    /// @inheritdoc ILoanMarketExt
    function initialize(address reserveFund_, address treasury_, address admin_) external {
        // Only while the market is being constructed: it has no code yet. Called on this contract's own
        // address, or through the market's fallback later, the code is there.
        if (address(this).code.length != 0) revert AlreadyInitialized();
        if (reserveFund_ == address(0) || treasury_ == address(0)) revert ZeroAddress();
        if (admin_ == address(0)) revert InvalidAdmin(admin_);
        _reserve = reserveFund_;
        _treasury = treasury_;
        _config.maxOpenLoansPerBorrower = 1;
        _config.maxPremiumBps = DEFAULT_MAX_PREMIUM_BPS;
        // One-unit sentinels keep the pending-fee slot non-zero, so a repay never pays for a fresh slot.
        _pending = PendingFees(1, 1);
        uint256 unit = 10 ** IERC20Metadata(address(_token)).decimals();
        _personCaps = PersonCaps(_asUint96(DEFAULT_INDIVIDUAL_CAP * unit), _asUint96(DEFAULT_ENTITY_CAP * unit));
        _grantRole(DEFAULT_ADMIN_ROLE, admin_);
    }

    /// @inheritdoc ILoanMarketExt
    function extensionBoundTo() external view returns (address, address, address, address) {
        return (address(_token), address(_identity), address(_oracle), address(_note));
    }

    /// @inheritdoc ILoanMarketExt
    function origination() external view returns (address) {
        return _origination;
    }

    /// @dev A cap beyond uint96 (a token with more than 22 decimals) is no cap at all.
    function _asUint96(uint256 value) private pure returns (uint96) {
        return uint96(Math.min(value, type(uint96).max));
    }
}
