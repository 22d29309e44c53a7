"""`draft_change`: the reported draught changes by a cargo's worth at sea, away from any port.

A laden or discharged draught between two static reports while the vessel is far from ports is
the trace a ship-to-ship transfer leaves; across a gap in its AIS, it is the pattern compliance
platforms flag (Pole Star PurpleTRAC "draught change across a gap", DOMAIN.md). Draught is typed
in by the crew (AIS type 5, 0.1 m steps), so small changes and ports are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from streams.detectors.common import DPRK_MID, mid_of, severity_for_score, vessel_ref
from streams.domain.alerts import Alert, Rule, iso_utc, make_alert_id
from streams.domain.events import StaticReport
from streams.domain.reference import ReferenceData
from streams.domain.vessel_state import VesselState

RULE = Rule("draft_change", 1)


@dataclass(frozen=True, slots=True)
class DraftConfig:
    min_change_m: float = 1.5
    """Smallest change of reported draught that counts. 1.5 m: fifteen steps of the AIS draught
    field (0.1 m), beyond trim, squat and typing corrections, and a few thousand tonnes on a
    Handysize tanker (issue 3's figure; no public system publishes its threshold)."""
    away_from_port_m: float = 10_000.0
    """The vessel must be farther than this from the nearest port (World Port Index point) when the
    new draught is reported. GFW encounters: events within 10 km of a port or anchorage are
    removed. (GFW's 3/4 km anchorage hysteresis measures from learned anchorage points; the WPI
    has one point per port, so the conservative 10 km is used.)"""
    gap_lookback_s: float = 86_400.0
    """A gap closed by `ais_gap` is reported with the change when it ended after the old draught
    was last reported, or within this time before the new one: 24 h, our choice (a transfer and
    the reporting of its draught can be a day apart)."""
    revert_window_s: float = 86_400.0
    """A change straight back to the draught reported before, within this time of the first
    change, is not raised again (two transmitters on one MMSI, a typo corrected). 24 h, as
    `identity_change.revert_window_s`."""

    def __post_init__(self) -> None:
        if self.min_change_m <= 0:
            raise ValueError("draft_change: min_change_m must be positive")
        if self.away_from_port_m < 0 or self.gap_lookback_s < 0 or self.revert_window_s < 0:
            raise ValueError("draft_change: distances and windows must be >= 0")


class DraftChangeDetector:
    def __init__(self, config: DraftConfig, reference: ReferenceData) -> None:
        self.config = config
        self.reference = reference

    def on_static(self, state: VesselState, report: StaticReport) -> list[Alert]:
        """Call before `state.apply_static(report)`: the state still holds the old draught."""
        new = report.draught_m
        old = state.draught_m
        if new is None or old is None or abs(new - old) < self.config.min_change_m:
            return []
        if (
            state.prev_draught_m == new
            and state.draught_since_s is not None
            and report.epoch_s - state.draught_since_s <= self.config.revert_window_s
        ):
            return []
        lat, lon = state.last_lat, state.last_lon
        if lat is None or lon is None or state.last_epoch_s is None:
            return []  # no position: "at sea, away from ports" cannot be judged
        nearest = self.reference.ports.nearest(lat, lon)
        if nearest is not None and nearest.distance_m <= self.config.away_from_port_m:
            return []
        before_s = state.draught_epoch_s if state.draught_epoch_s is not None else state.static_epoch_s
        gap = self._gap_around(state, before_s, report.epoch_s)
        areas = self.reference.areas_of_interest.containing(lat, lon)
        change_m = round(new - old, 2)
        dprk = mid_of(state.mmsi) == DPRK_MID
        terms = {
            "base": 0.3,
            "size": round(0.2 * min(1.0, abs(change_m) / (4 * self.config.min_change_m)), 4),
            "gap_around": 0.3 if gap is not None else 0.0,
            "area_of_interest": 0.1 if areas else 0.0,
            "dprk_flag": 0.2 if dprk else 0.0,
        }
        score = min(1.0, sum(terms.values()))
        evidence = {
            "before_draught_m": old,
            "after_draught_m": new,
            "change_m": change_m,
            "direction": "deeper (loaded)" if change_m > 0 else "shallower (discharged)",
            "before_reported_at": None if before_s is None else iso_utc(before_s),
            "after_reported_at": iso_utc(report.epoch_s),
            "position": {"lat": lat, "lon": lon},
            "position_time": iso_utc(state.last_epoch_s),
            "position_age_s": round(report.epoch_s - state.last_epoch_s, 3),
            "nearest_port": None if nearest is None else nearest.port.name,
            "nearest_port_country": None if nearest is None else nearest.port.country,
            "nearest_port_distance_m": None if nearest is None else round(nearest.distance_m, 1),
            "areas_of_interest": areas,
            "gap": gap,
            "min_change_m": self.config.min_change_m,
            "away_from_port_m": self.config.away_from_port_m,
            "score_terms": terms,
        }
        start_s = report.epoch_s if before_s is None else before_s
        return [
            Alert(
                alert_id=make_alert_id(RULE.name, [str(state.mmsi)], report.epoch_s, RULE),
                type="draft_change",
                severity=severity_for_score(score),
                score=score,
                vessels=(vessel_ref(state, self.reference.flags),),
                start_s=start_s,
                end_s=report.epoch_s,
                position=(lat, lon),
                evidence=evidence,
                rule=RULE,
                summary=(
                    f"MMSI {state.mmsi} ({state.name or 'unknown'}) draught {old:.1f} -> {new:.1f} m at sea"
                    + (f", {nearest.distance_m / 1000:.0f} km from {nearest.port.name}" if nearest is not None else "")
                    + (" across an AIS gap" if gap is not None else "")
                ),
            )
        ]

    def _gap_around(self, state: VesselState, before_s: float | None, now_s: float) -> dict | None:
        start, end = state.last_gap_start_s, state.last_gap_end_s
        if start is None or end is None or end > now_s:
            return None
        after_old = before_s is not None and end >= before_s
        if not after_old and now_s - end > self.config.gap_lookback_s:
            return None
        return {"off_time": iso_utc(start), "on_time": iso_utc(end), "gap_s": round(end - start, 3)}
