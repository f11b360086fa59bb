// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title PeerLend credit oracle: per-borrower credit records signed by a threshold of oracle nodes
/// @notice EIP-712 domain: name "PeerLend CreditOracle", version "1", this chain id, this contract.
///   CreditReport(address borrower,uint16 score,uint8 grade,uint16 pdBps,uint16 modelVersion,uint40 asOf,bytes32 reasonsHash)
///   ScoreBatch(uint64 round,uint64 deadline,CreditReport[] reports)
/// Signatures accompany a batch ordered by strictly increasing signer address, which rejects a
/// duplicate signer without extra storage.
interface ICreditOracle {
    /// @dev Packed into one storage slot (2 + 1 + 2 + 2 + 5 = 12 bytes).
    struct CreditRecord {
        uint16 score; //        scorecard points
        uint8 grade; //         1 = A .. 7 = G; 0 = no record
        uint16 pdBps; //        probability of default, basis points (0..10000)
        uint16 modelVersion;
        uint40 asOf; //         unix seconds the score was computed
    }

    struct CreditReport {
        address borrower;
        uint16 score;
        uint8 grade;
        uint16 pdBps;
        uint16 modelVersion;
        uint40 asOf;
        bytes32 reasonsHash; // hash of the reason codes; emitted, never stored
    }

    event CreditRecordUpdated(
        address indexed borrower, uint64 indexed round, uint16 score, uint8 grade, uint16 pdBps,
        uint16 modelVersion, uint40 asOf, bytes32 reasonsHash
    );
    event BatchSubmitted(uint64 indexed round, uint256 reports, address indexed submitter);
    event SignerAdded(address indexed signer);
    event SignerRemoved(address indexed signer);
    event ThresholdChanged(uint8 previous, uint8 threshold);
    event MaxAgeChanged(uint32 previous, uint32 maxAge);

    error BatchExpired(uint64 deadline, uint256 nowTs);
    error StaleRound(uint64 round, uint64 lastRound);
    error EmptyBatch();
    error BelowThreshold(uint256 validSignatures, uint8 threshold);
    error SignerNotAuthorized(address signer);
    error SignersNotAscending(address previous, address signer); // also catches a duplicate signer
    error AsOfNotIncreasing(address borrower, uint40 asOf, uint40 storedAsOf);
    error AsOfInFuture(address borrower, uint40 asOf, uint256 nowTs);
    error InvalidGrade(address borrower, uint8 grade);
    error InvalidPd(address borrower, uint16 pdBps);
    error InvalidBorrower();
    error InvalidThreshold(uint8 threshold, uint256 signers);
    error InvalidMaxAge(uint32 maxAge);
    error SignerAlreadyAdded(address signer);
    error UnknownSigner(address signer);

    /// @notice Stores each report after checking `threshold` distinct authorised signatures over the batch.
    /// @dev Anyone may submit; authority comes from the signatures. `round` must exceed the last round.
    function submitBatch(uint64 round, uint64 deadline, CreditReport[] calldata reports, bytes[] calldata signatures)
        external;

    function recordOf(address borrower) external view returns (CreditRecord memory);

    /// @return true when the borrower has a record younger than `maxAge`
    function isFresh(address borrower) external view returns (bool);

    function lastRound() external view returns (uint64);
    function threshold() external view returns (uint8);
    function maxAge() external view returns (uint32);
    function isSigner(address account) external view returns (bool);
    function signers() external view returns (address[] memory);

    /// @notice GOVERNOR_ROLE: signer set, threshold and staleness window.
    function addSigner(address signer) external;
    function removeSigner(address signer) external;
    function setThreshold(uint8 threshold) external;
    function setMaxAge(uint32 maxAge) external;
}
