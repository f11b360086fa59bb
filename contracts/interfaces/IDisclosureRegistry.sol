// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IPeerLendErrors} from "./IPeerLendErrors.sol";

/// @title PeerLend disclosure registry: the hash of each month's published disclosure, anchored once
/// @notice At each month end the platform publishes its disclosure (volume, borrowers, outstanding
///         principal, delinquency, defaults and losses, the reserve fund, fees) as a canonical JSON
///         document and anchors the document's SHA-256 here. Anyone can then fetch the document, hash it
///         and compare with the anchor: the platform cannot change a month's figures after publishing
///         them, nor publish two versions of one month. Only the hash is stored; the document stays
///         off-chain.
///
///         Roles: PUBLISHER_ROLE (the disclosure service's key) anchors; DEFAULT_ADMIN_ROLE (the
///         timelock) manages who publishes.
interface IDisclosureRegistry is IPeerLendErrors {
    /// @notice The disclosure of `period` (yyyymm) is the document whose SHA-256 is `contentHash`.
    event SnapshotAnchored(uint32 indexed period, bytes32 contentHash, address indexed publisher);

    /// @dev `period` is not a month written yyyymm (month 01..12, year 1970..9999).
    /// @param period the rejected period
    error InvalidPeriod(uint32 period);

    /// @dev The month has not ended at this block: its figures are not final yet.
    /// @param period the month
    /// @param endsAt the first second after it (unix seconds, UTC)
    error PeriodNotEnded(uint32 period, uint256 endsAt);

    /// @dev The month's disclosure was anchored before; an anchor is never replaced.
    /// @param period      the month
    /// @param contentHash the hash anchored for it
    error PeriodAlreadyAnchored(uint32 period, bytes32 contentHash);

    /// @dev A zero hash anchors nothing (and would read back as "not anchored").
    /// @param period the month
    error EmptyContentHash(uint32 period);

    /// @notice PUBLISHER_ROLE: anchors the disclosure of `period` (yyyymm, e.g. 202611) once it has ended.
    /// @param period      the month, yyyymm, UTC
    /// @param contentHash SHA-256 of the month's canonical disclosure document
    function anchor(uint32 period, bytes32 contentHash) external;

    /// @return the hash anchored for `period`, zero while none is
    function anchorOf(uint32 period) external view returns (bytes32);

    /// @return the first second after `period` (unix seconds, UTC): when it may be anchored
    function periodEnd(uint32 period) external pure returns (uint256);

    /// @return the role that may anchor: keccak256("PUBLISHER_ROLE")
    function PUBLISHER_ROLE() external view returns (bytes32);
}
