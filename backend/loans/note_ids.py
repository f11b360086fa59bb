"""The layout of a loan note's id, as contracts/common/NoteIds.sol defines it: noteId = loanId << 32 | index.

Pure integer arithmetic with no imports, so the Brownie environment (contract tests, deploy scripts)
uses it as well as the service, the demo and the end-to-end tests. A contract test checks it against
the Solidity library.
"""

from __future__ import annotations

INDEX_BITS = 32
INDEX_MASK = (1 << INDEX_BITS) - 1


def note_id(loan_id: int, index: int) -> int:
    if not 0 <= index <= INDEX_MASK:
        raise ValueError(f"note index {index} does not fit {INDEX_BITS} bits")
    return (loan_id << INDEX_BITS) | index


def loan_of(note: int) -> int:
    return note >> INDEX_BITS


def index_of(note: int) -> int:
    return note & INDEX_MASK
