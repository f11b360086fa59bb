// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title x * y / d for products the caller's bounds keep far below 2^256
/// @notice For the accrual and fee arithmetic that runs on every repay, purchase and liquidation: amounts
///         are at most uint128, rates at most 100% APR over a period of at most a year (ray), fees in bps.
///         Their products fit 256 bits with room to spare, so OpenZeppelin's full-precision Math.mulDiv
///         (a 512-bit product and a rounding helper, ~300 gas a call) buys nothing there. The
///         multiplication is checked: a product that would not fit reverts instead of wrapping. Where a
///         product can exceed 256 bits (ray-scaled sums times a share, price conversions), callers keep
///         Math.mulDiv.
library BoundedMath {
    /// @return floor(x * y / d)
    function mulDivDown(uint256 x, uint256 y, uint256 d) internal pure returns (uint256) {
        return (x * y) / d;
    }

    /// @return z ceil(x * y / d)
    function mulDivUp(uint256 x, uint256 y, uint256 d) internal pure returns (uint256 z) {
        uint256 p = x * y; // checked
        // unchecked: p / d + 1 cannot overflow when d >= 2, and d == 1 leaves no remainder; d == 0 panics
        unchecked {
            z = p / d;
            if (z * d != p) z += 1;
        }
    }
}
