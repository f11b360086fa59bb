// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title The layout of a loan note's id
/// @notice `noteId = loanId << 32 | index`: the high bits name the loan, the low 32 bits count the notes
///         minted for it (0, 1, ...). A note's loan is therefore known without any storage read.
///         The Python twin is `backend/loans/note_ids.py`; a test checks that both agree.
library NoteIds {
    uint256 internal constant INDEX_BITS = 32;
    uint256 internal constant INDEX_MASK = type(uint32).max;

    function encode(uint256 loanId, uint256 index) internal pure returns (uint256) {
        return (loanId << INDEX_BITS) | index;
    }

    function loanOf(uint256 noteId) internal pure returns (uint256) {
        return noteId >> INDEX_BITS;
    }

    function indexOf(uint256 noteId) internal pure returns (uint256) {
        return noteId & INDEX_MASK;
    }
}
