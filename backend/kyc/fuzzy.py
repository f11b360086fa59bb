"""Fuzzy name matching for sanctions screening, on rapidfuzz's string metrics.

Names are normalized before comparison: Unicode compatibility folding, diacritics stripped (José → jose),
case folded, punctuation turned into spaces, tokens sorted (so "LI Wei" and "Wei Li" compare equal).
Similarity is the largest of Jaro-Winkler on the sorted-token strings, a token-set ratio (which
tolerates a missing middle name) and a token alignment (which pairs tokens whose sorted order differs,
"Alexandra Berezniak" and "Oleksandra Bereznyak").
"""

from __future__ import annotations

import unicodedata

from rapidfuzz import fuzz
from rapidfuzz.distance import Jaro, JaroWinkler


def normalize_name(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = stripped.casefold().replace("ß", "ss")
    cleaned = "".join(ch if ch.isalnum() else " " for ch in folded)
    return " ".join(sorted(cleaned.split()))


def jaro(a: str, b: str) -> float:
    return Jaro.normalized_similarity(a, b)


def jaro_winkler(a: str, b: str) -> float:
    return JaroWinkler.normalized_similarity(a, b, prefix_weight=0.1)


def token_set_ratio(a: str, b: str) -> float:
    """1.0 when one name's tokens are a subset of the other's (a dropped middle name)."""
    return fuzz.token_set_ratio(a, b) / 100


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
