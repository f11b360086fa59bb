// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ICreditOracle} from "../interfaces/ICreditOracle.sol";

/// @title One-word encoding of a credit record
/// @notice The oracle stores each record as a single uint256 it packs itself, so that a record
///         costs exactly one SSTORE (the legacy code generator writes a storage struct member by
///         member). The layout is the low 12 bytes of the CreditRecordsUpdated event word,
///         abi.encodePacked(borrower, score, grade, pdBps, modelVersion, asOf), so the event word is
///         `borrower << 96 | record` and CreditOracle's submit loop (which packs in assembly, with
///         these shifts) builds each record once:
///           bits  0..39  asOf
///           bits 40..55  modelVersion
///           bits 56..71  pdBps
///           bits 72..79  grade
///           bits 80..95  score
library CreditRecordPacking {
    uint256 internal constant MODEL_SHIFT = 40;
    uint256 internal constant PD_SHIFT = 56;
    uint256 internal constant GRADE_SHIFT = 72;
    uint256 internal constant SCORE_SHIFT = 80;
    uint256 internal constant AS_OF_MASK = 0xffffffffff; // 40 bits

    function asOf(uint256 word) internal pure returns (uint40) {
        return uint40(word & AS_OF_MASK);
    }

    function unpack(uint256 word) internal pure returns (ICreditOracle.CreditRecord memory) {
        return
            ICreditOracle.CreditRecord({
                score: uint16(word >> SCORE_SHIFT),
                grade: uint8(word >> GRADE_SHIFT),
                pdBps: uint16(word >> PD_SHIFT),
                modelVersion: uint16(word >> MODEL_SHIFT),
                asOf: uint40(word)
            });
    }
}
