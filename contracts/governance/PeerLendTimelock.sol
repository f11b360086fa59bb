// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title The delay every governed parameter change of PeerLend passes through
/// @notice Holds the admin and risk roles of the protocol contracts. Proposers schedule calls, which
///         anyone may execute once `minDelay` has passed, so users see every change coming and can
///         leave before it applies. Operational roles (attester, compliance, pauser) are held directly
///         by their operators because they must act at once.
contract PeerLendTimelock is TimelockController {
    constructor(
        uint256 minDelay,
        address[] memory proposers,
        address[] memory executors
    ) TimelockController(minDelay, proposers, executors, address(0)) {}
}
