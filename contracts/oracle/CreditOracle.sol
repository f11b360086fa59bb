// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ICreditOracle} from "../interfaces/ICreditOracle.sol";
import {OracleSignerSet} from "./OracleSignerSet.sol";
import {CreditReportHashing} from "./CreditReportHashing.sol";
import {CreditRecordPacking} from "./CreditRecordPacking.sol";
import {GRADE_COUNT, BPS} from "../common/Constants.sol";

/// @title PeerLend credit oracle
/// @notice See {ICreditOracle}. Gas per borrower is what matters (batches of 100+): one digest is
///         signed for the whole batch, each report travels as 64 packed calldata bytes, each record is
///         one storage word, and one log carries the batch.
contract CreditOracle is ICreditOracle, OracleSignerSet, AccessControl, EIP712 {
    bytes32 public constant GOVERNOR_ROLE = keccak256("GOVERNOR_ROLE");

    uint32 public constant MIN_MAX_AGE = 1 hours;
    uint32 public constant MAX_MAX_AGE = 365 days;

    /// @dev _storeReports' "no invalid report" index.
    uint256 private constant ALL_VALID = type(uint256).max;

    /// @dev One report in `submitBatch`'s `records`: the CreditRecordsUpdated layout, word + reasonsHash.
    uint256 private constant RECORD_BYTES = 64;

    /// @dev keccak256("CreditReport(address borrower,uint16 score,uint8 grade,uint16 pdBps,uint16 modelVersion,
    ///      uint40 asOf,bytes32 reasonsHash)"), a literal because inline assembly takes no computed
    ///      constant; every signed-batch test fails if it does not match the type string.
    bytes32 private constant CREDIT_REPORT_TYPEHASH =
        0xd969bfc04be247a7b5259804a7a64934a5c130ad65b44594b0a887c3a871d905;

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
    constructor(
        address admin,
        address[] memory initialSigners,
        uint8 threshold_,
        uint32 maxAge_
    ) EIP712("PeerLend CreditOracle", "1") {
        if (admin == address(0)) revert InvalidAdmin(admin);
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        for (uint256 i = 0; i < initialSigners.length; ++i) {
            _addSigner(initialSigners[i]);
        }
        _setThreshold(threshold_);
        _setMaxAge(maxAge_);
    }

    /// @inheritdoc ICreditOracle
    function submitBatch(uint64 round, uint64 deadline, bytes calldata records, bytes[] calldata signatures) external {
        if (block.timestamp > deadline) revert BatchExpired(deadline, block.timestamp);
        Config memory config = _config;
        if (round <= config.lastRound) revert StaleRound(round, config.lastRound);
        uint256 length = records.length;
        if (length == 0) revert EmptyBatch();
        if (length % RECORD_BYTES != 0) revert MalformedRecords(length);

        // Records are written before the signatures are checked so that each report is read once
        // (its struct hash and its store share one pass). Nothing can observe them in between: the
        // only call is to the ecrecover precompile, and a failed check reverts every write and log.
        (uint256 failedAt, bytes32 reportsHash) = _storeReports(round, records);
        if (failedAt != ALL_VALID) {
            _revertInvalidReport(uint256(bytes32(records[failedAt * RECORD_BYTES:])));
            // The assembly checks and _revertInvalidReport must agree; reaching here is a bug.
            assert(false);
        }
        bytes32 digest = _hashTypedDataV4(CreditReportHashing.hashBatch(round, deadline, reportsHash));
        _verifySignatures(digest, signatures, config.threshold);

        _config.lastRound = round;
        emit BatchSubmitted(round, length / RECORD_BYTES, msg.sender);
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

    /// @dev One pass over the records: EIP-712 struct hash, checks and one SSTORE each; then the
    ///      CreditRecordsUpdated log, whose payload is the calldata itself. Returns the index of the
    ///      first invalid report (or ALL_VALID) and the EIP-712 hash of the report array.
    ///      Assembly because this loop is the per-borrower cost of the oracle: the budget is 8,000 gas
    ///      per borrower on a refresh, of which ~1,000 is the 64 calldata bytes, 5,000 the cold read
    ///      and write of the record, 512 the log bytes and ~480 the transaction's share of its fixed
    ///      cost (see test_oracle_gas.py). A record word is `borrower << 96 | stored record`, so the
    ///      stored value is its low 96 bits; every field has exactly its width, so no encoding can be
    ///      non-canonical. The hot path only detects an invalid report; `_revertInvalidReport` then
    ///      re-checks it in Solidity and reverts with the precise error.
    ///      Memory past the free pointer is scratch, never allocated: an 8-word preimage (the type
    ///      hash and the report's 7 fields, its EIP-712 encodeData), then the struct hashes, then the
    ///      event data, logged before returning.
    function _storeReports(
        uint64 round,
        bytes calldata records
    ) private returns (uint256 failedAt, bytes32 reportsHash) {
        assembly ("memory-safe") {
            let preimage := mload(0x40)
            mstore(preimage, CREDIT_REPORT_TYPEHASH)
            let hashes := add(preimage, 0x100)
            let h := hashes
            failedAt := not(0) // ALL_VALID
            let end := add(records.offset, records.length)
            for {
                let src := records.offset
            } lt(src, end) {
                src := add(src, 0x40)
            } {
                let word := calldataload(src)
                let borrower := shr(96, word)
                let grade := and(shr(72, word), 0xff)
                let pdBps := and(shr(56, word), 0xffff)
                let asOf := and(word, 0xffffffffff)
                let slot := or(RECORDS_SEED, borrower)

                mstore(add(preimage, 0x20), borrower)
                mstore(add(preimage, 0x40), and(shr(80, word), 0xffff)) // score
                mstore(add(preimage, 0x60), grade)
                mstore(add(preimage, 0x80), pdBps)
                mstore(add(preimage, 0xa0), and(shr(40, word), 0xffff)) // modelVersion
                mstore(add(preimage, 0xc0), asOf)
                mstore(add(preimage, 0xe0), calldataload(add(src, 0x20))) // reasonsHash
                mstore(h, keccak256(preimage, 0x100))
                h := add(h, 0x20)

                // Rejects: borrower 0; grade outside 1..GRADE_COUNT (grade - 1 wraps for 0); pd > BPS; asOf in
                // the future or not after the stored one. GRADE_COUNT - 1 (6) and BPS (10000) are literals
                // here because inline assembly takes no imported constant; _revertInvalidReport, which
                // the tests exercise for each bound, uses the named ones.
                if or(
                    or(iszero(borrower), gt(sub(grade, 1), 6)),
                    or(gt(pdBps, 10000), or(gt(asOf, timestamp()), iszero(gt(asOf, and(sload(slot), 0xffffffffff)))))
                ) {
                    failedAt := shr(6, sub(src, records.offset))
                    break
                }
                sstore(slot, and(word, 0xffffffffffffffffffffffff))
            }
            reportsHash := keccak256(hashes, sub(h, hashes))
            // Event data, the ABI of `bytes records`: offset, length, the records (a multiple of 32 bytes).
            mstore(h, 0x20)
            mstore(add(h, 0x20), records.length)
            calldatacopy(add(h, 0x40), records.offset, records.length)
            log2(h, add(0x40, records.length), RECORDS_UPDATED_TOPIC, round)
        }
    }

    /// @dev Reverts with the error describing why the record `word` was rejected by `_storeReports`.
    function _revertInvalidReport(uint256 word) private view {
        address borrower = address(uint160(word >> 96));
        ICreditOracle.CreditRecord memory r = CreditRecordPacking.unpack(word);
        if (borrower == address(0)) revert InvalidBorrower(borrower);
        if (r.grade == 0 || r.grade > GRADE_COUNT) revert InvalidReportGrade(borrower, r.grade);
        if (r.pdBps > BPS) revert InvalidPd(borrower, r.pdBps);
        if (r.asOf > block.timestamp) revert AsOfInFuture(borrower, r.asOf, block.timestamp);
        uint40 storedAsOf = CreditRecordPacking.asOf(_loadRecord(borrower));
        if (r.asOf <= storedAsOf) revert AsOfNotIncreasing(borrower, r.asOf, storedAsOf);
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
