// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ILoanMarketEvents} from "./ILoanMarketEvents.sol";
import {ILoanMarketErrors} from "./ILoanMarketErrors.sol";

/// @title The loan market's origination: listing within a signed offer, drawdown, cancellation, expiry,
///        refunds and collateral top-ups
/// @notice Implemented by `LoanMarketOrigination`, run by delegatecall against the market's storage
///         (LoanMarket's fallback passes to LoanMarketExt, whose fallback passes here). Call these at the
///         market's address (the merged ABI is {ILoanMarket}).
interface ILoanMarketOrigination is ILoanMarketEvents, ILoanMarketErrors {
    /// @notice The contracts this module was built for; the extension checks they are its own.
    function originationBoundTo()
        external
        view
        returns (address stablecoin, address identity, address oracle, address note);

    // ----------------------------------------------------------------- borrower

    /// @notice Lists a loan within `offer`, which an OFFER_SIGNER_ROLE holder signed for the caller.
    /// @dev The caller must be eligible, with a fresh credit record graded no worse than the offer; the
    ///      grade must be allowed and its APR unchanged since the offer; principal, number of periods
    ///      and collateral must stay within the offer (period length exactly as offered); a grade that
    ///      requires collateral must be secured. The person's outstanding principal, across the wallets
    ///      the identity registry links to it, must stay within its cap. With collateral the vault
    ///      pledges it (the borrower approves the vault beforehand). The offer is used up.
    ///      `agreementHash` is the keccak-256 of the loan agreement the borrower signed for these terms
    ///      (off-chain, EIP-712); it is bound to the loan (`agreementHashOf`, `AgreementBound`) and every
    ///      funding of the loan accepts it (`AgreementAccepted`). It may not be zero.
    function list(
        ListingParams calldata params,
        LoanOffer calldata offer,
        bytes calldata signature,
        bytes32 agreementHash
    ) external returns (uint256 loanId);

    /// @notice Borrower: takes the funds (all funded, or >= minFill after the deadline within the accept
    ///         window), less the origination fee. Re-checks at drawdown time what listing checked: the
    ///         borrower is eligible, its credit record fresh and graded no worse than at listing, the
    ///         grade still allowed, the person within its cap, and a secured loan's collateral, at current
    ///         prices, covers the funded amount at the grade's maximum LTV. Fixes the loan's fees.
    function drawdown(uint256 loanId) external;

    /// @notice Borrower: cancels a listing before drawdown; lenders withdraw their funding.
    function cancel(uint256 loanId) external;

    /// @notice Borrower: adds `amount` of the pledged token to a listed or drawn secured loan.
    function addCollateral(uint256 loanId, uint256 amount) external;

    // ----------------------------------------------------------------- lender

    /// @notice Note holder: takes back the funding of a cancelled or expired listing (burns the note),
    ///         expiring the listing first if it may be (see `expiryReason`). Never paused; refused while
    ///         the holder is frozen.
    function withdrawFunding(uint256 noteId) external returns (uint256 amount);

    /// @notice AUTO_INVEST_ROLE (the AutoInvest contract): funds `amounts[i]` of the listing `loanId` for
    ///         each `lenders[i]`, minting each note to its lender, and pulls the total from the caller. Each
    ///         lender is checked as `fund` checks its caller (eligible, suitable, not the borrower; the
    ///         ticket within what is left and at least the minimum unless it completes the loan).
    /// @return noteIds the notes minted, in the order of `lenders`
    function fundFor(
        uint256 loanId,
        address[] calldata lenders,
        uint256[] calldata amounts
    ) external returns (uint256[] memory noteIds);

    /// @notice AUTO_INVEST_ROLE: claims `holder`'s `noteIds` (each must be its) and pays the caller, which
    ///         credits the holder's balance. Refused while the holder is frozen, as `claim` is.
    function claimFor(address holder, uint256[] calldata noteIds) external returns (uint256 amount);

    /// @notice Borrower: takes what liquidations of its loans raised beyond their debt (see `refundOf`).
    ///         Never paused; refused while the borrower is frozen.
    function withdrawRefund() external returns (uint256 amount);

    /// @notice Closes a listing that can no longer be drawn (see `expiryReason`). Never paused.
    function expire(uint256 loanId) external;

    /// @return how long after its deadline a partly funded listing may still be drawn (at or above minFill)
    function ACCEPT_WINDOW() external view returns (uint256);

    /// @return 0 when `loanId` cannot be expired now, else the `LoanExpired` reason it would carry
    function expiryReason(uint256 loanId) external view returns (uint8);

    /// @return the EIP-712 digest an offer signer signs for `offer`
    function offerDigest(LoanOffer calldata offer) external view returns (bytes32);

    /// @notice The EIP-712 domain offers and restructuring approvals are signed under: "PeerLend
    ///         LoanMarket", "1", this chain, the market.
    function DOMAIN_SEPARATOR() external view returns (bytes32);

    /// @return the restructuring module this module passes unknown calls to
    function restructuring() external view returns (address);
}
