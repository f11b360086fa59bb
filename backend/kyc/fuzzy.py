"""Fuzzy name matching for sanctions screening, in pure Python.

Names are normalized before comparison: Unicode compatibility folding, diacritics stripped (José → jose),
case folded, punctuation turned into spaces, tokens sorted (so "LI Wei" and "Wei Li" compare equal).
Similarity is the larger of Jaro-Winkler on the sorted-token strings and a token-set ratio (difflib),
which tolerates a missing middle name.
"""

from __future__ import annotations

import unicodedata
from difflib import SequenceMatcher


def normalize_name(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = stripped.casefold().replace("ß", "ss")
    cleaned = "".join(ch if ch.isalnum() else " " for ch in folded)
    return " ".join(sorted(cleaned.split()))


def jaro(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    window = max(max(len(a), len(b)) // 2 - 1, 0)
    a_flags = [False] * len(a)
    b_flags = [False] * len(b)
    matches = 0
    for i, ch in enumerate(a):
        for j in range(max(0, i - window), min(len(b), i + window + 1)):
            if not b_flags[j] and b[j] == ch:
                a_flags[i] = b_flags[j] = True
                matches += 1
                break
    if matches == 0:
        return 0.0
    a_matched = [a[i] for i in range(len(a)) if a_flags[i]]
    b_matched = [b[j] for j in range(len(b)) if b_flags[j]]
    transpositions = sum(1 for x, y in zip(a_matched, b_matched, strict=True) if x != y)
    t = transpositions / 2
    return (matches / len(a) + matches / len(b) + (matches - t) / matches) / 3


def jaro_winkler(a: str, b: str, prefix_scale: float = 0.1) -> float:
    score = jaro(a, b)
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):  # the shorter prefix bounds it
        if x != y:
            break
        prefix += 1
    return score + prefix * prefix_scale * (1 - score)


def _ratio(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b).ratio() if a or b else 1.0


def token_set_ratio(a: str, b: str) -> float:
    """Compares the shared tokens with each side's full token set; 1.0 when one name's tokens are a
    subset of the other's (a dropped middle name)."""
    ta, tb = set(a.split()), set(b.split())
    common = " ".join(sorted(ta & tb))
    rest_a = " ".join(sorted(ta - tb))
    rest_b = " ".join(sorted(tb - ta))
    full_a = f"{common} {rest_a}".strip()
    full_b = f"{common} {rest_b}".strip()
    if not common:
        return _ratio(full_a, full_b)
    return max(_ratio(common, full_a), _ratio(common, full_b), _ratio(full_a, full_b))


def token_alignment(a: str, b: str) -> float:
    """Pairs each token of the shorter name with its most similar unused token of the other name
    (greedy on Jaro-Winkler) and averages the pair scores weighted by token length. Sorting tokens
    alone is not enough: "Alexandra Berezniak" and "Oleksandra Bereznyak" sort in different orders."""
    ta, tb = a.split(), b.split()
    if len(ta) > len(tb):
        ta, tb = tb, ta
    pairs = sorted(
        ((jaro_winkler(x, y), i, j) for i, x in enumerate(ta) for j, y in enumerate(tb)), reverse=True
    )
    used_a: set[int] = set()
    used_b: set[int] = set()
    weighted = weight = 0.0
    for score, i, j in pairs:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        w = len(ta[i]) + len(tb[j])
        weighted += score * w
        weight += w
    return weighted / weight if weight else 0.0


def name_similarity(a: str, b: str) -> float:
    na, nb = normalize_name(a), normalize_name(b)
    if not na or not nb:
        return 0.0
    if na == nb:
        return 1.0
    whole = jaro_winkler(na, nb)
    # A single shared token ("Wei") must not make two different people a subset match.
    if min(len(na.split()), len(nb.split())) < 2:
        return whole
    return max(whole, token_set_ratio(na, nb), token_alignment(na, nb))
