// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";

/// @notice Test double: identities written by anyone through `attest`/`set`; no signatures, no roles.
///         A wallet set with `set` is its own person (subject = the wallet) until `setPerson` links it.
contract TestIdentityRegistry is IIdentityRegistry {
    mapping(address => Identity) private _ids;
    mapping(address => uint256) public nonces;

    error NotSupported();

    function set(address wallet, uint8 level, uint8 riskClass, uint40 expiresAt, bool frozen) external {
        _ids[wallet] = Identity(
            level,
            riskClass,
            0,
            expiresAt,
            frozen,
            false,
            bytes32(0),
            bytes32(uint256(uint160(wallet)))
        );
    }

    function setPerson(address wallet, bytes32 subject, bool entity) external {
        _ids[wallet].subject = subject;
        _ids[wallet].entity = entity;
    }

    function attest(
        address wallet,
        uint8 level,
        uint8 riskClass,
        uint16 jurisdiction,
        uint40 expiresAt,
        bytes32 commitment,
        bytes32 subject,
        bool entity
    ) external {
        _ids[wallet] = Identity(level, riskClass, jurisdiction, expiresAt, false, entity, commitment, subject);
        emit IdentityAttested(
            wallet,
            msg.sender,
            level,
            riskClass,
            jurisdiction,
            expiresAt,
            commitment,
            subject,
            entity
        );
    }

    function attestWithSignature(Attestation calldata, bytes calldata) external pure {
        revert NotSupported();
    }

    function revoke(address wallet, uint8) external {
        delete _ids[wallet];
    }

    function invalidateSignatures(address wallet) external {
        nonces[wallet] += 1;
    }

    function freeze(address wallet, uint8) external {
        _ids[wallet].frozen = true;
    }

    function unfreeze(address wallet, uint8) external {
        _ids[wallet].frozen = false;
    }

    /// @dev Reads the first slot only, as IdentityRegistry does, so gas measured against the double is
    ///      what the real registry costs.
    function isEligible(address wallet) public view returns (bool) {
        Identity storage i = _ids[wallet];
        return i.level >= 1 && i.expiresAt > block.timestamp && !i.frozen;
    }

    function isFrozen(address wallet) external view returns (bool) {
        return _ids[wallet].frozen;
    }

    function riskClassOf(address wallet) external view returns (uint8) {
        return isEligible(wallet) ? _ids[wallet].riskClass : 0;
    }

    function identityOf(address wallet) external view returns (Identity memory) {
        return _ids[wallet];
    }

    function ATTESTER_ROLE() external pure returns (bytes32) {
        return keccak256("ATTESTER_ROLE");
    }

    function COMPLIANCE_ROLE() external pure returns (bytes32) {
        return keccak256("COMPLIANCE_ROLE");
    }

    function DOMAIN_SEPARATOR() external pure returns (bytes32) {
        return bytes32(0);
    }
}
