// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ICreditOracle} from "../interfaces/ICreditOracle.sol";

/// @title One-word encodings of a credit record
/// @notice The oracle stores each record as a single uint256 it packs itself: the legacy code
///         generator writes a storage struct member by member (a read-modify-write per field), and
///         one explicit word guarantees one SSTORE per borrower. The storage layout is the one
///         Solidity would give `ICreditOracle.CreditRecord` (first member in the lowest bits).
library CreditRecordPacking {
    uint256 private constant GRADE_SHIFT = 16;
    uint256 private constant PD_SHIFT = 24;
    uint256 private constant MODEL_SHIFT = 40;
    uint256 private constant AS_OF_SHIFT = 56;

    function pack(uint16 score, uint8 grade, uint16 pdBps, uint16 modelVersion, uint40 asOf)
        internal
        pure
        returns (uint256)
    {
        return uint256(score) | (uint256(grade) << GRADE_SHIFT) | (uint256(pdBps) << PD_SHIFT)
            | (uint256(modelVersion) << MODEL_SHIFT) | (uint256(asOf) << AS_OF_SHIFT);
    }

    function asOf(uint256 word) internal pure returns (uint40) {
        return uint40(word >> AS_OF_SHIFT);
    }

    function unpack(uint256 word) internal pure returns (ICreditOracle.CreditRecord memory) {
        return ICreditOracle.CreditRecord({
            score: uint16(word),
            grade: uint8(word >> GRADE_SHIFT),
            pdBps: uint16(word >> PD_SHIFT),
            modelVersion: uint16(word >> MODEL_SHIFT),
            asOf: uint40(word >> AS_OF_SHIFT)
        });
    }

    /// @notice The 32-byte event form: abi.encodePacked(borrower, score, grade, pdBps, modelVersion, asOf).
    /// @dev 20 + 2 + 1 + 2 + 2 + 5 = 32 bytes, so the shifts below never overlap or overflow a word.
    function eventWord(address borrower, uint16 score, uint8 grade, uint16 pdBps, uint16 modelVersion, uint40 asOf_)
        internal
        pure
        returns (uint256)
    {
        return (uint256(uint160(borrower)) << 96) | (uint256(score) << 80) | (uint256(grade) << 72)
            | (uint256(pdBps) << 56) | (uint256(modelVersion) << 40) | uint256(asOf_);
    }
}
