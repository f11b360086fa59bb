// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {INoteMarket} from "../interfaces/INoteMarket.sol";
import {NoteIds} from "../common/NoteIds.sol";
import {BPS} from "../common/Constants.sol";
import {BoundedMath} from "../common/BoundedMath.sol";
import {LoanMarketBase} from "../lending/LoanMarketBase.sol";
import {NotePricing} from "./NotePricing.sol";
import {ResaleOffer} from "./ResaleOffer.sol";

/// @title The note market's two hot paths, offer and buy, run in LoanMarket itself (see {INoteMarket})
/// @dev In the core rather than the extension, and not a contract of its own, for gas: a purchase then
///      moves the note, settles the seller's unclaimed earnings and takes the fee with no call between
///      contracts and two token transfers (buyer to market, market to seller), reading the offer from
///      the slot that holds the note's claim checkpoint (see ResaleOffer). A separate contract would
///      pay an approval check, a call into the market per note and a third transfer for the seller's
///      earnings. Signed (off-chain) offers were the other option: they cost nothing to list, but a
///      purchase would pay for a signature check, longer calldata and a fresh "used" slot per sale, and a
///      transfer could not void them without per-note state written on every transfer.
abstract contract NoteResale is INoteMarket, LoanMarketBase {
    using SafeERC20 for IERC20;

    /// @inheritdoc INoteMarket
    /// @dev Checked against par at the loan's last accrual and gross of fees (the purchase re-checks
    ///      exactly): reads two loan slots instead of seven, to keep an offer under 60,000 gas. A frozen
    ///      seller may offer; the purchase refuses it.
    function offerNote(uint256 noteId, uint256 price, uint256 expiry) external {
        MarketConfig memory c = _config;
        if (c.paused) revert MarketPaused();
        (address holder, uint256 share) = _noteOf(noteId);
        if (holder != msg.sender) revert NotNoteHolder(msg.sender, noteId);
        ResaleOffer.requireValidExpiry(expiry);
        Loan storage loan = _loans[NoteIds.loanOf(noteId)];
        // zero for a listing not yet drawn, and for a loan repaid in full: nothing to sell
        uint256 owed = uint256(loan.principalOutstanding) + loan.interestUnpaid;
        if (owed == 0) revert NoteNotForSale(noteId);
        uint256 cap = Math.min((((share * owed) / loan.funded) * (BPS + c.maxPremiumBps)) / BPS, type(uint96).max);
        if (price == 0 || price > cap) revert ResalePriceOutOfBounds(noteId, price, cap);
        _checkpoint[noteId] = ResaleOffer.withOffer(_checkpoint[noteId], price, expiry);
        emit NoteOffered(noteId, msg.sender, price, expiry);
    }

    /// @inheritdoc INoteMarket
    function buyNote(
        uint256 noteId,
        uint256 maxPrice,
        bool acceptDistressed
    ) external nonReentrant returns (uint256 price) {
        MarketConfig memory c = _config;
        if (c.paused) revert MarketPaused();
        uint256 word = _checkpoint[noteId];
        price = ResaleOffer.price(word);
        if (price == 0) revert NoOffer(noteId); // also every note that does not exist
        uint256 expiry = ResaleOffer.expiry(word);
        if (block.timestamp > expiry) revert OfferExpired(noteId, expiry);
        if (price > maxPrice) revert PriceAboveLimit(noteId, price, maxPrice);
        (address seller, uint256 share) = _noteOf(noteId);
        if (seller == msg.sender) revert CannotBuyOwnNote(noteId);
        uint256 acc = _checkSale(noteId, seller, share, price, c, acceptDistressed);

        // The seller is paid what the note earned up to now, and the offer is spent, in one write.
        uint256 earned = _claimableOf(share, acc, ResaleOffer.checkpoint(word));
        _checkpoint[noteId] = acc;
        _notes[noteId] = _packNote(msg.sender, share);
        uint256 fee = BoundedMath.mulDivUp(price, c.resaleFeeBps, BPS);
        if (fee != 0) _pending.treasury += uint128(fee);
        emit NoteSold(noteId, seller, msg.sender, price, fee, earned);
        _pull(msg.sender, price);
        _token.safeTransfer(seller, price - fee + earned);
        _note.transferBySale(seller, msg.sender, noteId);
    }

    /// @dev What a purchase requires beyond the offer: something left to sell, distress accepted, the
    ///      price within bounds, a seller not frozen and a buyer who may hold the note.
    /// @return the loan's accumulator, to which the seller is paid
    function _checkSale(
        uint256 noteId,
        address seller,
        uint256 share,
        uint256 price,
        MarketConfig memory c,
        bool acceptDistressed
    ) private view returns (uint256) {
        uint256 loanId = NoteIds.loanOf(noteId);
        Loan memory loan = _loans[loanId];
        _requireForSale(noteId, loan);
        NotePricing.Valuation memory v = NotePricing.valuation(loan, share, _daysPastDue(loanId, loan));
        if (v.distressed && !acceptDistressed) revert NoteDistressed(noteId, v.daysPastDue);
        if (!NotePricing.withinBounds(loan, share, v, c, block.timestamp, price)) {
            revert ResalePriceOutOfBounds(noteId, price, NotePricing.maxPrice(loan, share, v, c, block.timestamp));
        }
        _requireNotFrozen(seller);
        _requireCanHold(msg.sender, loan.borrower, loan.grade, loanId);
        return loan.accPerShare;
    }
}
