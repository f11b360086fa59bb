// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title EIP-712 hash of a credit score batch
/// @notice Standard EIP-712 encoding, identical to eth_account's `encode_typed_data`:
///   hashStruct(report) = keccak256(CreditReport type hash ++ the report's 7 fields, one word each)
///   reportsHash        = keccak256(hashStruct(report_0) ++ ... ++ hashStruct(report_n-1))
///   hashStruct(batch)  = keccak256(SCORE_BATCH_TYPEHASH, round, deadline, reportsHash)
/// The per-report hashes are computed in CreditOracle's submit loop (see there for why).
library CreditReportHashing {
    /// @dev A referenced struct type is appended to the primary type's string (EIP-712 encodeType).
    bytes32 internal constant SCORE_BATCH_TYPEHASH = keccak256(
        "ScoreBatch(uint64 round,uint64 deadline,CreditReport[] reports)"
        "CreditReport(address borrower,uint16 score,uint8 grade,uint16 pdBps,uint16 modelVersion,uint40 asOf,"
        "bytes32 reasonsHash)"
    );

    function hashBatch(uint64 round, uint64 deadline, bytes32 reportsHash) internal pure returns (bytes32) {
        return keccak256(abi.encode(SCORE_BATCH_TYPEHASH, round, deadline, reportsHash));
    }
}
