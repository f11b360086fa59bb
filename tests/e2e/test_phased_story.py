"""The phased story the lifecycle test runs on: forward only, each phase once."""

from __future__ import annotations

import pytest

from tests.e2e.phased_story import PhasedStory, PhaseOrderError


def _story(fail_in: str | None = None) -> tuple[PhasedStory[list[str]], list[str]]:
    followed: list[str] = []

    def phase(name: str):
        def run(log: list[str]) -> None:
            if name == fail_in:
                raise RuntimeError(f"{name} broke")
            log.append(name)

        return name, run

    return PhasedStory([], [phase(n) for n in ("one", "two", "three")], after=followed.append), followed


def test_asking_for_a_phase_runs_every_phase_before_it_once():
    story, followed = _story()
    assert story.at("two") == ["one", "two"]
    assert followed == ["one", "two"] and story.phase == "two"
    assert story.at("two") == ["one", "two"]  # already there: nothing runs again
    assert story.at("three") == ["one", "two", "three"]
    assert followed == ["one", "two", "three"]


def test_an_earlier_phase_than_the_story_has_reached_is_refused_by_name():
    story, _ = _story()
    story.at("three")
    with pytest.raises(
        PhaseOrderError, match="the story is at 'three', past 'one', and never goes backwards"
    ):
        story.at("one")
    assert story.ctx == ["one", "two", "three"]


def test_an_unknown_phase_is_refused_with_the_story_s_phases():
    story, _ = _story()
    with pytest.raises(PhaseOrderError, match="no phase 'four' in the story; its phases are one, two, three"):
        story.at("four")
    assert story.ctx == []


def test_after_a_failed_phase_no_later_phase_runs():
    story, followed = _story(fail_in="two")
    with pytest.raises(RuntimeError, match="two broke"):
        story.at("three")
    assert (story.ctx, followed, story.failed) == (["one"], ["one"], "two")
    with pytest.raises(PhaseOrderError, match="failed in phase 'two', so it cannot reach 'three'"):
        story.at("three")


def test_a_failing_follower_fails_its_phase():
    def after(name: str) -> None:
        if name == "one":
            raise AssertionError("balances after one")

    story = PhasedStory([], [("one", lambda log: log.append("one")), ("two", lambda log: None)], after=after)
    with pytest.raises(AssertionError, match="balances after one"):
        story.at("two")
    assert story.failed == "one" and story.done == 0


def test_phase_names_must_be_unique():
    with pytest.raises(ValueError, match="phase names repeat"):
        PhasedStory(None, [("one", lambda _: None), ("one", lambda _: None)])
