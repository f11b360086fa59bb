// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ICreditOracle} from "../interfaces/ICreditOracle.sol";

/// @title EIP-712 struct hashes of a credit score batch
/// @notice Standard EIP-712 encoding, identical to eth_account's `encode_typed_data`:
///   hashStruct(ScoreBatch) = keccak256(SCORE_BATCH_TYPEHASH, round, deadline,
///                                      keccak256(hashStruct(report_0) ++ ... ++ hashStruct(report_n-1)))
library CreditReportHashing {
    bytes32 internal constant CREDIT_REPORT_TYPEHASH = keccak256(
        "CreditReport(address borrower,uint16 score,uint8 grade,uint16 pdBps,uint16 modelVersion,uint40 asOf,"
        "bytes32 reasonsHash)"
    );

    /// @dev A referenced struct type is appended to the primary type's string (EIP-712 encodeType).
    bytes32 internal constant SCORE_BATCH_TYPEHASH = keccak256(
        "ScoreBatch(uint64 round,uint64 deadline,CreditReport[] reports)"
        "CreditReport(address borrower,uint16 score,uint8 grade,uint16 pdBps,uint16 modelVersion,uint40 asOf,"
        "bytes32 reasonsHash)"
    );

    /// @dev Size of one ABI-encoded CreditReport: 7 static fields of one word each.
    uint256 private constant REPORT_SIZE = 0xe0;

    function hashBatch(uint64 round, uint64 deadline, ICreditOracle.CreditReport[] calldata reports)
        internal
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(SCORE_BATCH_TYPEHASH, round, deadline, hashReports(reports)));
    }

    /// @notice keccak256 of the concatenated struct hashes (EIP-712 encoding of a struct array).
    /// @dev Assembly because this runs once per borrower and the gas budget is ~8,000 per borrower:
    ///      a CreditReport is a static tuple of 7 words, so its ABI calldata encoding is exactly its
    ///      EIP-712 encodeData and one calldatacopy behind the type hash gives the hashStruct preimage,
    ///      where abi.encode would read, clean and re-write each field. Hashing raw words is sound:
    ///      the caller later reads every field through Solidity's checked calldata accessors, which
    ///      revert on a non-canonical (dirty) value, and a dirty word would in any case produce a
    ///      digest no signer signed. The calldata bounds were checked when `reports` was decoded.
    ///      Memory past the free pointer is used as scratch and never read after return.
    function hashReports(ICreditOracle.CreditReport[] calldata reports) internal pure returns (bytes32 result) {
        bytes32 typeHash = CREDIT_REPORT_TYPEHASH;
        assembly ("memory-safe") {
            let n := reports.length
            let hashes := mload(0x40) //                n words, one struct hash each
            let preimage := add(hashes, shl(5, n)) //  8 words: type hash ++ 7 fields
            mstore(preimage, typeHash)
            let src := reports.offset
            let dst := hashes
            let end := add(hashes, shl(5, n))
            for {} lt(dst, end) {} {
                calldatacopy(add(preimage, 0x20), src, REPORT_SIZE)
                mstore(dst, keccak256(preimage, 0x100))
                src := add(src, REPORT_SIZE)
                dst := add(dst, 0x20)
            }
            result := keccak256(hashes, shl(5, n))
        }
    }
}
