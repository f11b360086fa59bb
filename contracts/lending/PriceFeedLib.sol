// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {AggregatorV3Interface} from "../interfaces/AggregatorV3Interface.sol";
import {ICollateralErrors} from "../interfaces/ICollateralErrors.sol";

/// @title Reading Chainlink-style feeds and converting token amounts to stablecoin value
/// @notice A price is only used when its round is complete, its answer positive and its update younger
///         than the feed's heartbeat; otherwise nothing (no pledge, no liquidation) may act on it.
library PriceFeedLib {
    uint256 internal constant BPS = 10_000;

    /// @return price the latest answer, in the feed's own decimals
    function latestPrice(AggregatorV3Interface feed, uint256 heartbeat) internal view returns (uint256 price) {
        (uint80 roundId, int256 answer, , uint256 updatedAt, uint80 answeredInRound) = feed.latestRoundData();
        // updatedAt == 0 is how a round that has started but not been answered reads; answeredInRound
        // behind roundId means the answer was carried over from an earlier round.
        if (updatedAt == 0 || answeredInRound < roundId) {
            revert ICollateralErrors.IncompleteRound(address(feed), roundId, answeredInRound, updatedAt);
        }
        if (answer <= 0) revert ICollateralErrors.InvalidPrice(address(feed), answer);
        // Written as an addition so an updatedAt slightly ahead of this block cannot underflow.
        if (updatedAt + heartbeat < block.timestamp) {
            revert ICollateralErrors.StalePrice(address(feed), updatedAt, heartbeat);
        }
        return uint256(answer);
    }

    /// @notice Same checks as `latestPrice`, for views that must answer rather than revert: a feed that
    ///         reverts or returns an unusable answer reads as (false, 0).
    function tryLatestPrice(
        AggregatorV3Interface feed,
        uint256 heartbeat
    ) internal view returns (bool ok, uint256 price) {
        try feed.latestRoundData() returns (
            uint80 roundId,
            int256 answer,
            uint256,
            uint256 updatedAt,
            uint80 answeredInRound
        ) {
            if (updatedAt == 0 || answeredInRound < roundId || answer <= 0 || updatedAt + heartbeat < block.timestamp) {
                return (false, 0);
            }
            return (true, uint256(answer));
        } catch {
            return (false, 0);
        }
    }

    /// @notice On an L2, reverts unless the sequencer is up and has been up for `gracePeriod`. While it
    ///         is down, feeds stop updating and only transactions forced through L1 land; right after
    ///         it restarts, borrowers whose positions moved during the outage have had no chance to
    ///         top up or repay. A zero `uptimeFeed` (an L1, or a local chain) skips the check.
    /// @dev Chainlink uptime feeds answer 0 when up, 1 when down; startedAt is when that status began.
    function requireSequencerUp(AggregatorV3Interface uptimeFeed, uint256 gracePeriod) internal view {
        if (address(uptimeFeed) == address(0)) return;
        (, int256 answer, uint256 startedAt, , ) = uptimeFeed.latestRoundData();
        if (answer != 0 || startedAt == 0) revert ICollateralErrors.SequencerDown(address(uptimeFeed));
        if (block.timestamp < startedAt + gracePeriod) {
            revert ICollateralErrors.SequencerGracePeriod(startedAt, gracePeriod);
        }
    }

    /// @notice `requireSequencerUp` for views: false instead of a revert.
    function sequencerUp(AggregatorV3Interface uptimeFeed, uint256 gracePeriod) internal view returns (bool) {
        if (address(uptimeFeed) == address(0)) return true;
        try uptimeFeed.latestRoundData() returns (uint80, int256 answer, uint256 startedAt, uint256, uint80) {
            return answer == 0 && startedAt != 0 && block.timestamp >= startedAt + gracePeriod;
        } catch {
            return false;
        }
    }

    /// @notice Stablecoin value of `amount` token units at `price`, times `factorBps` / 10,000.
    /// @dev value = amount * price * factor * 10^quoteDecimals / (10^tokenDecimals * 10^feedDecimals * BPS),
    ///      with one rounding only (mulDiv over the full 512-bit product).
    function toValue(
        uint256 amount,
        uint256 price,
        uint256 factorBps,
        uint8 tokenDecimals,
        uint8 feedDecimals,
        uint8 quoteDecimals,
        Math.Rounding rounding
    ) internal pure returns (uint256) {
        (uint256 up, uint256 down) = _scale(tokenDecimals, feedDecimals, quoteDecimals);
        return Math.mulDiv(amount, price * up * factorBps, down * BPS, rounding);
    }

    /// @notice Inverse of `toValue`: token units whose value (times `factorBps` / 10,000) is `value`.
    function toAmount(
        uint256 value,
        uint256 price,
        uint256 factorBps,
        uint8 tokenDecimals,
        uint8 feedDecimals,
        uint8 quoteDecimals,
        Math.Rounding rounding
    ) internal pure returns (uint256) {
        (uint256 up, uint256 down) = _scale(tokenDecimals, feedDecimals, quoteDecimals);
        return Math.mulDiv(value, down * BPS, price * up * factorBps, rounding);
    }

    /// @dev Splits 10^(quote - token - feed) into a multiplier and a divisor, one of which is 1.
    ///      Decimals are bounded at configuration (each <= 36), so 10^72 * BPS < 2^256.
    function _scale(
        uint8 tokenDecimals,
        uint8 feedDecimals,
        uint8 quoteDecimals
    ) private pure returns (uint256 up, uint256 down) {
        uint256 source = uint256(tokenDecimals) + feedDecimals;
        if (source >= quoteDecimals) return (1, 10 ** (source - quoteDecimals));
        return (10 ** (quoteDecimals - source), 1);
    }
}
