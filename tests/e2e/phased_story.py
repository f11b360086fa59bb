"""A story told once, forward, to whichever phase a test asks for.

Tests that each check one phase share one run of the story: `story.at("drawn")` runs every phase up to
and including "drawn" that has not run yet, then hands back the context. Run in file order, the story
runs once; a test run alone (`-k`) runs the phases before it. Nothing is ever run twice or undone, so a
test asking for a phase the story has already left is refused with a message saying so, and after a
phase fails no later phase runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

Ctx = TypeVar("Ctx")


class PhaseOrderError(RuntimeError):
    """A phase was asked for that the story cannot reach from where it is."""


class PhasedStory(Generic[Ctx]):
    def __init__(
        self,
        ctx: Ctx,
        phases: Sequence[tuple[str, Callable[[Ctx], None]]],
        after: Callable[[str], None] = lambda _: None,
    ):
        """`after(name)` runs once after each phase (the test's expectations follow the story there);
        if it raises, the phase counts as failed."""
        self.ctx = ctx
        self.names = [name for name, _ in phases]
        if len(set(self.names)) != len(self.names):
            raise ValueError(f"phase names repeat: {self.names}")
        self._phases = list(phases)
        self._after = after
        self.done = 0  # how many phases have run
        self.failed: str | None = None

    @property
    def phase(self) -> str | None:
        """The last phase run, None before the first."""
        return self.names[self.done - 1] if self.done else None

    def at(self, phase: str) -> Ctx:
        if phase not in self.names:
            raise PhaseOrderError(f"no phase {phase!r} in the story; its phases are {', '.join(self.names)}")
        if self.failed is not None:
            raise PhaseOrderError(f"the story failed in phase {self.failed!r}, so it cannot reach {phase!r}")
        target = self.names.index(phase) + 1
        if target < self.done:
            raise PhaseOrderError(
                f"the story is at {self.phase!r}, past {phase!r}, and never goes backwards: a test of "
                f"{phase!r} must run before any test of a later phase"
            )
        while self.done < target:
            name, run = self._phases[self.done]
            try:
                run(self.ctx)
                self._after(name)
            except BaseException:
                self.failed = name
                raise
            self.done += 1
        return self.ctx
