// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {ICreditOracle} from "../interfaces/ICreditOracle.sol";

/// @title The oracle's signer set, and the check of a batch's signatures against it
/// @dev Membership is a mapping (address => 1-based position in the list), so checking a signer is
///      one SLOAD whatever the size of the set, and removal is swap-and-pop. The list exists only
///      for the `signers()` view. The threshold lives with the oracle's other settings (one slot
///      read per batch) and is passed in where needed.
abstract contract OracleSignerSet is ICreditOracle {
    address[] private _signerList;
    mapping(address signer => uint256 position) private _positionOf; // 0 = not a signer

    /// @inheritdoc ICreditOracle
    function isSigner(address account) public view returns (bool) {
        return _positionOf[account] != 0;
    }

    /// @inheritdoc ICreditOracle
    function signers() external view returns (address[] memory) {
        return _signerList;
    }

    function _signerCount() internal view returns (uint256) {
        return _signerList.length;
    }

    function _addSigner(address signer) internal {
        if (signer == address(0)) revert InvalidSigner(signer);
        if (_positionOf[signer] != 0) revert SignerAlreadyAdded(signer);
        _signerList.push(signer);
        _positionOf[signer] = _signerList.length;
        emit SignerAdded(signer);
    }

    /// @dev Keeps at least `threshold` signers, so a quorum always remains reachable.
    function _removeSigner(address signer, uint8 threshold_) internal {
        uint256 position = _positionOf[signer];
        if (position == 0) revert UnknownSigner(signer);
        uint256 remaining;
        // unchecked: position != 0 means the signer is in the list, so its length is >= 1.
        unchecked {
            remaining = _signerList.length - 1;
        }
        if (threshold_ > remaining) revert InvalidThreshold(threshold_, remaining);

        address last = _signerList[remaining];
        // unchecked: position is 1-based, so position - 1 >= 0 is the signer's index.
        unchecked {
            _signerList[position - 1] = last;
        }
        _positionOf[last] = position;
        _signerList.pop();
        delete _positionOf[signer];
        emit SignerRemoved(signer);
    }

    /// @dev Requires at least `threshold_` signatures, each from a current signer; strictly
    ///      increasing signer addresses make them distinct without a "seen" set (a duplicate is not
    ///      greater than its predecessor).
    function _verifySignatures(bytes32 digest, bytes[] calldata signatures, uint8 threshold_) internal view {
        uint256 count = signatures.length;
        if (count < threshold_) revert BelowThreshold(count, threshold_);
        address previous = address(0);
        for (uint256 i = 0; i < count; ++i) {
            address signer = ECDSA.recoverCalldata(digest, signatures[i]);
            if (signer <= previous) revert SignersNotAscending(previous, signer);
            if (_positionOf[signer] == 0) revert SignerNotAuthorized(signer);
            previous = signer;
        }
    }
}
