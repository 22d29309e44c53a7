"""`loitering`: a cargo ship or tanker idles far out at sea, where transfers between ships happen.

Global Fishing Watch pipe-loitering: the implied speed over each hour below 2 kn, consecutive
slow hours forming one event; its published events need an average distance from shore of at
least 20 nm (our nearest World Port Index port stands in for the shore, as in `ais_gap`).

Cheap: one anchor point per vessel, moved once an hour of event time; a message inside the hour
costs a comparison, an hour costs one haversine, and a port look-up is made once per episode,
when it reaches `min_duration_s`. The alert is raised then (`end` null) and sent again, same
`alert_id`, when the vessel moves on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from streams.detectors.common import DPRK_MID, mid_of, severity_for_score, vessel_ref
from streams.domain.alerts import Alert, Rule, iso_utc, make_alert_id
from streams.domain.events import PositionReport
from streams.domain.geo import EARTH_RADIUS_M, KN_PER_M_S, METRES_PER_NM, haversine_m
from streams.domain.reference import ReferenceData
from streams.domain.vessel_state import VesselState

RULE = Rule("loitering", 1)
METRES_PER_DEGREE = EARTH_RADIUS_M * math.pi / 180.0  # of a meridian, as haversine_m has it
NOT_RAISED, RAISED, NEAR_SHORE = 0, 1, -1
"""`VesselState.loiter_status` of the episode in progress."""


@dataclass(frozen=True, slots=True)
class LoiteringConfig:
    ship_types: tuple[int, ...] = tuple(range(70, 90))
    """ITU-R M.1371 ship types watched: cargo (70-79) and tankers (80-89), the ships of the
    UN Panel's ship-to-ship transfer cases (issue 3)."""
    max_speed_kn: float = 2.0
    """An hour counts as slow below this implied speed. GFW pipe-loitering: < 2 kn."""
    min_duration_s: float = 6 * 3600.0
    """Consecutive slow hours needed. 6 h: issue 3's figure; three times the 2 h GFW encounters
    and the published dark-STS rule need, so one transfer is not split into several."""
    min_distance_from_shore_m: float = 20 * METRES_PER_NM
    """Distance from the nearest port (standing in for the shore) when the episode reaches its
    minimum duration. GFW published loitering: average distance from shore >= 20 nm."""
    window_s: float = 3600.0
    """Length of the windows whose implied speed is judged. GFW pipe-loitering: hourly."""
    max_window_s: float = 12 * 3600.0
    """A silence longer than this ends the episode (and leaves the gap to `ais_gap`); shorter
    ones are judged as one window, so drifting dark for a few hours keeps the episode going.
    12 h: GFW AIS-disabling's long gap."""

    def __post_init__(self) -> None:
        if self.max_speed_kn <= 0 or self.min_duration_s <= 0 or self.min_distance_from_shore_m < 0:
            raise ValueError("loitering: speed and duration must be positive, distance >= 0")
        if not 0 < self.window_s <= self.max_window_s:
            raise ValueError("loitering: need 0 < window_s <= max_window_s")


class LoiteringDetector:
    def __init__(self, config: LoiteringConfig, reference: ReferenceData) -> None:
        self.config = config
        self.reference = reference
        self.ship_types = frozenset(config.ship_types)
        self._max_speed_m_s = config.max_speed_kn / KN_PER_M_S

    def on_position(self, state: VesselState, report: PositionReport) -> list[Alert]:
        if state.ship_type not in self.ship_types:
            return []
        anchor_s = state.loiter_anchor_s
        if anchor_s is None:
            state.loiter_anchor_s, state.loiter_anchor_lat, state.loiter_anchor_lon = report.epoch_s, report.lat, report.lon
            return []
        elapsed_s = report.epoch_s - anchor_s
        if elapsed_s < self.config.window_s:
            return []
        alerts: list[Alert] = []
        anchor_lat, anchor_lon = state.loiter_anchor_lat, state.loiter_anchor_lon
        assert anchor_lat is not None and anchor_lon is not None
        state.loiter_anchor_s, state.loiter_anchor_lat, state.loiter_anchor_lon = report.epoch_s, report.lat, report.lon
        limit_m = self._max_speed_m_s * elapsed_s
        # degrees of latitude alone are a lower bound of the distance: most moving ships are told
        # apart without trigonometry
        fast = elapsed_s > self.config.max_window_s or abs(report.lat - anchor_lat) * METRES_PER_DEGREE >= limit_m
        distance_m = 0.0 if fast else haversine_m(anchor_lat, anchor_lon, report.lat, report.lon)
        if fast or distance_m >= limit_m:
            if state.loiter_start_s is not None:
                if state.loiter_status == RAISED:
                    alerts.append(self._alert(state, ended=True))
                _reset(state)
            return alerts
        if state.loiter_start_s is None:
            state.loiter_start_s, state.loiter_start_lat, state.loiter_start_lon = anchor_s, anchor_lat, anchor_lon
            state.loiter_distance_m = 0.0
            state.loiter_status = NOT_RAISED
        state.loiter_last_s = report.epoch_s
        state.loiter_last_lat, state.loiter_last_lon = report.lat, report.lon
        state.loiter_distance_m = (state.loiter_distance_m or 0.0) + distance_m
        if state.loiter_status == NOT_RAISED and report.epoch_s - state.loiter_start_s >= self.config.min_duration_s:
            nearest = self.reference.ports.nearest(report.lat, report.lon)
            state.loiter_port_distance_m = None if nearest is None else round(nearest.distance_m, 1)
            state.loiter_port = None if nearest is None else nearest.port.name
            if nearest is not None and nearest.distance_m < self.config.min_distance_from_shore_m:
                state.loiter_status = NEAR_SHORE  # at anchor off a port: not this rule's business
            else:
                state.loiter_status = RAISED
                alerts.append(self._alert(state, ended=False))
        return alerts

    def _alert(self, state: VesselState, ended: bool) -> Alert:
        start_s, last_s = state.loiter_start_s, state.loiter_last_s
        assert start_s is not None and last_s is not None
        assert state.loiter_start_lat is not None and state.loiter_start_lon is not None
        assert state.loiter_last_lat is not None and state.loiter_last_lon is not None
        duration_s = last_s - start_s
        mean_speed_kn = (state.loiter_distance_m or 0.0) / duration_s * KN_PER_M_S if duration_s > 0 else 0.0
        areas = self.reference.areas_of_interest.containing(state.loiter_start_lat, state.loiter_start_lon)
        dprk = mid_of(state.mmsi) == DPRK_MID
        tanker = state.ship_type is not None and 80 <= state.ship_type <= 89
        terms = {
            "base": 0.3,
            "duration": round(0.1 * min(1.0, duration_s / (4 * self.config.min_duration_s)), 4),
            "area_of_interest": 0.2 if areas else 0.0,
            "tanker": 0.1 if tanker else 0.0,
            "dprk_flag": 0.2 if dprk else 0.0,
        }
        score = min(1.0, sum(terms.values()))
        evidence = {
            "start": iso_utc(start_s),
            "start_position": {"lat": state.loiter_start_lat, "lon": state.loiter_start_lon},
            "last_slow_position_time": iso_utc(last_s),
            "last_slow_position": {"lat": state.loiter_last_lat, "lon": state.loiter_last_lon},
            "duration_s": round(duration_s, 3),
            "mean_speed_kn": round(mean_speed_kn, 3),
            "distance_covered_m": round(state.loiter_distance_m or 0.0, 1),
            "nearest_port": state.loiter_port,
            "nearest_port_distance_m": state.loiter_port_distance_m,
            "areas_of_interest": areas,
            "ship_type": state.ship_type,
            "max_speed_kn": self.config.max_speed_kn,
            "min_duration_s": self.config.min_duration_s,
            "score_terms": terms,
        }
        status = "loitered" if ended else "loitering"
        return Alert(
            alert_id=make_alert_id(RULE.name, [str(state.mmsi)], start_s, RULE),
            type="loitering",
            severity=severity_for_score(score),
            score=score,
            vessels=(vessel_ref(state, self.reference.flags),),
            start_s=start_s,
            end_s=last_s if ended else None,
            position=(state.loiter_start_lat, state.loiter_start_lon),
            evidence=evidence,
            rule=RULE,
            summary=(
                f"MMSI {state.mmsi} ({state.name or 'unknown'}) {status} {duration_s / 3600:.1f} h "
                f"at {mean_speed_kn:.1f} kn"
                + ("" if state.loiter_port_distance_m is None else f", {state.loiter_port_distance_m / METRES_PER_NM:.0f} nm from {state.loiter_port}")
            ),
        )


def _reset(state: VesselState) -> None:
    state.loiter_start_s = state.loiter_start_lat = state.loiter_start_lon = None
    state.loiter_last_s = state.loiter_last_lat = state.loiter_last_lon = None
    state.loiter_distance_m = state.loiter_port_distance_m = None
    state.loiter_port = None
    state.loiter_status = NOT_RAISED
