// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ILoanMarketTypes} from "../../interfaces/ILoanMarketTypes.sol";

/// @title A loan's latest restructuring proposal in one storage word, and the approval holders sign
/// @notice Word: proposal id (64 bits), extra periods (16), holiday periods (16), expiry (40, unix
///         seconds); zero when the loan has none on record (never proposed, executed or withdrawn).
/// @dev The EIP-712 approval is bound to the proposal and the loan, and carries the holder's nonce, under
///      the market's domain (MarketDomain: chain id and the market's address): it cannot be replayed for
///      another proposal, loan, market or chain, nor twice. The service (backend/restructuring) builds
///      the same type; a test checks both digests agree.
library RestructureProposals {
    /// RestructureApproval(address holder,uint256 loanId,uint256 proposalId,uint256 nonce,uint256 deadline)
    bytes32 internal constant APPROVAL_TYPEHASH = keccak256(
        "RestructureApproval(address holder,uint256 loanId,uint256 proposalId,uint256 nonce,uint256 deadline)"
    );

    /// @notice A proposal may be open for at most this long.
    uint256 internal constant MAX_DURATION = 30 days;

    uint256 private constant EXTRA_SHIFT = 64;
    uint256 private constant HOLIDAY_SHIFT = 80;
    uint256 private constant EXPIRY_SHIFT = 96;

    /// @dev `proposalId` fits 64 bits (one per proposal ever made), `expiry` 40 (checked by the caller).
    function pack(uint256 proposalId, uint16 extra, uint16 holiday, uint40 expiry) internal pure returns (uint256) {
        return
            proposalId |
            (uint256(extra) << EXTRA_SHIFT) |
            (uint256(holiday) << HOLIDAY_SHIFT) |
            (uint256(expiry) << EXPIRY_SHIFT);
    }

    function unpack(uint256 word, uint256 nowTs) internal pure returns (ILoanMarketTypes.RestructureProposal memory p) {
        p.proposalId = uint64(word);
        p.extraPeriods = uint16(word >> EXTRA_SHIFT);
        p.holidayPeriods = uint16(word >> HOLIDAY_SHIFT);
        p.expiry = uint40(word >> EXPIRY_SHIFT);
        p.open = p.proposalId != 0 && nowTs <= p.expiry;
    }

    function approvalHash(
        address holder,
        uint256 loanId,
        uint256 proposalId,
        uint256 nonce,
        uint256 deadline
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(APPROVAL_TYPEHASH, holder, loanId, proposalId, nonce, deadline));
    }
}
