// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title Chainlink price feed interface (AggregatorV3Interface)
/// @notice The standard interface of Chainlink data feed proxies, reproduced here so the project does not
///         depend on the Chainlink package for five function signatures.
// Chainlink's own name, kept so that the interface reads as theirs.
// solhint-disable-next-line interface-starts-with-i
interface AggregatorV3Interface {
    function decimals() external view returns (uint8);

    function description() external view returns (string memory);

    function version() external view returns (uint256);

    function getRoundData(
        uint80 _roundId
    )
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);

    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
}
