"""Contract tests draw no unseeded randomness: `make test` runs the same data every time, so a failure
replays. Random keys, `random`, `secrets` and `os.urandom` are refused outright, and every stateful suite
takes its hypothesis settings from helpers/stateful.stateful_settings, which derandomizes unless `make
fuzz` asks for fresh examples (PEERLEND_FUZZ_EXAMPLES)."""

import ast
import re
from pathlib import Path

from helpers.stateful import stateful_settings

TESTS = Path(__file__).resolve().parent
SOURCES = sorted(p for p in TESTS.rglob("*.py") if p != Path(__file__).resolve())
UNSEEDED = re.compile(
    r"\b(import|from) (random|secrets)\b|\b(random|secrets)\.\w+\(|urandom|Account\.create\(|uuid4\("
)


def test_no_unseeded_randomness():
    hits = [
        f"{path.relative_to(TESTS)}:{number}: {line.strip()}"
        for path in SOURCES
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if UNSEEDED.search(line)
    ]
    assert not hits, "unseeded randomness:\n" + "\n".join(hits)


def _state_machine_calls(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "state_machine":
            yield node


def test_every_stateful_suite_takes_the_seeded_settings():
    suites = 0
    for path in SOURCES:
        tree = ast.parse(path.read_text())
        calls = list(_state_machine_calls(tree))
        suites += len(calls)
        for call in calls:
            assert any(k.arg == "settings" for k in call.keywords), f"{path.name}: no settings given"
        if calls:
            names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
            assert "stateful_settings" in names, f"{path.name}: settings not from stateful_settings"
    assert suites >= 5, "the stateful suites were not found"


def test_the_settings_are_fixed_unless_fuzzing(monkeypatch):
    monkeypatch.delenv("PEERLEND_FUZZ_EXAMPLES", raising=False)
    fixed = stateful_settings(20, 10)
    assert fixed["derandomize"] and fixed["database"] is None and fixed["max_examples"] == 20
    monkeypatch.setenv("PEERLEND_FUZZ_EXAMPLES", "300")
    fuzz = stateful_settings(20, 10)
    assert not fuzz["derandomize"] and fuzz["max_examples"] == 300
