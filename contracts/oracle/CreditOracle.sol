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

    /// @dev Bytes one report takes in the CreditRecordsUpdated payload (see ICreditOracle).
    uint256 private constant EVENT_BYTES_PER_REPORT = 64;

    mapping(address borrower => uint256 packed) private _records; // see CreditRecordPacking
    uint64 private _lastRound;
    uint32 private _maxAge;

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
        uint64 last = _lastRound;
        if (round <= last) revert StaleRound(round, last);
        uint256 count = reports.length;
        if (count == 0) revert EmptyBatch();

        _verifySignatures(_hashTypedDataV4(CreditReportHashing.hashBatch(round, deadline, reports)), signatures);

        _lastRound = round;
        bytes memory payload = _storeReports(reports);
        emit CreditRecordsUpdated(round, payload);
        emit BatchSubmitted(round, count, msg.sender);
    }

    // ---------------------------------------------------------------- governance

    /// @inheritdoc ICreditOracle
    function addSigner(address signer) external onlyRole(GOVERNOR_ROLE) {
        _addSigner(signer);
    }

    /// @inheritdoc ICreditOracle
    function removeSigner(address signer) external onlyRole(GOVERNOR_ROLE) {
        _removeSigner(signer);
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
        return CreditRecordPacking.unpack(_records[borrower]);
    }

    /// @inheritdoc ICreditOracle
    function isFresh(address borrower) external view returns (bool) {
        uint40 asOf = CreditRecordPacking.asOf(_records[borrower]);
        // asOf <= the block time it was stored in, so no record is "from the future" here.
        return asOf != 0 && block.timestamp < uint256(asOf) + _maxAge;
    }

    /// @inheritdoc ICreditOracle
    function lastRound() external view returns (uint64) {
        return _lastRound;
    }

    /// @inheritdoc ICreditOracle
    function maxAge() external view returns (uint32) {
        return _maxAge;
    }

    /// @inheritdoc ICreditOracle
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    // ---------------------------------------------------------------- internals

    /// @dev Checks and stores every report (one SSTORE each) and returns the event payload.
    function _storeReports(CreditReport[] calldata reports) private returns (bytes memory payload) {
        uint256 count = reports.length;
        payload = new bytes(count * EVENT_BYTES_PER_REPORT);
        for (uint256 i = 0; i < count; ++i) {
            CreditReport calldata r = reports[i];
            address borrower = r.borrower;
            uint8 grade = r.grade;
            uint16 pdBps = r.pdBps;
            uint40 asOf = r.asOf;
            if (borrower == address(0)) revert InvalidBorrower();
            if (grade == 0 || grade > MAX_GRADE) revert InvalidGrade(borrower, grade);
            if (pdBps > MAX_PD_BPS) revert InvalidPd(borrower, pdBps);
            if (asOf > block.timestamp) revert AsOfInFuture(borrower, asOf, block.timestamp);
            uint40 storedAsOf = CreditRecordPacking.asOf(_records[borrower]);
            if (asOf <= storedAsOf) revert AsOfNotIncreasing(borrower, asOf, storedAsOf);

            uint16 score = r.score;
            uint16 modelVersion = r.modelVersion;
            _records[borrower] = CreditRecordPacking.pack(score, grade, pdBps, modelVersion, asOf);

            uint256 word = CreditRecordPacking.eventWord(borrower, score, grade, pdBps, modelVersion, asOf);
            bytes32 reasonsHash = r.reasonsHash;
            // Writes report i's 64 bytes at payload[64 * i]; i < count keeps it inside the allocation.
            assembly ("memory-safe") {
                let at := add(add(payload, 0x20), shl(6, i))
                mstore(at, word)
                mstore(add(at, 0x20), reasonsHash)
            }
        }
    }

    function _setMaxAge(uint32 newMaxAge) private {
        if (newMaxAge < MIN_MAX_AGE || newMaxAge > MAX_MAX_AGE) revert InvalidMaxAge(newMaxAge);
        uint32 previous = _maxAge;
        _maxAge = newMaxAge;
        emit MaxAgeChanged(previous, newMaxAge);
    }
}
