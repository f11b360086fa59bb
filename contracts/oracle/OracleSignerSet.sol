// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {ICreditOracle} from "../interfaces/ICreditOracle.sol";

/// @title The oracle's signer set and threshold, and the check of a batch's signatures
/// @dev Membership is a mapping (address => 1-based position in the list), so checking a signer is
///      one SLOAD whatever the size of the set, and removal is swap-and-pop. The list exists only
///      for the `signers()` view.
abstract contract OracleSignerSet is ICreditOracle {
    address[] private _signerList;
    mapping(address signer => uint256 position) private _positionOf; // 0 = not a signer
    uint8 private _threshold;

    /// @inheritdoc ICreditOracle
    function threshold() public view returns (uint8) {
        return _threshold;
    }

    /// @inheritdoc ICreditOracle
    function isSigner(address account) public view returns (bool) {
        return _positionOf[account] != 0;
    }

    /// @inheritdoc ICreditOracle
    function signers() external view returns (address[] memory) {
        return _signerList;
    }

    function _addSigner(address signer) internal {
        if (signer == address(0)) revert InvalidSigner(signer);
        if (_positionOf[signer] != 0) revert SignerAlreadyAdded(signer);
        _signerList.push(signer);
        _positionOf[signer] = _signerList.length;
        emit SignerAdded(signer);
    }

    function _removeSigner(address signer) internal {
        uint256 position = _positionOf[signer];
        if (position == 0) revert UnknownSigner(signer);
        uint256 count = _signerList.length;
        // unchecked: position != 0 means the signer is in the list, so count >= 1.
        uint256 remaining;
        unchecked {
            remaining = count - 1;
        }
        if (_threshold > remaining) revert InvalidThreshold(_threshold, remaining);

        address last = _signerList[remaining];
        // unchecked: position is 1-based and >= 1, see _positionOf.
        unchecked {
            _signerList[position - 1] = last;
        }
        _positionOf[last] = position;
        _signerList.pop();
        delete _positionOf[signer];
        emit SignerRemoved(signer);
    }

    function _setThreshold(uint8 newThreshold) internal {
        uint256 count = _signerList.length;
        if (newThreshold == 0 || newThreshold > count) revert InvalidThreshold(newThreshold, count);
        uint8 previous = _threshold;
        _threshold = newThreshold;
        emit ThresholdChanged(previous, newThreshold);
    }

    /// @dev Every signature must recover to a current signer; strictly increasing signer addresses
    ///      make them distinct without a "seen" set (a duplicate is not greater than its predecessor).
    function _verifySignatures(bytes32 digest, bytes[] calldata signatures) internal view {
        uint8 required = _threshold;
        uint256 count = signatures.length;
        if (count < required) revert BelowThreshold(count, required);
        address previous = address(0);
        for (uint256 i = 0; i < count; ++i) {
            address signer = ECDSA.recoverCalldata(digest, signatures[i]);
            if (signer <= previous) revert SignersNotAscending(previous, signer);
            if (_positionOf[signer] == 0) revert SignerNotAuthorized(signer);
            previous = signer;
        }
    }
}
