// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ICreditOracle} from "../interfaces/ICreditOracle.sol";

/// @notice Test double: records written by anyone through `setRecord`; no signatures.
contract TestCreditOracle is ICreditOracle {
    mapping(address => CreditRecord) private _records;
    uint32 public maxAge = 30 days;
    uint64 public lastRound;
    uint8 public threshold = 1;

    error NotSupported();

    function setRecord(address borrower, uint16 score, uint8 grade, uint16 pdBps, uint40 asOf) external {
        _records[borrower] = CreditRecord(score, grade, pdBps, 1, asOf);
    }

    function submitBatch(uint64, uint64, bytes calldata, bytes[] calldata) external pure {
        revert NotSupported();
    }

    function recordOf(address borrower) external view returns (CreditRecord memory) {
        return _records[borrower];
    }

    function isFresh(address borrower) external view returns (bool) {
        CreditRecord memory r = _records[borrower];
        return r.grade != 0 && uint256(r.asOf) + maxAge > block.timestamp;
    }

    function isSigner(address) external pure returns (bool) {
        return false;
    }

    function signers() external pure returns (address[] memory) {
        return new address[](0);
    }

    function addSigner(address) external {}
    function removeSigner(address) external {}

    function setThreshold(uint8 threshold_) external {
        threshold = threshold_;
    }

    function setMaxAge(uint32 maxAge_) external {
        maxAge = maxAge_;
    }

    function GOVERNOR_ROLE() external pure returns (bytes32) {
        return keccak256("GOVERNOR_ROLE");
    }

    function DOMAIN_SEPARATOR() external pure returns (bytes32) {
        return bytes32(0);
    }
}
