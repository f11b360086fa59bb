// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";

/// @title PeerLend loan note: an ERC-721 claim on part of one loan
/// @notice A note is minted by the loan market for each funding and records the principal share it
///         bought. Its id encodes the loan: `noteId = loanId << 32 | index` (index 0, 1, ... per loan),
///         so `loanIdOf(noteId) == noteId >> 32`. Repayments are claimed from the market by the note's
///         current holder (claims follow the note). Transfers are refused while the market is paused
///         and to wallets that are not eligible in the identity registry. Only the market mints and burns.
interface ILoanNote is IERC721 {
    event MarketSet(address indexed market);

    error NotMarket(address caller);
    error MarketAlreadySet(address market);
    error NotInitializer(address caller);
    error RecipientNotEligible(address to);
    error NoteTransfersPaused();
    error ShareTooLarge(uint256 share);

    /// @notice Binds the note to its market, once, by the deployer.
    function setMarket(address market) external;

    /// @notice Market only: mints `noteId` with principal `share` to `to` (no receiver callback).
    function mint(address to, uint256 noteId, uint256 share) external;

    /// @notice Market only: burns `noteId` (funding withdrawn from an expired or cancelled listing).
    function burn(uint256 noteId) external;

    /// @return holder and principal share of `noteId` in one read (reverts for a nonexistent note)
    function noteInfo(uint256 noteId) external view returns (address holder, uint256 share);

    function shareOf(uint256 noteId) external view returns (uint256);
    function loanIdOf(uint256 noteId) external pure returns (uint256);
    function market() external view returns (address);
}
