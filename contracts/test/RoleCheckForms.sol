// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/// @notice Each way a function can require a role, once, for the test that reads role gates out of the
///         compiled syntax trees (tests/contracts/helpers/role_gates.py): if it stopped seeing one of
///         these forms, a contract using it could gain a gate its role table does not list. Test-only.
contract RoleCheckForms is AccessControl {
    bytes32 public constant FIRST_ROLE = keccak256("FIRST_ROLE");
    bytes32 public constant SECOND_ROLE = keccak256("SECOND_ROLE");

    modifier onlySecond() {
        _checkRole(SECOND_ROLE);
        _;
    }

    function byModifier() external virtual onlyRole(FIRST_ROLE) {}

    function byCheck() external view {
        _checkRole(SECOND_ROLE, msg.sender);
    }

    function byOwnModifier() external onlySecond {}

    function byHelper() external view {
        _requireFirst();
    }

    function byTwoRoles() external view onlySecond {
        _requireFirst();
    }

    function ungated() external {}

    function _requireFirst() private view {
        _requireFirstInner();
    }

    function _requireFirstInner() private view {
        if (!hasRole(FIRST_ROLE, msg.sender)) revert AccessControlUnauthorizedAccount(msg.sender, FIRST_ROLE);
    }
}

/// @notice An override without the base's modifier drops the gate: only the override is read.
contract RoleCheckFormsOverride is RoleCheckForms {
    function byModifier() external override {}
}
