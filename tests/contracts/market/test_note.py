import brownie
from market_support import DAY, USD, note_id


def test_note_metadata_and_interfaces(note, market):
    assert note.name() == "PeerLend Loan Note"
    assert note.symbol() == "PLNOTE"
    assert note.market() == market
    assert note.supportsInterface("0x80ac58cd")  # ERC-721
    assert note.supportsInterface("0x5b5e139f")  # metadata
    assert note.supportsInterface("0x01ffc9a7")  # ERC-165
    assert not note.supportsInterface("0x780e9d63")  # no enumerable


def test_transfer_to_eligible_wallet(note, drawn, lenders):
    nid = note_id(drawn, 0)
    tx = note.transferFrom(lenders[0], lenders[7], nid, {"from": lenders[0]})
    assert note.ownerOf(nid) == lenders[7]
    assert note.balanceOf(lenders[0]) == 0 and note.balanceOf(lenders[7]) == 1
    assert note.shareOf(nid) == 2_500 * USD
    assert tx.events["Transfer"]["tokenId"] == nid


def test_transfer_to_ineligible_wallet_reverts(note, identity, drawn, lenders, admin, err):
    identity.freeze(lenders[7], 1, {"from": admin})
    with err("NotEligible", lenders[7]):
        note.transferFrom(lenders[0], lenders[7], note_id(drawn, 0), {"from": lenders[0]})


def test_transfer_by_approved_operator(note, drawn, lenders):
    nid = note_id(drawn, 0)
    note.approve(lenders[8], nid, {"from": lenders[0]})
    assert note.getApproved(nid) == lenders[8]
    note.transferFrom(lenders[0], lenders[8], nid, {"from": lenders[8]})
    assert note.ownerOf(nid) == lenders[8]
    assert note.getApproved(nid) == "0x" + "00" * 20
    note.setApprovalForAll(lenders[9], True, {"from": lenders[8]})
    assert note.isApprovedForAll(lenders[8], lenders[9])
    note.safeTransferFrom(lenders[8], lenders[9], nid, {"from": lenders[9]})
    assert note.ownerOf(nid) == lenders[9]


def test_transfer_without_approval_reverts(note, drawn, lenders, err):
    with err("ERC721InsufficientApproval", lenders[8], note_id(drawn, 0)):
        note.transferFrom(lenders[0], lenders[8], note_id(drawn, 0), {"from": lenders[8]})


def test_transfer_from_wrong_owner_reverts(note, drawn, lenders, err):
    with err("ERC721IncorrectOwner", lenders[1], note_id(drawn, 0), lenders[0]):
        note.transferFrom(lenders[1], lenders[8], note_id(drawn, 0), {"from": lenders[1]})


def test_only_market_mints_and_burns(note, outsider, err):
    with err("NotMarket", outsider):
        note.mint(outsider, 1, {"from": outsider})
    with err("NotMarket", outsider):
        note.burn(outsider, 1, {"from": outsider})


def test_only_the_note_moves_the_ledger(market, drawn, lenders, err):
    with err("NotLoanNote", lenders[0]):
        market.transferNote(lenders[0], lenders[7], note_id(drawn, 0), {"from": lenders[0]})


def test_note_is_bound_to_its_market_at_construction(
    LoanNote,
    LoanMarket,
    LoanMarketExt,
    LoanMarketOrigination,
    LoanMarketRestructuring,
    token,
    identity,
    oracle,
    reserve,
    note,
    market,
    admin,
    outsider,
    err,
):
    assert note.market() == market
    with err("ZeroAddress"):
        LoanNote.deploy(brownie.ZERO_ADDRESS, {"from": admin})
    # a market refuses a note that names another market, so a wrong address fails the deployment
    stray = LoanNote.deploy(outsider, {"from": admin})
    restructuring = LoanMarketRestructuring.deploy(token, identity, oracle, stray, {"from": admin})
    origination = LoanMarketOrigination.deploy(token, identity, oracle, stray, restructuring, {"from": admin})
    ext = LoanMarketExt.deploy(token, identity, oracle, stray, origination, {"from": admin})
    with err("NoteBoundElsewhere", stray, outsider):
        LoanMarket.deploy(token, identity, oracle, stray, ext, reserve, admin, admin, {"from": admin})


def test_safe_transfer_to_non_receiver_contract_reverts(note, drawn, lenders, market, identity, admin, err):
    identity.set(
        market, 2, 5, brownie.chain.time() + 365 * DAY, False, {"from": admin}
    )  # eligible, no receiver
    with err("ERC721InvalidReceiver", market):
        note.safeTransferFrom(lenders[0], market, note_id(drawn, 0), {"from": lenders[0]})


def test_token_uri_and_nonexistent(note, drawn, err):
    assert note.tokenURI(note_id(drawn, 0)) == ""
    with err("ERC721NonexistentToken", 12345):
        note.ownerOf(12345)


def test_note_ids_follow_the_shared_layout(market, note, listed, lenders):
    """The Solidity NoteIds library and its Python twin (backend/loans/note_ids.py) agree."""
    from backend.loans import note_ids

    ids = [market.fund(listed, 1_000 * USD, {"from": lender}).return_value for lender in lenders[:3]]
    assert ids == [note_ids.note_id(listed, i) for i in range(3)]
    for i, nid in enumerate(ids):
        assert note.loanIdOf(nid) == note_ids.loan_of(nid) == listed
        assert note_ids.index_of(nid) == i
