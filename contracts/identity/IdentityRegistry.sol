// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {MAX_KYC_LEVEL, MAX_RISK_CLASS} from "../common/Constants.sol";

/// @title PeerLend identity registry
/// @notice See {IIdentityRegistry}. Attestations live in one mapping keyed by wallet and no function
///         moves them, which is what makes them non-transferable.
contract IdentityRegistry is IIdentityRegistry, AccessControl, EIP712 {
    bytes32 public constant ATTESTER_ROLE = keccak256("ATTESTER_ROLE");
    bytes32 public constant COMPLIANCE_ROLE = keccak256("COMPLIANCE_ROLE");

    bytes32 private constant ATTESTATION_TYPEHASH = keccak256(
        "Attestation(address wallet,uint8 level,uint8 riskClass,uint16 jurisdiction,uint40 expiresAt,"
        "bytes32 commitment,bytes32 subject,bool entity,uint256 nonce,uint256 deadline)"
    );

    mapping(address wallet => Identity) private _identities;
    mapping(address wallet => uint256) private _nonces;

    /// @param admin receives DEFAULT_ADMIN_ROLE and grants the attester and compliance roles
    constructor(address admin) EIP712("PeerLend IdentityRegistry", "1") {
        if (admin == address(0)) revert InvalidAdmin(admin);
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    // ---------------------------------------------------------------- writes

    /// @inheritdoc IIdentityRegistry
    function attest(
        address wallet,
        uint8 level,
        uint8 riskClass,
        uint16 jurisdiction,
        uint40 expiresAt,
        bytes32 commitment,
        bytes32 subject,
        bool entity
    ) external onlyRole(ATTESTER_ROLE) {
        // A direct attestation is the latest decision about the wallet: any signature issued before it
        // and not yet submitted must not be able to overwrite it.
        _useNonce(wallet);
        _attest(
            Attestation(wallet, level, riskClass, jurisdiction, expiresAt, commitment, subject, entity, 0, 0),
            msg.sender
        );
    }

    /// @inheritdoc IIdentityRegistry
    function attestWithSignature(Attestation calldata a, bytes calldata signature) external {
        // Only the subject may submit: a third party holding the signature cannot force an update
        // (for example an older, still-unused attestation) onto the wallet.
        if (msg.sender != a.wallet) revert NotAttestationSubject(msg.sender, a.wallet);
        if (block.timestamp > a.deadline) revert SignatureExpired(a.deadline, block.timestamp);
        uint256 expected = _nonces[a.wallet];
        if (a.nonce != expected) revert InvalidNonce(a.wallet, expected, a.nonce);

        address signer = ECDSA.recoverCalldata(_hashTypedDataV4(_hashAttestation(a)), signature);
        if (!hasRole(ATTESTER_ROLE, signer)) revert SignerNotAttester(signer);

        // Consumed before the write so the same signature can never be used twice.
        _useNonce(a.wallet);
        _attest(a, signer);
    }

    /// @inheritdoc IIdentityRegistry
    function revoke(address wallet, uint8 reasonCode) external onlyRole(ATTESTER_ROLE) {
        Identity storage id = _identities[wallet];
        if (id.level == 0) revert NotAttested(wallet);
        // The frozen flag survives (only compliance lifts it). The nonce moves on: an attestation the
        // attester signed before the revocation but the wallet has not submitted yet must die with it.
        bool frozen = id.frozen;
        delete _identities[wallet];
        if (frozen) _identities[wallet].frozen = true;
        _useNonce(wallet);
        emit IdentityRevoked(wallet, msg.sender, reasonCode);
    }

    /// @inheritdoc IIdentityRegistry
    function invalidateSignatures(address wallet) external onlyRole(ATTESTER_ROLE) {
        if (wallet == address(0)) revert InvalidWallet(wallet);
        uint256 next = _useNonce(wallet);
        emit SignaturesInvalidated(wallet, msg.sender, next);
    }

    /// @inheritdoc IIdentityRegistry
    function freeze(address wallet, uint8 reasonCode) external onlyRole(COMPLIANCE_ROLE) {
        if (wallet == address(0)) revert InvalidWallet(wallet);
        Identity storage id = _identities[wallet];
        if (id.frozen) revert AlreadyFrozen(wallet);
        id.frozen = true;
        emit IdentityFrozen(wallet, msg.sender, reasonCode);
    }

    /// @inheritdoc IIdentityRegistry
    function unfreeze(address wallet, uint8 reasonCode) external onlyRole(COMPLIANCE_ROLE) {
        Identity storage id = _identities[wallet];
        if (!id.frozen) revert NotFrozen(wallet);
        id.frozen = false;
        emit IdentityUnfrozen(wallet, msg.sender, reasonCode);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IIdentityRegistry
    function isEligible(address wallet) public view returns (bool) {
        Identity storage id = _identities[wallet];
        return id.level != 0 && !id.frozen && block.timestamp < id.expiresAt;
    }

    /// @inheritdoc IIdentityRegistry
    function isFrozen(address wallet) external view returns (bool) {
        return _identities[wallet].frozen;
    }

    /// @inheritdoc IIdentityRegistry
    function riskClassOf(address wallet) external view returns (uint8) {
        return isEligible(wallet) ? _identities[wallet].riskClass : 0;
    }

    /// @inheritdoc IIdentityRegistry
    function identityOf(address wallet) external view returns (Identity memory) {
        return _identities[wallet];
    }

    /// @inheritdoc IIdentityRegistry
    function nonces(address wallet) external view returns (uint256) {
        return _nonces[wallet];
    }

    /// @inheritdoc IIdentityRegistry
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    // ---------------------------------------------------------------- internals

    /// @dev Moves `wallet`'s nonce on and returns the new one.
    function _useNonce(address wallet) private returns (uint256 next) {
        // unchecked: a nonce grows by one per attestation, revocation or invalidation; 2^256 is out of reach.
        unchecked {
            next = _nonces[wallet] + 1;
        }
        _nonces[wallet] = next;
    }

    /// @dev One implementation for both entry points, so the two paths cannot drift apart. The nonce and
    ///      deadline of `a` are the caller's business.
    function _attest(Attestation memory a, address attester) private {
        address wallet = a.wallet;
        if (wallet == address(0)) revert InvalidWallet(wallet);
        if (a.level == 0 || a.level > MAX_KYC_LEVEL) revert InvalidLevel(a.level);
        if (a.riskClass == 0 || a.riskClass > MAX_RISK_CLASS) revert InvalidRiskClass(a.riskClass);
        if (a.expiresAt <= block.timestamp) revert ExpiryNotInFuture(a.expiresAt, block.timestamp);
        if (a.subject == bytes32(0)) revert InvalidSubject(wallet);

        Identity storage id = _identities[wallet];
        id.level = a.level;
        id.riskClass = a.riskClass;
        id.jurisdiction = a.jurisdiction;
        id.expiresAt = a.expiresAt;
        id.entity = a.entity;
        // id.frozen is deliberately left as it is: a re-attestation never lifts a freeze.
        id.commitment = a.commitment;
        id.subject = a.subject;
        emit IdentityAttested(
            wallet,
            attester,
            a.level,
            a.riskClass,
            a.jurisdiction,
            a.expiresAt,
            a.commitment,
            a.subject,
            a.entity
        );
    }

    function _hashAttestation(Attestation calldata a) private pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    ATTESTATION_TYPEHASH,
                    a.wallet,
                    a.level,
                    a.riskClass,
                    a.jurisdiction,
                    a.expiresAt,
                    a.commitment,
                    a.subject,
                    a.entity,
                    a.nonce,
                    a.deadline
                )
            );
    }
}
