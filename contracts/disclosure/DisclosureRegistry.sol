// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

import {IDisclosureRegistry} from "../interfaces/IDisclosureRegistry.sol";

/// @title PeerLend disclosure registry
/// @notice One storage slot per month: the anchored hash. An anchor costs one cold slot write and one
///         log, so publishing stays cheap whatever the size of the document.
contract DisclosureRegistry is IDisclosureRegistry, AccessControl {
    bytes32 public constant PUBLISHER_ROLE = keccak256("PUBLISHER_ROLE");

    mapping(uint32 period => bytes32 contentHash) private _anchors;

    constructor(address admin, address publisher) {
        if (admin == address(0)) revert InvalidAdmin(admin);
        if (publisher == address(0)) revert ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(PUBLISHER_ROLE, publisher);
    }

    /// @inheritdoc IDisclosureRegistry
    function anchor(uint32 period, bytes32 contentHash) external onlyRole(PUBLISHER_ROLE) {
        if (contentHash == bytes32(0)) revert EmptyContentHash(period);
        uint256 endsAt = periodEnd(period);
        if (block.timestamp < endsAt) revert PeriodNotEnded(period, endsAt);
        bytes32 anchored = _anchors[period];
        if (anchored != bytes32(0)) revert PeriodAlreadyAnchored(period, anchored);
        _anchors[period] = contentHash;
        emit SnapshotAnchored(period, contentHash, msg.sender);
    }

    /// @inheritdoc IDisclosureRegistry
    function anchorOf(uint32 period) external view returns (bytes32) {
        return _anchors[period];
    }

    /// @inheritdoc IDisclosureRegistry
    function periodEnd(uint32 period) public pure returns (uint256) {
        uint256 year = period / 100;
        uint256 month = period % 100;
        if (month == 0 || month > 12 || year < 1970 || year > 9999) revert InvalidPeriod(period);
        // The end of a month is the first day of the next one.
        (year, month) = month == 12 ? (year + 1, 1) : (year, month + 1);
        return _daysFromCivil(year, month) * 1 days;
    }

    /// @dev Days from 1970-01-01 to the first of `month` in `year` (proleptic Gregorian calendar), by
    ///      Howard Hinnant's days_from_civil: years start in March, so the leap day ends a year and the
    ///      month lengths follow (153 * m + 2) / 5. Valid for year >= 1970, where nothing goes negative.
    function _daysFromCivil(uint256 year, uint256 month) private pure returns (uint256) {
        if (month <= 2) year -= 1;
        uint256 era = year / 400;
        uint256 yearOfEra = year - era * 400;
        uint256 dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5;
        uint256 dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097 + dayOfEra - 719_468;
    }
}
