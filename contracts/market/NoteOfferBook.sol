// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {NoteIds} from "../common/NoteIds.sol";
import {BPS} from "../common/Constants.sol";
import {LoanMarketExtBase} from "../lending/extension/LoanMarketExtBase.sol";
import {NotePricing} from "./NotePricing.sol";
import {ResaleOffer} from "./ResaleOffer.sol";

/// @title The note market's cold paths, in the loan market's extension: a whole book of notes offered at
///        one discount (early exit), cancellation, the offer view and the resale terms (see {INoteMarket})
abstract contract NoteOfferBook is LoanMarketExtBase {
    uint256 internal constant MAX_RESALE_FEE_BPS = 100;
    uint256 internal constant MAX_PREMIUM_BPS = 2_000;
    uint256 internal constant MAX_MIN_YIELD_BPS = 5_000;

    /// @notice Note holder: offers each of `noteIds` at its par now less `discountBps` (early exit, 提前赎回),
    ///         until `expiry`. Each price is checked as `offerNote` checks one.
    /// @return total what the offers would raise at their prices, before the resale fee
    function offerNotes(
        uint256[] calldata noteIds,
        uint16 discountBps,
        uint256 expiry
    ) external returns (uint256 total) {
        MarketConfig memory c = _config;
        if (c.paused) revert MarketPaused();
        if (discountBps >= BPS) revert ParameterOutOfBounds("discountBps", discountBps, BPS - 1);
        ResaleOffer.requireValidExpiry(expiry);
        for (uint256 i; i < noteIds.length; ++i) {
            uint256 noteId = noteIds[i];
            (address holder, uint256 share) = _noteOf(noteId);
            if (holder != msg.sender) revert NotNoteHolder(msg.sender, noteId);
            uint256 loanId = NoteIds.loanOf(noteId);
            Loan memory loan = _loans[loanId];
            _requireForSale(noteId, loan);
            NotePricing.Valuation memory v = NotePricing.valuation(loan, share, _daysPastDue(loanId, loan));
            uint256 price = (v.par * (BPS - discountBps)) / BPS;
            if (!NotePricing.withinBounds(loan, share, v, c, block.timestamp, price) || price > type(uint96).max) {
                revert ResalePriceOutOfBounds(noteId, price, NotePricing.maxPrice(loan, share, v, c, block.timestamp));
            }
            _checkpoint[noteId] = ResaleOffer.withOffer(_checkpoint[noteId], price, expiry);
            emit NoteOffered(noteId, msg.sender, price, expiry);
            total += price;
        }
    }

    /// @notice Note holder: withdraws the offers of `noteIds` (each must have one).
    function cancelOffers(uint256[] calldata noteIds) external {
        for (uint256 i; i < noteIds.length; ++i) {
            uint256 noteId = noteIds[i];
            (address holder, ) = _noteOf(noteId);
            if (holder != msg.sender) revert NotNoteHolder(msg.sender, noteId);
            uint256 word = _checkpoint[noteId];
            if (!ResaleOffer.hasOffer(word)) revert NoOffer(noteId);
            _checkpoint[noteId] = ResaleOffer.checkpoint(word);
            emit NoteOfferCancelled(noteId, msg.sender);
        }
    }

    /// @return price 0 when `noteId` has no offer
    /// @return expiry unix seconds; the offer cannot be bought after it
    function noteOffer(uint256 noteId) external view returns (uint256 price, uint256 expiry) {
        uint256 word = _checkpoint[noteId];
        return (ResaleOffer.price(word), ResaleOffer.expiry(word));
    }

    /// @notice RISK_ROLE: the seller's fee (at most 1%), the premium over par a note may sell at, and the
    ///         lowest yield to maturity a note that is not distressed may sell at.
    function setResaleTerms(uint16 feeBps, uint16 maxPremiumBps, uint16 minYieldBps) external onlyRole(RISK_ROLE) {
        _bound("resaleFeeBps", feeBps, MAX_RESALE_FEE_BPS);
        _bound("maxPremiumBps", maxPremiumBps, MAX_PREMIUM_BPS);
        _bound("minYieldBps", minYieldBps, MAX_MIN_YIELD_BPS);
        MarketConfig storage c = _config;
        c.resaleFeeBps = feeBps;
        c.maxPremiumBps = maxPremiumBps;
        c.minYieldBps = minYieldBps;
        emit ResaleTermsSet(feeBps, maxPremiumBps, minYieldBps);
    }
}
