// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IPeerLendErrors} from "./IPeerLendErrors.sol";

/// @title PeerLend loan note: an ERC-721 claim on part of one loan
/// @notice A note is minted for each funding and records the principal share it bought. Its id encodes
///         the loan (see NoteIds: `noteId = loanId << 32 | index`). Repayments are claimed from the
///         market by the note's current holder: what a note earned and did not claim follows it in a transfer,
///         and goes to the seller in a sale on the note market.
///
///         The market keeps the note ledger (holder and share) so that its hot paths read it without a
///         call; this contract is the ERC-721 face of that ledger: balances, approvals, events. Every
///         transfer is checked by the market as funding is: the recipient is eligible (KYC'd, not
///         frozen), its risk class admits the loan's grade, and it is not the loan's borrower; a frozen
///         wallet cannot send; nothing moves while the market is paused. Only the market mints and burns.
interface ILoanNote is IERC721, IPeerLendErrors {
    /// @notice Market only: records that the market minted `noteId` to `to` (no receiver callback).
    function mint(address to, uint256 noteId) external;

    /// @notice Market only: records that the market sold `noteId` from `from` to `to` (a purchase on the
    ///         note market, checked there as a transfer is; no receiver callback: the buyer called).
    function transferBySale(address from, address to, uint256 noteId) external;

    /// @notice Market only: records that the market burned `from`'s `noteId` (funding withdrawn).
    function burn(address from, uint256 noteId) external;

    /// @return holder and principal share of `noteId` in one read (reverts for a nonexistent note)
    function noteInfo(uint256 noteId) external view returns (address holder, uint256 share);

    function shareOf(uint256 noteId) external view returns (uint256);
    function loanIdOf(uint256 noteId) external pure returns (uint256);
    /// @notice The market this note is bound to, fixed at construction (see LoanNote's constructor).
    function market() external view returns (address);
}
