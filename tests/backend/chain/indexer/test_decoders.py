"""The decoder's fast path for static words agrees with eth_abi; dynamic data falls back to eth_abi."""

import random

from eth_abi import decode, encode
from eth_utils import keccak

from backend.chain.indexer.decoders import EventDecoder, _word

STATIC = [
    ("uint256", lambda r: r.getrandbits(256)),
    ("int64", lambda r: r.randint(-(2**63), 2**63 - 1)),
    ("uint8", lambda r: r.getrandbits(8)),
    ("bool", lambda r: r.random() < 0.5),
    ("bytes32", lambda r: r.randbytes(32)),
    ("bytes4", lambda r: r.randbytes(4)),
    ("address", lambda r: "0x" + r.randbytes(20).hex()),
]


def test_static_words_match_eth_abi():
    rng = random.Random(7)  # noqa: S311 - reproducible test values
    for typ, gen in STATIC:
        for _ in range(100):
            word = encode([typ], [gen(rng)])
            expected = decode([typ], word)[0]
            expected = "0x" + expected.hex() if isinstance(expected, bytes) else expected
            got = _word(word, typ)
            assert (got.lower() == expected.lower()) if typ == "address" else got == expected


def test_event_with_indexed_and_dynamic_data():
    abi = [
        {
            "type": "event",
            "name": "Note",
            "anonymous": False,
            "inputs": [
                {"name": "id", "type": "uint64", "indexed": True},
                {"name": "who", "type": "address", "indexed": True},
                {"name": "blob", "type": "bytes", "indexed": False},
                {"name": "amount", "type": "uint256", "indexed": False},
            ],
        }
    ]
    decoder = EventDecoder()
    decoder.add("Thing", "0x" + "11" * 20, abi)
    who = "0x" + "ab" * 20
    log = {
        "address": "0x" + "11" * 20,
        "blockNumber": 5,
        "logIndex": 2,
        "blockHash": "0x" + "00" * 32,
        "transactionHash": "0x" + "01" * 32,
        "topics": [
            "0x" + keccak(text="Note(uint64,address,bytes,uint256)").hex(),
            "0x" + encode(["uint64"], [9]).hex(),
            "0x" + encode(["address"], [who]).hex(),
        ],
        "data": "0x" + encode(["bytes", "uint256"], [b"\x01\x02", 10**30]).hex(),
    }
    event = decoder.decode(log)
    assert event.event == "Note" and list(event.args) == ["id", "who", "blob", "amount"]
    assert event.args["id"] == 9 and event.args["who"].lower() == who and event.args["blob"] == "0x0102"
    assert event.args["amount"] == 10**30
    assert decoder.decode({**log, "topics": ["0x" + "00" * 32]}) is None
