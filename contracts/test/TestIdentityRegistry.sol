// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";

/// @notice Test double: identities written by anyone through `attest`/`set`; no signatures, no roles.
contract TestIdentityRegistry is IIdentityRegistry {
    mapping(address => Identity) private _ids;
    mapping(address => uint256) public nonces;

    function set(address wallet, uint8 level, uint8 riskClass, uint40 expiresAt, bool frozen) external {
        _ids[wallet] = Identity(level, riskClass, 0, expiresAt, frozen, bytes32(0));
    }

    function attest(address wallet, uint8 level, uint8 riskClass, uint16 jurisdiction, uint40 expiresAt, bytes32 commitment)
        external
    {
        _ids[wallet] = Identity(level, riskClass, jurisdiction, expiresAt, false, commitment);
        emit IdentityAttested(wallet, msg.sender, level, riskClass, jurisdiction, expiresAt, commitment);
    }

    function attestWithSignature(Attestation calldata, bytes calldata) external pure {
        revert("TestIdentityRegistry: not supported");
    }

    function revoke(address wallet, uint8) external {
        delete _ids[wallet];
    }

    function freeze(address wallet, uint8) external {
        _ids[wallet].frozen = true;
    }

    function unfreeze(address wallet, uint8) external {
        _ids[wallet].frozen = false;
    }

    function isEligible(address wallet) public view returns (bool) {
        Identity memory i = _ids[wallet];
        return i.level >= 1 && i.expiresAt > block.timestamp && !i.frozen;
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
