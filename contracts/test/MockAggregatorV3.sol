// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "../interfaces/AggregatorV3Interface.sol";

/// @notice Local-chain stand-in for a Chainlink feed: every field of the latest round is settable,
///         so tests can produce stale, zero, negative and incomplete answers. Never deploy it elsewhere.
contract MockAggregatorV3 is AggregatorV3Interface {
    uint8 public decimals;
    string public description = "mock / USD";
    // implements AggregatorV3Interface.version()
    // solhint-disable-next-line const-name-snakecase
    uint256 public constant version = 4;

    uint80 private _roundId;
    int256 private _answer;
    uint256 private _startedAt;
    uint256 private _updatedAt;
    uint80 private _answeredInRound;

    constructor(uint8 decimals_, int256 answer) {
        decimals = decimals_;
        setPrice(answer);
    }

    /// @notice A fresh, complete round with `answer`.
    function setPrice(int256 answer) public {
        _roundId += 1;
        _answer = answer;
        _startedAt = block.timestamp;
        _updatedAt = block.timestamp;
        _answeredInRound = _roundId;
    }

    /// @notice Sets every field of the latest round as given.
    function setRoundData(
        uint80 roundId,
        int256 answer,
        uint256 startedAt,
        uint256 updatedAt,
        uint80 answeredInRound
    ) external {
        _roundId = roundId;
        _answer = answer;
        _startedAt = startedAt;
        _updatedAt = updatedAt;
        _answeredInRound = answeredInRound;
    }

    function setUpdatedAt(uint256 updatedAt) external {
        _updatedAt = updatedAt;
    }

    function setDecimals(uint8 decimals_) external {
        decimals = decimals_;
    }

    function getRoundData(uint80) external view returns (uint80, int256, uint256, uint256, uint80) {
        return (_roundId, _answer, _startedAt, _updatedAt, _answeredInRound);
    }

    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        return (_roundId, _answer, _startedAt, _updatedAt, _answeredInRound);
    }
}
