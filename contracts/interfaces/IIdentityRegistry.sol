// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IPeerLendErrors} from "./IPeerLendErrors.sol";

/// @title PeerLend identity registry: KYC attestations per wallet, linked to one person
/// @notice Holds only what the contracts need to decide eligibility, suitability and per-person limits.
///         Personal data stays off-chain: `commitment` binds the attestation to the off-chain KYC record,
///         and `subject` is a keyed hash that is the same for every wallet of one person (so the market
///         can cap a person's borrowing across wallets) and reveals nothing about who that person is.
///         Attestations are non-transferable: there is no function that moves one between wallets.
///
///         Nonces: every wallet has one. A signed attestation must carry the current nonce; accepting
///         it, a direct `attest`, a `revoke` or `invalidateSignatures` each use the nonce up, so an older
///         signed attestation that was never submitted can never undo a later decision.
interface IIdentityRegistry is IPeerLendErrors {
    /// @dev Three storage slots per wallet: the fields up to `entity` pack into one (11 bytes), the
    ///      commitment and the subject fill one each.
    struct Identity {
        uint8 level; //          KYC level, 0 = none; 1 = basic, 2 = full (borrowers and lenders need >= 1)
        uint8 riskClass; //      investor risk class 1 (most cautious) .. 5 (most risk-tolerant)
        uint16 jurisdiction; //  ISO 3166-1 numeric country code
        uint40 expiresAt; //     unix seconds; the attestation is void from this time on
        bool frozen; //          set by compliance (AML); a frozen wallet is not eligible
        bool entity; //          a legal entity rather than an individual (its borrowing cap differs)
        bytes32 commitment; //   hash of the off-chain KYC record (never personal data)
        bytes32 subject; //      keyed hash identifying the person behind the wallet; never zero once attested
    }

    /// @notice EIP-712 struct a wallet submits with an attester's signature (the wallet pays gas).
    /// Attestation(address wallet,uint8 level,uint8 riskClass,uint16 jurisdiction,uint40 expiresAt,
    ///             bytes32 commitment,bytes32 subject,bool entity,uint256 nonce,uint256 deadline)
    struct Attestation {
        address wallet;
        uint8 level;
        uint8 riskClass;
        uint16 jurisdiction;
        uint40 expiresAt;
        bytes32 commitment;
        bytes32 subject;
        bool entity;
        uint256 nonce;
        uint256 deadline;
    }

    event IdentityAttested(
        address indexed wallet,
        address indexed attester,
        uint8 level,
        uint8 riskClass,
        uint16 jurisdiction,
        uint40 expiresAt,
        bytes32 commitment,
        bytes32 indexed subject,
        bool entity
    );
    event IdentityRevoked(address indexed wallet, address indexed by, uint8 reasonCode);
    event IdentityFrozen(address indexed wallet, address indexed by, uint8 reasonCode);
    event IdentityUnfrozen(address indexed wallet, address indexed by, uint8 reasonCode);
    /// @notice `wallet`'s nonce moved on without an attestation: every signature issued for it before
    ///         is void. `nonce` is the next one a signed attestation must carry.
    event SignaturesInvalidated(address indexed wallet, address indexed by, uint256 nonce);

    error InvalidWallet(address wallet);
    error InvalidLevel(uint8 level);
    error InvalidRiskClass(uint8 riskClass);
    error InvalidSubject(address wallet);
    error ExpiryNotInFuture(uint40 expiresAt, uint256 nowTs);
    error InvalidNonce(address wallet, uint256 expected, uint256 given);
    error NotAttestationSubject(address caller, address wallet);
    error SignerNotAttester(address signer);
    error NotAttested(address wallet);
    error AlreadyFrozen(address wallet);
    error NotFrozen(address wallet);

    /// @notice keccak256("ATTESTER_ROLE"): writes and revokes attestations, signs wallet-submitted ones.
    function ATTESTER_ROLE() external view returns (bytes32);

    /// @notice keccak256("COMPLIANCE_ROLE"): freezes and unfreezes wallets.
    function COMPLIANCE_ROLE() external view returns (bytes32);

    /// @notice Writes or replaces `wallet`'s attestation. ATTESTER_ROLE only.
    /// @dev `level` must be 1 or 2 (use `revoke` to remove), `riskClass` 1..5, `expiresAt` in the future,
    ///      `subject` non-zero. The frozen flag is kept: only compliance lifts a freeze, never a
    ///      re-attestation. Uses up the wallet's nonce, so a signed attestation issued earlier and not yet
    ///      submitted cannot overwrite this one.
    function attest(
        address wallet,
        uint8 level,
        uint8 riskClass,
        uint16 jurisdiction,
        uint40 expiresAt,
        bytes32 commitment,
        bytes32 subject,
        bool entity
    ) external;

    /// @notice The wallet itself submits an attestation signed by an ATTESTER_ROLE holder.
    /// @dev Bound to this chain and contract by the EIP-712 domain (name "PeerLend IdentityRegistry",
    ///      version "1"); the caller must be `attestation.wallet`; the nonce is consumed.
    function attestWithSignature(Attestation calldata attestation, bytes calldata signature) external;

    /// @notice Deletes `wallet`'s attestation. ATTESTER_ROLE only.
    /// @dev Consumes the wallet's current nonce, so a signed attestation issued before the revocation
    ///      and not yet submitted can no longer be used, and keeps the frozen flag (revoke-and-reattest
    ///      must not lift a compliance freeze).
    function revoke(address wallet, uint8 reasonCode) external;

    /// @notice ATTESTER_ROLE voids every outstanding signed attestation of `wallet` (its nonce moves on)
    ///         without touching the attestation it holds: for a signature sent to the wrong place, or a
    ///         decision changed before the wallet submitted it.
    function invalidateSignatures(address wallet) external;

    /// @notice COMPLIANCE_ROLE freezes a wallet (AML); frozen wallets are not eligible and cannot send,
    ///         receive or claim loan notes.
    /// @dev Allowed on a wallet with no attestation yet: AML may act on a linked wallet before its KYC.
    function freeze(address wallet, uint8 reasonCode) external;

    /// @notice COMPLIANCE_ROLE lifts a freeze.
    function unfreeze(address wallet, uint8 reasonCode) external;

    /// @return true when attested (level >= 1), not expired and not frozen
    function isEligible(address wallet) external view returns (bool);

    /// @return true when compliance froze the wallet (whether or not it is attested)
    function isFrozen(address wallet) external view returns (bool);

    /// @return the investor risk class, or 0 when the wallet is not eligible
    function riskClassOf(address wallet) external view returns (uint8);

    function identityOf(address wallet) external view returns (Identity memory);

    /// @return the next nonce `wallet` must use in a signed attestation
    function nonces(address wallet) external view returns (uint256);

    /// @notice The EIP-712 domain separator signed attestations are bound to (this chain, this contract).
    function DOMAIN_SEPARATOR() external view returns (bytes32);
}
