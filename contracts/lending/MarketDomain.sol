// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";

/// @title The loan market's EIP-712 domain: "PeerLend LoanMarket", "1", this chain, the market
/// @notice What every message signed for the market is bound to: the risk service's loan offers
///         (origination) and note holders' restructuring approvals (restructuring).
/// @dev Built on every call from this chain and `address(this)`, which under delegatecall is the market:
///      a fork or another deployment never accepts a message signed for this one. No storage (the parts
///      of the market may not add any), so nothing is cached.
library MarketDomain {
    bytes32 private constant DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    );
    bytes32 private constant NAME_HASH = keccak256("PeerLend LoanMarket");
    bytes32 private constant VERSION_HASH = keccak256("1");

    function separator() internal view returns (bytes32) {
        return keccak256(abi.encode(DOMAIN_TYPEHASH, NAME_HASH, VERSION_HASH, block.chainid, address(this)));
    }

    function typedDataHash(bytes32 structHash) internal view returns (bytes32) {
        return MessageHashUtils.toTypedDataHash(separator(), structHash);
    }
}
