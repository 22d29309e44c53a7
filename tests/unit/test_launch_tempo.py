"""Tempo: a burst against a quiet history, several launches in one day, a first launch from a new site."""

from __future__ import annotations

import pytest

from streams.launch import LaunchConfig, LaunchState
from streams.launch.config import DAY_S, YEAR_S
from streams.launch.tempo import TempoState, poisson_tail, score_and_learn
from tests.unit.launch_support import T0, detection, detector

CFG = LaunchConfig()


def test_poisson_tail_by_hand() -> None:
    # P(N >= 3 | 0.5) = 1 - e^-0.5 (1 + 0.5 + 0.125) = 1 - 0.606531 x 1.625 = 0.014388
    assert poisson_tail(3, 0.5) == pytest.approx(0.014388, abs=1e-6)
    assert poisson_tail(0, 0.5) == 1.0 and poisson_tail(1, 0.0) == 0.0
    # Tiny tails are summed directly: P(N >= 3 | 1e-5) ~ mean^3 / 6.
    assert poisson_tail(3, 1e-5) == pytest.approx(1e-15 / 6, rel=1e-4)


def _quiet_history(state: TempoState, years: int = 5) -> float:
    """One launch a year from the same site; returns the time of the last."""
    t = T0
    for year in range(years):
        t = T0 + year * YEAR_S
        score_and_learn(state, t, "hodo", None, CFG)
    return t


def test_burst_after_a_quiet_history() -> None:
    state = TempoState()
    last = _quiet_history(state)
    start = last + 100 * DAY_S
    facts = [score_and_learn(state, start + i * DAY_S, "hodo", None, CFG) for i in range(4)]
    assert [f["burst"] for f in facts] == [False, False, True, True]
    third = facts[2]
    assert third["launch_days_in_burst_window"] == 3
    assert third["baseline_launch_days_per_year"] == pytest.approx(1.0, abs=0.3)  # one a year, learned
    assert third["burst_p_value"] < CFG.burst_p_value and third["burst_score"] > 3.0
    # Hand check of the tail at that baseline: mean = rate x 7 d, P(N >= 3) ~ mean^3 / 6.
    mean = third["expected_launch_days_in_window"]
    assert mean == pytest.approx(third["baseline_launch_days_per_year"] * 7 / 365.25, rel=1e-2)
    assert third["burst_p_value"] == pytest.approx(mean**3 / 6, rel=0.05)


def test_a_salvo_on_one_day_is_several_in_one_day_but_not_a_burst() -> None:
    state = TempoState()
    last = _quiet_history(state)
    facts = [score_and_learn(state, last + 100 * DAY_S + i * 60.0, "hodo", None, CFG) for i in range(10)]
    assert {f["launch_days_in_burst_window"] for f in facts} == {1}
    assert not any(f["burst"] for f in facts) and facts[-1]["several_in_one_day"]
    assert facts[-1]["launches_in_day_window"] == 10 and state.launches == 15


def test_no_burst_without_history() -> None:
    state = TempoState()
    facts = [score_and_learn(state, T0 + i * 3600.0, "hodo", None, CFG) for i in range(5)]
    assert not any(f["burst"] for f in facts)  # nothing to compare with yet
    assert facts[-1]["baseline_from_history"] is False


def test_a_busy_history_is_not_a_burst() -> None:
    state = TempoState()
    t = T0
    for week in range(150):  # launches on three days a week for ~3 years
        for i in range(3):
            t = T0 + week * 7 * DAY_S + i * 2 * DAY_S
            score_and_learn(state, t, "hodo", None, CFG)
    facts = score_and_learn(state, t + 1 * DAY_S, "hodo", None, CFG)
    assert facts["baseline_launch_days_per_year"] == pytest.approx(3 * 52.18, rel=0.1)
    assert not facts["burst"]


def test_several_launches_in_one_day() -> None:
    state = TempoState()
    facts = [score_and_learn(state, T0 + i * 5 * 3600.0, "hodo", None, CFG) for i in range(3)]
    assert [f["launches_in_day_window"] for f in facts] == [1, 2, 3]
    assert [f["several_in_one_day"] for f in facts] == [False, False, True]
    later = score_and_learn(state, T0 + 3 * DAY_S, "hodo", None, CFG)
    assert later["launches_in_day_window"] == 1 and not later["several_in_one_day"]


def test_first_launch_from_a_new_site() -> None:
    state = TempoState()
    assert score_and_learn(state, T0, "hodo", None, CFG)["new_site"] is True
    assert score_and_learn(state, T0 + DAY_S, "hodo", None, CFG)["new_site"] is False
    assert score_and_learn(state, T0 + 2 * DAY_S, "39.9,128.7", None, CFG)["new_site"] is True
    # A site the table says was used before this day is not new, even to a fresh model ...
    assert score_and_learn(TempoState(), T0, "sohae", T0 - YEAR_S, CFG)["new_site"] is False
    # ... but it is on its first recorded day (a replay of the database itself).
    day = T0 - T0 % DAY_S
    assert score_and_learn(TempoState(), T0, "pyongsong", day, CFG)["new_site"] is True


def test_detector_puts_tempo_facts_in_evidence_and_score() -> None:
    run, state = detector(), LaunchState()
    alerts = [run.on_detection(state, detection(f"j-{i}", T0 + i * 3600.0, "JP-MoD", 39.40167, 127.5369, range_km=400.0, azimuth_deg=330.0))[0] for i in range(3)]
    first, third = alerts[0].evidence["tempo"], alerts[2].evidence["tempo"]
    assert first["new_site"] is False and first["site_key"] == "hodo"  # Hodo was used from 2013 on
    assert third["several_in_one_day"] is True and third["launches_before"] == 2
    assert alerts[2].severity == "medium"  # tempo raises the score, not the severity
    assert alerts[2].evidence["score_terms"]["tempo_flags"] == pytest.approx(0.03)
    assert alerts[2].score == pytest.approx(0.53)


def test_state_round_trip() -> None:
    state = TempoState()
    _quiet_history(state, 3)
    again = TempoState.from_dict(state.to_dict())
    assert again == state
    assert score_and_learn(again, T0 + 4 * YEAR_S, "hodo", None, CFG) == score_and_learn(state, T0 + 4 * YEAR_S, "hodo", None, CFG)
