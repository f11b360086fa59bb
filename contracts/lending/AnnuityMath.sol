// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {BPS, RAY} from "../common/Constants.sol";
import {BoundedMath} from "../common/BoundedMath.sol";

/// @title Annuity arithmetic in ray (1e27) fixed point
/// @notice Every rounding goes against the borrower by at most one base unit per step, so lenders and
///         the platform are never short; the last installment pays the exact remaining balance.
library AnnuityMath {
    uint256 internal constant YEAR = 365 days;

    /// @return r rate per period in ray: aprBps / 10000 * periodLength / 365 days, rounded up
    function ratePerPeriod(uint256 aprBps, uint256 periodLength) internal pure returns (uint256 r) {
        return BoundedMath.mulDivUp(aprBps * (RAY / BPS), periodLength, YEAR);
    }

    /// @return z x^n for x in ray (rounded down; only used to size the installment)
    function rpow(uint256 x, uint256 n) internal pure returns (uint256 z) {
        z = RAY;
        while (n > 0) {
            if (n & 1 == 1) z = (z * x) / RAY;
            n >>= 1;
            // Skip the last squaring: it is never used and could overflow for large x.
            if (n > 0) x = (x * x) / RAY;
        }
    }

    /// @return installment ceil(P * r * (1+r)^n / ((1+r)^n - 1)); ceil(P / n) at a zero rate
    function installment(uint256 principal, uint256 r, uint256 n) internal pure returns (uint256) {
        if (r == 0) return Math.ceilDiv(principal, n);
        uint256 x = rpow(RAY + r, n); // > RAY since r > 0 and n >= 1
        uint256 factor = Math.mulDiv(r, x, x - RAY, Math.Rounding.Ceil);
        return Math.mulDiv(principal, factor, RAY, Math.Rounding.Ceil);
    }

    /// @return interest on `balance` for one period, rounded up
    /// @dev Plain checked arithmetic, not mulDiv: balances are uint128 and a rate per period is at most
    ///      ~2^90 (100% APR over a year in ray), so the product fits with room to spare, and anything
    ///      that would not reverts instead of wrapping. This runs once per period in schedule walks.
    function interestOn(uint256 balance, uint256 r) internal pure returns (uint256) {
        return (balance * r + (RAY - 1)) / RAY;
    }

    /// @notice One step of the contractual schedule.
    /// @return interest interest part of installment `k` (1-based) on scheduled balance `balance`
    /// @return principalPart principal part; the last period (k == n) pays the whole balance
    function scheduledStep(
        uint256 balance,
        uint256 r,
        uint256 inst,
        uint256 k,
        uint256 n
    ) internal pure returns (uint256 interest, uint256 principalPart) {
        interest = interestOn(balance, r);
        if (k >= n) return (interest, balance);
        principalPart = inst > interest ? inst - interest : 0;
        if (principalPart > balance) principalPart = balance;
    }
}
