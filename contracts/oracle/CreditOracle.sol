// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ICreditOracle} from "../interfaces/ICreditOracle.sol";
import {OracleSignerSet} from "./OracleSignerSet.sol";
import {CreditReportHashing} from "./CreditReportHashing.sol";
import {CreditRecordPacking} from "./CreditRecordPacking.sol";

/// @title PeerLend credit oracle
/// @notice See {ICreditOracle}. Gas per borrower is what matters (batches of 100+): one digest is
///         signed for the whole batch, each record is one storage word, and one log carries the batch.
contract CreditOracle is ICreditOracle, OracleSignerSet, AccessControl, EIP712 {
    bytes32 public constant GOVERNOR_ROLE = keccak256("GOVERNOR_ROLE");

    uint8 private constant MAX_GRADE = 7; // G
    uint16 private constant MAX_PD_BPS = 10_000;
    uint32 public constant MIN_MAX_AGE = 1 hours;
    uint32 public constant MAX_MAX_AGE = 365 days;

    /// @dev _storeReports' "no invalid report" index.
    uint256 private constant ALL_VALID = type(uint256).max;

    /// @dev keccak256("CreditReport(address borrower,uint16 score,uint8 grade,uint16 pdBps,uint16 modelVersion,
    ///      uint40 asOf,bytes32 reasonsHash)"), a literal because inline assembly takes no computed
    ///      constant; every signed-batch test fails if it does not match the type string.
    bytes32 private constant CREDIT_REPORT_TYPEHASH = 0xd969bfc04be247a7b5259804a7a64934a5c130ad65b44594b0a887c3a871d905;

    /// @dev keccak256("CreditRecordsUpdated(uint64,bytes)"); checked by the event tests.
    bytes32 private constant RECORDS_UPDATED_TOPIC = 0x864d044c1e3f2a6506de057a42d19234efde4f02a4fa0e80b80e7d241fa038c0;

    /// @dev A borrower's record lives at slot RECORDS_SEED | borrower, not in a Solidity mapping: the
    ///      mapping's keccak costs ~50 gas per borrower, a tenth of what the budget leaves for logic.
    ///      The seed is the top 96 bits of keccak256("PeerLend.CreditOracle.records"): these slots
    ///      cannot meet the contract's sequential slots (top bits set) and meet a keccak-derived
    ///      slot with probability 2^-96.
    uint256 private constant RECORDS_SEED = 0x7d22d931bda8767b5482e49d0000000000000000000000000000000000000000;

    /// @dev Read together by every batch, so kept in one slot.
    struct Config {
        uint64 lastRound;
        uint8 threshold;
        uint32 maxAge;
    }

    Config private _config;

    /// @param admin receives DEFAULT_ADMIN_ROLE and grants GOVERNOR_ROLE (e.g. to the timelock)
    constructor(address admin, address[] memory initialSigners, uint8 threshold_, uint32 maxAge_)
        EIP712("PeerLend CreditOracle", "1")
    {
        if (admin == address(0)) revert InvalidAdmin(admin);
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        for (uint256 i = 0; i < initialSigners.length; ++i) {
            _addSigner(initialSigners[i]);
        }
        _setThreshold(threshold_);
        _setMaxAge(maxAge_);
    }

    /// @inheritdoc ICreditOracle
    function submitBatch(uint64 round, uint64 deadline, CreditReport[] calldata reports, bytes[] calldata signatures)
        external
    {
        if (block.timestamp > deadline) revert BatchExpired(deadline, block.timestamp);
        Config memory config = _config;
        if (round <= config.lastRound) revert StaleRound(round, config.lastRound);
        uint256 count = reports.length;
        if (count == 0) revert EmptyBatch();

        // Records are written before the signatures are checked so that each report is read once
        // (its struct hash and its store share one pass). Nothing can observe them in between: the
        // only call is to the ecrecover precompile, and a failed check reverts every write and log.
        (uint256 failedAt, bytes32 reportsHash) = _storeReports(round, reports);
        if (failedAt != ALL_VALID) {
            _revertInvalidReport(reports[failedAt]);
            // The assembly checks and _revertInvalidReport must agree; reaching here is a bug.
            assert(false);
        }
        bytes32 digest = _hashTypedDataV4(CreditReportHashing.hashBatch(round, deadline, reportsHash));
        _verifySignatures(digest, signatures, config.threshold);

        _config.lastRound = round;
        emit BatchSubmitted(round, count, msg.sender);
    }

    // ---------------------------------------------------------------- governance

    /// @inheritdoc ICreditOracle
    function addSigner(address signer) external onlyRole(GOVERNOR_ROLE) {
        _addSigner(signer);
    }

    /// @inheritdoc ICreditOracle
    function removeSigner(address signer) external onlyRole(GOVERNOR_ROLE) {
        _removeSigner(signer, _config.threshold);
    }

    /// @inheritdoc ICreditOracle
    function setThreshold(uint8 newThreshold) external onlyRole(GOVERNOR_ROLE) {
        _setThreshold(newThreshold);
    }

    /// @inheritdoc ICreditOracle
    function setMaxAge(uint32 newMaxAge) external onlyRole(GOVERNOR_ROLE) {
        _setMaxAge(newMaxAge);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc ICreditOracle
    function recordOf(address borrower) external view returns (CreditRecord memory) {
        return CreditRecordPacking.unpack(_loadRecord(borrower));
    }

    /// @inheritdoc ICreditOracle
    function isFresh(address borrower) external view returns (bool) {
        uint40 asOf = CreditRecordPacking.asOf(_loadRecord(borrower));
        // asOf <= the block time it was stored in, so no record is "from the future" here.
        return asOf != 0 && block.timestamp < uint256(asOf) + _config.maxAge;
    }

    /// @inheritdoc ICreditOracle
    function lastRound() external view returns (uint64) {
        return _config.lastRound;
    }

    /// @inheritdoc ICreditOracle
    function threshold() external view returns (uint8) {
        return _config.threshold;
    }

    /// @inheritdoc ICreditOracle
    function maxAge() external view returns (uint32) {
        return _config.maxAge;
    }

    /// @inheritdoc ICreditOracle
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    // ---------------------------------------------------------------- internals

    function _loadRecord(address borrower) private view returns (uint256 record) {
        assembly ("memory-safe") {
            record := sload(or(RECORDS_SEED, borrower))
        }
    }

    /// @dev One pass over the reports: EIP-712 struct hash, checks, one SSTORE and 64 event bytes
    ///      each; then the CreditRecordsUpdated log. Returns the index of the first invalid report
    ///      (or ALL_VALID) and the EIP-712 hash of the report array.
    ///      Assembly because this loop is the per-borrower cost of the oracle: the budget is 8,000 gas
    ///      per borrower on a refresh, of which ~1,650 is calldata, 5,000 the cold read and write of
    ///      the record, 512 the log bytes and ~480 the transaction's share of its fixed cost, which
    ///      leaves ~370 gas for everything else; this loop spends ~550 (see test_gas.py), the
    ///      checked Solidity version spent ~2,000. A CreditReport is a static tuple of 7 words, so its ABI
    ///      calldata is exactly its EIP-712 encodeData and one calldatacopy behind the type hash is
    ///      the hashStruct preimage (calldata bounds were checked when `reports` was decoded). The
    ///      hot path only detects an invalid report; `_revertInvalidReport` then re-checks it in
    ///      Solidity and reverts with the precise error.
    ///      Memory past the free pointer is scratch, never allocated: an 8-word preimage, then the
    ///      struct hashes (`h`), then the event data (`out`), logged before returning.
    function _storeReports(uint64 round, CreditReport[] calldata reports)
        private
        returns (uint256 failedAt, bytes32 reportsHash)
    {
        assembly ("memory-safe") {
            let preimage := mload(0x40) // type hash ++ 7 fields; struct hashes follow it
            mstore(preimage, CREDIT_REPORT_TYPEHASH)
            let h := add(preimage, 0x100)
            // Event data (ABI of `bytes records`) after the hashes: offset, length, 64 bytes per report.
            let out := add(h, shl(5, reports.length))
            mstore(out, 0x20)
            mstore(add(out, 0x20), shl(6, reports.length))
            out := add(out, 0x40)
            failedAt := not(0) // ALL_VALID
            // Report fields (one word each): borrower, score, grade, pdBps, modelVersion, asOf, reasonsHash.
            let end := add(reports.offset, mul(reports.length, 0xe0))
            for { let src := reports.offset } lt(src, end) { src := add(src, 0xe0) } {
                calldatacopy(add(preimage, 0x20), src, 0xe0)
                mstore(h, keccak256(preimage, 0x100))
                h := add(h, 0x20)

                let borrower := calldataload(src)
                let grade := calldataload(add(src, 0x40))
                let pdBps := calldataload(add(src, 0x60))
                let asOf := calldataload(add(src, 0xa0))

                // Rejects: borrower 0 or wider than 160 bits; score or modelVersion wider than 16
                // bits (a non-canonical value would corrupt the neighbouring packed field); grade
                // outside 1..7 (grade - 1 wraps for 0); pd > 10000; asOf in the future or not after
                // the stored one. The range checks also reject a dirty grade, pd or asOf.
                if or(
                    or(
                        or(iszero(borrower), shr(160, borrower)),
                        shr(16, or(calldataload(add(src, 0x20)), calldataload(add(src, 0x80))))
                    ),
                    or(
                        or(gt(sub(grade, 1), 6), gt(pdBps, 10000)),
                        or(gt(asOf, timestamp()), iszero(gt(asOf, and(sload(or(RECORDS_SEED, borrower)), 0xffffffffff))))
                    )
                ) {
                    failedAt := div(sub(src, reports.offset), 0xe0)
                    break
                }

                // CreditRecordPacking layout; the event word is the same with the borrower on top.
                let record := or(
                    or(shl(80, calldataload(add(src, 0x20))), shl(72, grade)),
                    or(or(shl(56, pdBps), shl(40, calldataload(add(src, 0x80)))), asOf)
                )
                sstore(or(RECORDS_SEED, borrower), record)
                mstore(out, or(shl(96, borrower), record))
                mstore(add(out, 0x20), calldataload(add(src, 0xc0))) // reasonsHash
                out := add(out, 0x40)
            }
            let hashes := add(preimage, 0x100)
            reportsHash := keccak256(hashes, shl(5, reports.length))
            let payload := add(hashes, shl(5, reports.length))
            log2(payload, add(0x40, shl(6, reports.length)), RECORDS_UPDATED_TOPIC, round)
        }
    }

    /// @dev Reverts with the error describing why `r` was rejected by `_storeReports`. A field wider
    ///      than its type makes Solidity's calldata accessor revert without reason, as the ABI
    ///      decoder would.
    function _revertInvalidReport(CreditReport calldata r) private view {
        address borrower = r.borrower;
        uint8 grade = r.grade;
        uint16 pdBps = r.pdBps;
        uint40 asOf = r.asOf;
        if (uint256(r.score) | uint256(r.modelVersion) > type(uint16).max) revert(); // unreachable: accessors check
        if (borrower == address(0)) revert InvalidBorrower();
        if (grade == 0 || grade > MAX_GRADE) revert InvalidGrade(borrower, grade);
        if (pdBps > MAX_PD_BPS) revert InvalidPd(borrower, pdBps);
        if (asOf > block.timestamp) revert AsOfInFuture(borrower, asOf, block.timestamp);
        uint40 storedAsOf = CreditRecordPacking.asOf(_loadRecord(borrower));
        if (asOf <= storedAsOf) revert AsOfNotIncreasing(borrower, asOf, storedAsOf);
    }

    function _setThreshold(uint8 newThreshold) private {
        uint256 count = _signerCount();
        if (newThreshold == 0 || newThreshold > count) revert InvalidThreshold(newThreshold, count);
        uint8 previous = _config.threshold;
        _config.threshold = newThreshold;
        emit ThresholdChanged(previous, newThreshold);
    }

    function _setMaxAge(uint32 newMaxAge) private {
        if (newMaxAge < MIN_MAX_AGE || newMaxAge > MAX_MAX_AGE) revert InvalidMaxAge(newMaxAge);
        uint32 previous = _config.maxAge;
        _config.maxAge = newMaxAge;
        emit MaxAgeChanged(previous, newMaxAge);
    }
}
