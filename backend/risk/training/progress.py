"""Step-by-step progress lines with elapsed time, so a long training run shows where it is."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager


class Progress:
    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stdout
        self.started = time.perf_counter()
        self.timings: dict[str, float] = {}

    def say(self, message: str) -> None:
        print(f"[{time.perf_counter() - self.started:7.2f}s] {message}", file=self.stream, flush=True)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        self.say(f"{name} ...")
        t0 = time.perf_counter()
        yield
        took = time.perf_counter() - t0
        self.timings[name] = round(took, 3)
        self.say(f"{name} done in {took:.2f}s")

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started
