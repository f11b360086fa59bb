// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ILoanMarketErrors} from "../interfaces/ILoanMarketErrors.sol";

/// @title A note's claim checkpoint and its resale offer, packed in one storage word
/// @notice Low 128 bits: the accumulator value the note has claimed up to (ray; the loan's accumulator
///         is a uint128, so it always fits). High 128 bits: the offer, price (uint96) then expiry
///         (uint32, unix seconds), both zero when the note is not on offer.
/// @dev Why one word: a purchase must read and move the checkpoint anyway (the seller is paid what the
///      note earned), so the offer costs the purchase nothing to read and clear, and an offer on a note
///      that has claimed before costs no fresh storage slot.
library ResaleOffer {
    uint256 internal constant CHECKPOINT_BITS = 128;
    uint256 internal constant EXPIRY_SHIFT = 224;
    /// @notice An offer runs for at most this long.
    uint256 internal constant MAX_DURATION = 90 days;

    /// @dev Reverts unless `expiry_` is in the future and at most MAX_DURATION away (so it fits 32 bits).
    function requireValidExpiry(uint256 expiry_) internal view {
        if (expiry_ <= block.timestamp || expiry_ > block.timestamp + MAX_DURATION) {
            revert ILoanMarketErrors.InvalidOfferExpiry(expiry_, block.timestamp);
        }
    }

    function checkpoint(uint256 word) internal pure returns (uint256) {
        return uint128(word);
    }

    function price(uint256 word) internal pure returns (uint256) {
        return uint96(word >> CHECKPOINT_BITS);
    }

    function expiry(uint256 word) internal pure returns (uint256) {
        return word >> EXPIRY_SHIFT;
    }

    function hasOffer(uint256 word) internal pure returns (bool) {
        return word >> CHECKPOINT_BITS != 0;
    }

    /// @return the word with its offer replaced (price and expiry must fit uint96 and uint32)
    function withOffer(uint256 word, uint256 price_, uint256 expiry_) internal pure returns (uint256) {
        return uint128(word) | (price_ << CHECKPOINT_BITS) | (expiry_ << EXPIRY_SHIFT);
    }

    /// @return the word with a new checkpoint and its offer kept
    function withCheckpoint(uint256 word, uint256 checkpoint_) internal pure returns (uint256) {
        return ((word >> CHECKPOINT_BITS) << CHECKPOINT_BITS) | checkpoint_;
    }
}
