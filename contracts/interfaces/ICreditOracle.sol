// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IPeerLendErrors} from "./IPeerLendErrors.sol";

/// @title PeerLend credit oracle: per-borrower credit records signed by a threshold of oracle nodes
/// @notice EIP-712 domain: name "PeerLend CreditOracle", version "1", this chain id, this contract.
///   CreditReport(address borrower,uint16 score,uint8 grade,uint16 pdBps,uint16 modelVersion,uint40 asOf,
///                bytes32 reasonsHash)
///   ScoreBatch(uint64 round,uint64 deadline,CreditReport[] reports)
/// Signatures accompany a batch ordered by strictly increasing signer address, which rejects a
/// duplicate signer without extra storage.
interface ICreditOracle is IPeerLendErrors {
    /// @dev Packed into one storage slot (2 + 1 + 2 + 2 + 5 = 12 bytes).
    struct CreditRecord {
        uint16 score; //        scorecard points
        uint8 grade; //         1 = A .. 7 = G; 0 = no record
        uint16 pdBps; //        probability of default, basis points (0..10000)
        uint16 modelVersion;
        uint40 asOf; //         unix seconds the score was computed
    }

    /// @notice The EIP-712 type oracle signers sign (see the header); `submitBatch` carries it packed.
    struct CreditReport {
        address borrower;
        uint16 score;
        uint8 grade;
        uint16 pdBps;
        uint16 modelVersion;
        uint40 asOf;
        bytes32 reasonsHash; // hash of the reason codes; emitted, never stored
    }

    /// @notice Per-borrower form of a record update, kept for decoders. NOT emitted by `submitBatch`:
    ///         with 3 topics and 6 data words it costs ~3,000 gas per borrower, which alone breaks the
    ///         8,000-gas-per-borrower refresh budget. `submitBatch` emits `CreditRecordsUpdated` instead.
    event CreditRecordUpdated(
        address indexed borrower,
        uint64 indexed round,
        uint16 score,
        uint8 grade,
        uint16 pdBps,
        uint16 modelVersion,
        uint40 asOf,
        bytes32 reasonsHash
    );

    /// @notice Every record a batch stored, in report order, as 64 bytes per report:
    ///         abi.encodePacked(borrower, score, grade, pdBps, modelVersion, asOf, reasonsHash)
    ///         i.e. bytes [0,20) borrower, [20,22) score, [22,23) grade, [23,25) pdBps,
    ///         [25,27) modelVersion, [27,32) asOf, [32,64) reasonsHash (all big-endian).
    /// @dev One log per batch (~520 gas per borrower) instead of one per borrower (~3,000).
    event CreditRecordsUpdated(uint64 indexed round, bytes records);
    event BatchSubmitted(uint64 indexed round, uint256 reports, address indexed submitter);
    event SignerAdded(address indexed signer);
    event SignerRemoved(address indexed signer);
    event ThresholdChanged(uint8 previous, uint8 threshold);
    event MaxAgeChanged(uint32 previous, uint32 maxAge);

    error BatchExpired(uint64 deadline, uint256 nowTs);
    error StaleRound(uint64 round, uint64 lastRound);
    error EmptyBatch();
    error MalformedRecords(uint256 length); // not a whole number of 64-byte reports
    error BelowThreshold(uint256 validSignatures, uint8 threshold);
    error SignerNotAuthorized(address signer);
    error SignersNotAscending(address previous, address signer); // also catches a duplicate signer
    error AsOfNotIncreasing(address borrower, uint40 asOf, uint40 storedAsOf);
    error AsOfInFuture(address borrower, uint40 asOf, uint256 nowTs);
    /// @dev The report's grade is outside 1..GRADE_COUNT (the shared InvalidGrade names no borrower,
    ///      and the aggregator needs the borrower to drop that one report).
    error InvalidReportGrade(address borrower, uint8 grade);
    error InvalidPd(address borrower, uint16 pdBps);
    error InvalidThreshold(uint8 threshold, uint256 signers);
    error InvalidMaxAge(uint32 maxAge);
    error SignerAlreadyAdded(address signer);
    error UnknownSigner(address signer);
    error InvalidSigner(address signer); // the zero address can never be a signer

    /// @notice keccak256("GOVERNOR_ROLE"): changes the signer set, threshold and staleness window.
    function GOVERNOR_ROLE() external view returns (bytes32);

    /// @notice The EIP-712 domain separator batches are signed under (this chain, this contract).
    function DOMAIN_SEPARATOR() external view returns (bytes32);

    /// @notice Stores each report after checking `threshold` distinct authorised signatures over the batch.
    /// @param records the reports packed as in CreditRecordsUpdated, 64 bytes each:
    ///        abi.encodePacked(borrower, score, grade, pdBps, modelVersion, asOf, reasonsHash). Packed
    ///        rather than ABI-encoded `CreditReport[]` (224 bytes, mostly zeros) because calldata is a
    ///        fifth of a refresh's gas; the signatures are still EIP-712 over `CreditReport[]`.
    /// @dev Anyone may submit; authority comes from the signatures. `round` must exceed the last round.
    ///      Every signature must come from a current signer (else SignerNotAuthorized), ordered by
    ///      strictly increasing address, and there must be at least `threshold` of them. Each report
    ///      needs borrower != 0, grade 1..7, pdBps <= 10000, asOf <= now and asOf > the stored asOf
    ///      (a borrower may appear twice in a batch only with increasing asOf).
    function submitBatch(uint64 round, uint64 deadline, bytes calldata records, bytes[] calldata signatures) external;

    function recordOf(address borrower) external view returns (CreditRecord memory);

    /// @return true when the borrower has a record younger than `maxAge` (now < asOf + maxAge)
    function isFresh(address borrower) external view returns (bool);

    function lastRound() external view returns (uint64);
    function threshold() external view returns (uint8);
    function maxAge() external view returns (uint32);
    function isSigner(address account) external view returns (bool);
    function signers() external view returns (address[] memory);

    /// @notice GOVERNOR_ROLE: signer set, threshold and staleness window.
    function addSigner(address signer) external;
    /// @dev Reverts with InvalidThreshold when the remaining signers would be fewer than `threshold`.
    function removeSigner(address signer) external;
    /// @dev 1 <= threshold <= number of signers.
    function setThreshold(uint8 threshold) external;
    /// @dev Bounded to [1 hour, 365 days]: zero would make every record stale, no bound would let
    ///      an arbitrarily old score count as fresh.
    function setMaxAge(uint32 maxAge) external;
}
