// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ILoanMarketEvents} from "./ILoanMarketEvents.sol";
import {ILoanMarketErrors} from "./ILoanMarketErrors.sol";

/// @title The loan market's governance, roles, reserve cover, fee and dust sweeps, and views
/// @notice Implemented by `LoanMarketExt` and run by delegatecall from `LoanMarket`'s fallback against
///         the market's storage: call these at the market's address (the merged ABI is {ILoanMarket}).
///         Called at the extension's own address they act on an empty store and hold no role.
///         Functions neither has are passed on, by the extension's own fallback, to the origination
///         module ({ILoanMarketOrigination}).
interface ILoanMarketExt is ILoanMarketEvents, ILoanMarketErrors {
    // ----------------------------------------------------------------- set-up

    /// @notice Run once, by delegatecall from the market's constructor: binds the reserve fund and the
    ///         treasury, grants DEFAULT_ADMIN_ROLE to `admin`, sets the default limits.
    function initialize(address reserveFund, address treasury, address admin) external;

    /// @notice The contracts this extension was built for; the market checks they are its own.
    function extensionBoundTo()
        external
        view
        returns (address stablecoin, address identity, address oracle, address note);

    /// @return the origination module this extension passes unknown calls to
    function origination() external view returns (address);

    // ----------------------------------------------------------------- anyone

    /// @notice Once the collateral of a defaulted loan is exhausted, asks the reserve fund to pay the notes
    ///         the principal they still miss, up to the fund's balance and per-loan cap. Callable again
    ///         after a partial cover once the fund is refilled; reverts `NothingToCover` when it would
    ///         pay nothing, so an empty fund never uses up a loan's cover.
    function coverFromReserve(uint256 loanId) external;

    /// @notice Pushes the pending reserve share to the reserve fund and the servicing fees to the treasury.
    function sweepFees() external;

    // ----------------------------------------------------------------- note market (see INoteMarket)

    /// @notice Note holder: offers each of `noteIds` at its par now less `discountBps` (early exit),
    ///         until `expiry`; each price is checked as `offerNote` checks one.
    /// @return total what the offers would raise at their prices, before the resale fee
    function offerNotes(
        uint256[] calldata noteIds,
        uint16 discountBps,
        uint256 expiry
    ) external returns (uint256 total);

    /// @notice Note holder: withdraws the offers of `noteIds` (each must have one).
    function cancelOffers(uint256[] calldata noteIds) external;

    /// @return price 0 when `noteId` has no offer
    /// @return expiry unix seconds; the offer cannot be bought after it
    function noteOffer(uint256 noteId) external view returns (uint256 price, uint256 expiry);

    /// @notice RISK_ROLE: the seller's fee (at most 100 bps), the premium over par a note may sell at (at
    ///         most 2,000 bps; 500 at deployment), and the lowest yield to maturity a note that is not
    ///         distressed may sell at (at most 5,000 bps; 0 at deployment: no negative yield).
    function setResaleTerms(uint16 feeBps, uint16 maxPremiumBps, uint16 minYieldBps) external;

    // ----------------------------------------------------------------- governance

    /// @notice keccak256("RISK_ROLE"): pricing, suitability, fees, limits. Held by the timelock.
    function RISK_ROLE() external view returns (bytes32);
    /// @notice keccak256("PAUSER_ROLE"): the crisis pause.
    function PAUSER_ROLE() external view returns (bytes32);
    /// @notice keccak256("OFFER_SIGNER_ROLE"): signs the offers listings must stay within (the risk service).
    function OFFER_SIGNER_ROLE() external view returns (bytes32);
    /// @notice keccak256("AUTO_INVEST_ROLE"): funds listings and claims notes for lenders' mandates (the
    ///         AutoInvest contract).
    function AUTO_INVEST_ROLE() external view returns (bytes32);

    /// @notice RISK_ROLE
    function setGradeTerms(
        uint8 grade,
        uint16 aprBps,
        uint96 maxPrincipal,
        bool allowed,
        bool collateralRequired
    ) external;
    /// @notice RISK_ROLE
    function setMinRiskClass(uint8 grade, uint8 riskClass) external;
    /// @notice RISK_ROLE: applies to loans drawn after the change; drawn loans keep their fees.
    function setFees(uint16 originationFeeBps, uint16 servicingFeeBps, uint16 reserveShareBps) external;
    /// @notice RISK_ROLE: applies to loans drawn after the change.
    function setLateFeeBpsPerDay(uint16 bps) external;
    /// @notice RISK_ROLE
    function setMinTicket(uint96 amount) external;
    /// @notice RISK_ROLE
    function setMaxOpenLoansPerBorrower(uint8 maxOpen) external;
    /// @notice RISK_ROLE: caps on a person's outstanding principal (defaults 200,000 and 1,000,000 whole
    ///         stablecoin units, the per-platform limits of the Chinese online-lending rules).
    function setPersonCaps(uint96 individual, uint96 entity) external;
    /// @notice DEFAULT_ADMIN_ROLE
    function setTreasury(address treasury) external;
    /// @notice DEFAULT_ADMIN_ROLE: refused while the current vault holds any open position, which would
    ///         otherwise be stranded (a repaid borrower would never get the collateral back).
    function setCollateralVault(address vault) external;
    /// @notice DEFAULT_ADMIN_ROLE (the timelock): points the market at a new reserve fund bound to it.
    ///         Schedule it in one batch with the old fund's `migrate` to the new one. Pending reserve
    ///         share goes to the new fund at the next sweep; per-loan covers are kept by the market.
    function setReserveFund(address fund) external;
    /// @notice DEFAULT_ADMIN_ROLE: sends each settled loan's rounding dust to the treasury: what the loan's
    ///         accumulator promised the notes in total, less what every note can claim in total. No note's
    ///         claim changes. A loan is settled once repaid in full (or, after default, once its whole
    ///         debt is recovered); each is swept at most once.
    function sweepDust(uint256[] calldata loanIds) external returns (uint256 total);
    /// @notice DEFAULT_ADMIN_ROLE: irreversible orderly exit. No new listings, fundings or drawdowns;
    ///         listed loans become expirable at once; repayments, claims, liquidations and withdrawals go on.
    function windDown() external;
    /// @notice PAUSER_ROLE: pauses listing, funding, drawdown and note transfers (never repay, claim or refunds).
    function pause() external;
    function unpause() external;

    // ----------------------------------------------------------------- views

    function paused() external view returns (bool);
    function woundDown() external view returns (bool);
    function windDownProgress() external view returns (uint256 loansOpen, uint256 principalOutstanding);
    function loanCount() external view returns (uint256);
    function config() external view returns (MarketConfig memory);
    function pendingFees() external view returns (uint256 reserve, uint256 treasury);
    function openLoansOf(address borrower) external view returns (uint256);
    function checkpointOf(uint256 noteId) external view returns (uint256);
    function gradeTerms(uint8 grade) external view returns (GradeTerms memory);
    function minRiskClassForGrade(uint8 grade) external view returns (uint8);
    function personCaps() external view returns (PersonCaps memory);
    /// @return the principal counted against `subject`'s cap: listed principal until drawdown, then the
    ///         drawn principal until the loan is repaid in full (or settled after default), whatever part
    ///         of it was repaid since. An upper bound of what the person owes, so the cap holds on it.
    function personPrincipalOf(bytes32 subject) external view returns (uint256);
    /// @return the person (identity registry subject) `loanId` counts against
    function subjectOfLoan(uint256 loanId) external view returns (bytes32);
    /// @return the keccak-256 of the agreement `loanId` was listed with (zero for no such loan)
    function agreementHashOf(uint256 loanId) external view returns (bytes32);
    /// @return a listing's terms as a funder checks them, in one call (AutoInvest's allocation)
    function listingTerms(uint256 loanId) external view returns (ListingTerms memory);
    /// @return what the reserve fund has paid for `loanId` so far (its claim on later recoveries)
    function reserveCoverOf(uint256 loanId) external view returns (uint256);
    function offerUsed(address borrower, uint256 nonce) external view returns (bool);
    /// @return liquidation proceeds beyond its loans' debt owed to `borrower` (see `withdrawRefund`)
    function refundOf(address borrower) external view returns (uint256);
    /// @return the dust `sweepDust` would send for `loanId` now (0 if not settled or already swept)
    function dustOf(uint256 loanId) external view returns (uint256);
    function identityRegistry() external view returns (address);
    function creditOracle() external view returns (address);
    function loanNote() external view returns (address);
    function reserveFund() external view returns (address);
    function treasury() external view returns (address);
    function collateralVault() external view returns (address);
}
