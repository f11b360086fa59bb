// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title PeerLend identity registry: KYC attestations per wallet
/// @notice Holds only what the contracts need to decide eligibility and suitability. Personal data
///         stays off-chain; `commitment` binds the attestation to the off-chain KYC record.
///         Attestations are non-transferable: there is no function that moves one between wallets.
interface IIdentityRegistry {
    /// @dev Two storage slots per wallet: the fields up to `frozen` pack into one (10 bytes), the
    ///      commitment fills the second.
    struct Identity {
        uint8 level; //          KYC level, 0 = none; 1 = basic, 2 = full (borrowers and lenders need >= 1)
        uint8 riskClass; //      investor risk class 1 (most cautious) .. 5 (most risk-tolerant)
        uint16 jurisdiction; //  ISO 3166-1 numeric country code
        uint40 expiresAt; //     unix seconds; the attestation is void from this time on
        bool frozen; //          set by compliance (AML); a frozen wallet is not eligible
        bytes32 commitment; //   hash of the off-chain KYC record (never personal data)
    }

    /// @notice EIP-712 struct a wallet submits with an attester's signature (the wallet pays gas).
    /// Attestation(address wallet,uint8 level,uint8 riskClass,uint16 jurisdiction,uint40 expiresAt,
    ///             bytes32 commitment,uint256 nonce,uint256 deadline)
    struct Attestation {
        address wallet;
        uint8 level;
        uint8 riskClass;
        uint16 jurisdiction;
        uint40 expiresAt;
        bytes32 commitment;
        uint256 nonce;
        uint256 deadline;
    }

    event IdentityAttested(
        address indexed wallet, address indexed attester, uint8 level, uint8 riskClass,
        uint16 jurisdiction, uint40 expiresAt, bytes32 commitment
    );
    event IdentityRevoked(address indexed wallet, address indexed by, uint8 reasonCode);
    event IdentityFrozen(address indexed wallet, address indexed by, uint8 reasonCode);
    event IdentityUnfrozen(address indexed wallet, address indexed by, uint8 reasonCode);

    error InvalidWallet(address wallet);
    error InvalidLevel(uint8 level);
    error InvalidRiskClass(uint8 riskClass);
    error ExpiryNotInFuture(uint40 expiresAt, uint256 nowTs);
    error SignatureExpired(uint256 deadline, uint256 nowTs);
    error InvalidNonce(address wallet, uint256 expected, uint256 given);
    error NotAttestationSubject(address caller, address wallet);
    error SignerNotAttester(address signer);
    error NotAttested(address wallet);
    error AlreadyFrozen(address wallet);
    error NotFrozen(address wallet);
    error InvalidAdmin(address admin);

    /// @notice keccak256("ATTESTER_ROLE"): writes and revokes attestations, signs wallet-submitted ones.
    function ATTESTER_ROLE() external view returns (bytes32);

    /// @notice keccak256("COMPLIANCE_ROLE"): freezes and unfreezes wallets.
    function COMPLIANCE_ROLE() external view returns (bytes32);

    /// @notice Writes or replaces `wallet`'s attestation. ATTESTER_ROLE only.
    /// @dev `level` must be 1 or 2 (use `revoke` to remove), `riskClass` 1..5, `expiresAt` in the future.
    ///      The frozen flag is kept: only compliance lifts a freeze, never a re-attestation.
    function attest(
        address wallet, uint8 level, uint8 riskClass, uint16 jurisdiction, uint40 expiresAt, bytes32 commitment
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

    /// @notice COMPLIANCE_ROLE freezes a wallet (AML); frozen wallets are not eligible.
    /// @dev Allowed on a wallet with no attestation yet: AML may act on a linked wallet before its KYC.
    function freeze(address wallet, uint8 reasonCode) external;

    /// @notice COMPLIANCE_ROLE lifts a freeze.
    function unfreeze(address wallet, uint8 reasonCode) external;

    /// @return true when attested (level >= 1), not expired and not frozen
    function isEligible(address wallet) external view returns (bool);

    /// @return the investor risk class, or 0 when the wallet is not eligible
    function riskClassOf(address wallet) external view returns (uint8);

    function identityOf(address wallet) external view returns (Identity memory);

    /// @return the next nonce `wallet` must use in a signed attestation
    function nonces(address wallet) external view returns (uint256);

    /// @notice The EIP-712 domain separator signed attestations are bound to (this chain, this contract).
    function DOMAIN_SEPARATOR() external view returns (bytes32);
}
