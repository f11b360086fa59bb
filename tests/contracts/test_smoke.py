def test_mint(MockStablecoin, accounts):
    t = MockStablecoin.deploy({"from": accounts[0]})
    t.mint(accounts[1], 10**6, {"from": accounts[0]})
    assert t.balanceOf(accounts[1]) == 10**6
    assert t.decimals() == 6
