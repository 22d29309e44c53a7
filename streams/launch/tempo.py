"""Tempo: an online model of the launch rate that flags bursts, several launches in one day, and the
first launch from a new site.

Rate model: an exponentially weighted Poisson rate of *launch days* (UTC days with at least one
launch; a salvo of many missiles is one event for it), scored before it learns (river's protocol:
`score_one`, then `learn_one`):

- each launch day adds 1, at the day's start, to a count that decays with half-life H:
  ``C(t) = sum_i 2^(-(t - t_i)/H)``. A Poisson process of rate r observed over [t0, t1] has
  ``E[C(t)] = r (H/ln 2)(2^(-(t - t1)/H) - 2^(-(t - t0)/H))``, so dividing the count by that
  exposure gives an unbiased rate during warm-up too (the correction Adam applies to its moments);
- the baseline leaves out the burst window itself: launch days before it over the exposure from
  the first launch day to the window's start, floored at `tempo_min_rate_per_year`;
- burst: n launch days in the last `burst_window_days` (today included) with Poisson tail
  ``p = P(N >= n | mean = r W)`` below `burst_p_value`, n >= `burst_min_days`, and at least
  `tempo_min_history_s` of history before the window. The score is -log10 p.

Every launch is learned, flagged or not: unlike evasion in AIS, a testing campaign that goes on is
the new normal, and refusing to learn it would pin the baseline to the quietest years.

Several in one day: at least `several_per_day` launches (reports fused into one launch count once)
within `day_window_s`, this one included. New site: a site (or a 0.1-degree cell for a launch point
away from known sites) the model has not seen, unless the site table records an earlier first
launch there (so a worker started today does not call Sohae new).

Reference for the rate-burst idea: Kleinberg, "Bursty and hierarchical structure in streams",
KDD 2002; the windowed Poisson tail on an EWMA rate is the streaming simplification DOMAIN notes
suggest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from streams.launch.config import DAY_S, YEAR_S, LaunchConfig

LN2 = math.log(2.0)


@dataclass
class TempoState:
    decayed_days: float = 0.0
    """Decayed count C of launch days at `updated_s`."""
    updated_s: float | None = None
    """Start of the newest launch day counted."""
    first_day_s: float | None = None
    """Start of the first launch day."""
    launches: int = 0
    recent_s: list[float] = field(default_factory=list)
    """Launch times within `day_window_s` of the newest one, ascending."""
    recent_days: list[int] = field(default_factory=list)
    """Launch days (days since the epoch, UTC) within the burst window of the newest, ascending."""
    sites_seen: list[str] = field(default_factory=list)
    """Site keys seen, sorted (lists keep the state plain JSON)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "decayed_days": self.decayed_days,
            "updated_s": self.updated_s,
            "first_day_s": self.first_day_s,
            "launches": self.launches,
            "recent_s": list(self.recent_s),
            "recent_days": list(self.recent_days),
            "sites_seen": list(self.sites_seen),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TempoState:
        return cls(
            decayed_days=float(data.get("decayed_days", 0.0)),
            updated_s=data.get("updated_s"),
            first_day_s=data.get("first_day_s"),
            launches=int(data.get("launches", 0)),
            recent_s=[float(t) for t in data.get("recent_s", [])],
            recent_days=[int(d) for d in data.get("recent_days", [])],
            sites_seen=list(data.get("sites_seen", [])),
        )


def poisson_tail(n: int, mean: float) -> float:
    """P(N >= n) for N ~ Poisson(mean): 1 - CDF, or the upper sum itself when that is tiny
    (where 1 - CDF would cancel to 0).

    >>> round(poisson_tail(3, 0.5), 5)
    0.01439
    """
    if n <= 0:
        return 1.0
    if mean <= 0.0:
        return 0.0
    pmf = math.exp(-mean)
    cdf = 0.0
    for k in range(n):
        if k:
            pmf *= mean / k
        cdf += pmf
    if 1.0 - cdf > 1e-6:
        return 1.0 - cdf
    term = math.exp(-mean + n * math.log(mean) - math.lgamma(n + 1))
    total, k = 0.0, n
    while term > total * 1e-17:
        total += term
        k += 1
        term *= mean / k
    return total


def _weight(at_s: float, now_s: float, half_life_s: float) -> float:
    return 2.0 ** (-(now_s - at_s) / half_life_s)


def score_and_learn(
    state: TempoState, t_s: float, site_key: str, site_first_launch_s: float | None, config: LaunchConfig
) -> dict[str, Any]:
    """Tempo facts for a new launch at `t_s` (scored on the history before it), then learn it."""
    h = config.tempo_half_life_s
    day = math.floor(t_s / DAY_S)
    day_s = day * DAY_S
    window_days = config.burst_window_days
    window_start_s = (day - window_days + 1) * DAY_S
    days_in_window = {d for d in state.recent_days if day - window_days < d <= day} | {day}
    n_window = len(days_in_window)
    n_day = 1 + sum(1 for s in state.recent_s if t_s - config.day_window_s < s <= t_s)

    baseline_per_s: float | None = None
    history_s = 0.0 if state.first_day_s is None else max(0.0, window_start_s - state.first_day_s)
    if state.updated_s is not None and state.first_day_s is not None and history_s > 0.0:
        count_now = state.decayed_days * _weight(state.updated_s, day_s, h) if day_s >= state.updated_s else state.decayed_days
        count_window = sum(_weight(d * DAY_S, day_s, h) for d in days_in_window if d in state.recent_days)
        older = max(0.0, count_now - count_window)
        exposure_s = (h / LN2) * (_weight(window_start_s, day_s, h) - _weight(state.first_day_s, day_s, h))
        baseline_per_s = older / exposure_s if exposure_s > 0.0 else None
    floor_per_s = config.tempo_min_rate_per_year / YEAR_S
    rate_per_s = max(floor_per_s, baseline_per_s if baseline_per_s is not None else 0.0)
    expected = rate_per_s * window_days * DAY_S
    p_value = poisson_tail(n_window, expected)
    enough_history = history_s >= config.tempo_min_history_s
    burst = enough_history and n_window >= config.burst_min_days and p_value < config.burst_p_value

    seen = site_key in state.sites_seen
    recorded_before = site_first_launch_s is not None and site_first_launch_s < day_s
    facts = {
        "launch_days_in_burst_window": n_window,
        "burst_window_days": window_days,
        "baseline_launch_days_per_year": round(rate_per_s * YEAR_S, 3),
        "baseline_from_history": baseline_per_s is not None,
        "expected_launch_days_in_window": round(expected, 4),
        "burst_p_value": float(f"{p_value:.4g}"),
        "burst_score": round(-math.log10(max(p_value, 1e-300)), 3),
        "burst": burst,
        "history_before_window_s": round(history_s, 1),
        "launches_in_day_window": n_day,
        "day_window_s": config.day_window_s,
        "several_in_one_day": n_day >= config.several_per_day,
        "site_key": site_key,
        "new_site": not seen and not recorded_before,
        "site_seen_before": seen,
        "site_recorded_before": recorded_before,
        "launches_before": state.launches,
    }
    _learn(state, t_s, day, site_key, config)
    return facts


def _learn(state: TempoState, t_s: float, day: int, site_key: str, config: LaunchConfig) -> None:
    h = config.tempo_half_life_s
    day_s = day * DAY_S
    if day not in state.recent_days:
        if state.updated_s is None:
            state.decayed_days, state.updated_s = 1.0, day_s
        elif day_s >= state.updated_s:
            state.decayed_days = state.decayed_days * _weight(state.updated_s, day_s, h) + 1.0
            state.updated_s = day_s
        else:  # a late report of an earlier day: add its weight as of the model's time
            state.decayed_days += _weight(day_s, state.updated_s, h)
    state.first_day_s = day_s if state.first_day_s is None else min(state.first_day_s, day_s)
    state.launches += 1
    newest_day = max(day, math.floor((state.updated_s or day_s) / DAY_S))
    state.recent_days = sorted({d for d in state.recent_days if d > newest_day - config.burst_window_days} | {day})
    newest_s = max([t_s, *state.recent_s])
    state.recent_s = sorted([s for s in state.recent_s if s > newest_s - config.day_window_s] + [t_s])
    if site_key not in state.sites_seen:
        state.sites_seen = sorted([*state.sites_seen, site_key])
