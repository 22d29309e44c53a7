"""`ais_gap`: a class A vessel that was reporting regularly goes silent (dark activity).

Defaults follow Global Fishing Watch: raw gaps from 6 h (pipe-gaps `config/default.json`);
"suspected intentional disabling" from 12 h with the last position > 50 nm from shore and
>= 14 positions in the 12 h before (AIS-disabling-high-seas; Welch et al. 2022).
"""

from __future__ import annotations

from dataclasses import dataclass

from streams.detectors.common import vessel_ref
from streams.domain.alerts import Alert, Rule, iso_utc, make_alert_id
from streams.domain.events import PositionReport
from streams.domain.geo import KN_PER_M_S, METRES_PER_NM, haversine_m
from streams.domain.reference import ReferenceData
from streams.domain.vessel_state import RECENT_REPORTS_KEPT, VesselState

RULE = Rule("ais_gap", 1)


@dataclass(frozen=True, slots=True)
class GapConfig:
    min_gap_s: float = 6 * 3600.0
    """Silence that counts as a gap. GFW pipe-gaps raw gap threshold: 6 h."""
    long_gap_s: float = 12 * 3600.0
    """Silence that may be intentional disabling. GFW AIS-disabling: 12 h."""
    far_from_port_m: float = 50 * METRES_PER_NM
    """Off position this far from the nearest port counts as 'far from shore'. GFW AIS-disabling:
    > 50 nm from shore (we have ports, not a coastline, so distance to the nearest port stands in)."""
    min_reports_before_gap: int = 14
    """Reports within `regularity_window_s` before the silence for the vessel to count as reporting
    regularly. GFW AIS-disabling: >= 14 positions in the 12 h before the gap."""
    regularity_window_s: float = 12 * 3600.0
    """Window for `min_reports_before_gap`. GFW AIS-disabling: 12 h."""
    reach_tolerance_m: float = METRES_PER_NM
    """Slack added to the distance coverable at usual speed (anchor swing, GPS error): 1 nm."""

    def __post_init__(self) -> None:
        if not 0 < self.min_gap_s <= self.long_gap_s:
            raise ValueError("ais_gap: need 0 < min_gap_s <= long_gap_s")
        if not 1 <= self.min_reports_before_gap <= RECENT_REPORTS_KEPT:
            raise ValueError(f"ais_gap: min_reports_before_gap must be 1..{RECENT_REPORTS_KEPT}")
        if self.regularity_window_s <= 0 or self.far_from_port_m < 0 or self.reach_tolerance_m < 0:
            raise ValueError("ais_gap: windows and distances must be positive")


class GapDetector:
    def __init__(self, config: GapConfig, reference: ReferenceData) -> None:
        self.config = config
        self.reference = reference

    def was_reporting_regularly(self, state: VesselState) -> bool:
        needed = self.config.min_reports_before_gap
        recent = state.recent_epochs_s
        if state.ais_class != "A" or len(recent) < needed:
            return False
        return recent[-1] - recent[-needed] <= self.config.regularity_window_s

    def on_position(self, state: VesselState, report: PositionReport) -> list[Alert]:
        """Call before `state.apply_position(report)`: the state still holds the off position."""
        if state.last_epoch_s is None or state.last_lat is None or state.last_lon is None:
            return []
        silence_s = report.epoch_s - state.last_epoch_s
        if silence_s < self.config.min_gap_s or not self.was_reporting_regularly(state):
            return []
        distance_m = haversine_m(state.last_lat, state.last_lon, report.lat, report.lon)
        implied_speed_kn = distance_m / silence_s * KN_PER_M_S
        reachable: bool | None = None
        if state.usual_speed_kn is not None:
            coverable_m = state.usual_speed_kn / KN_PER_M_S * silence_s + self.config.reach_tolerance_m
            reachable = distance_m <= coverable_m
        evidence = self._off_evidence(state) | {
            "gap_s": round(silence_s, 3),
            "on_time": iso_utc(report.epoch_s),
            "on_position": {"lat": report.lat, "lon": report.lon},
            "distance_m": round(distance_m, 1),
            "implied_speed_kn": round(implied_speed_kn, 3),
            "reachable_at_usual_speed": reachable,
        }
        return [self._alert(state, silence_s, report.epoch_s, evidence, reachable)]

    def check_open(self, state: VesselState, now_s: float) -> list[Alert]:
        """An ongoing silence, raised once per gap while the vessel is still dark (`end` null)."""
        if state.last_epoch_s is None or state.open_gap_alert_start_s == state.last_epoch_s:
            return []
        silence_s = now_s - state.last_epoch_s
        if silence_s < self.config.min_gap_s or not self.was_reporting_regularly(state):
            return []
        state.open_gap_alert_start_s = state.last_epoch_s
        evidence = self._off_evidence(state) | {"dark_so_far_s": round(silence_s, 3), "checked_at": iso_utc(now_s)}
        return [self._alert(state, silence_s, None, evidence, None)]

    def _off_evidence(self, state: VesselState) -> dict:
        assert state.last_lat is not None and state.last_lon is not None and state.last_epoch_s is not None
        nearest = self.reference.ports.nearest(state.last_lat, state.last_lon)
        needed = self.config.min_reports_before_gap
        return {
            "off_time": iso_utc(state.last_epoch_s),
            "off_position": {"lat": state.last_lat, "lon": state.last_lon},
            "off_speed_kn": state.last_sog_kn,
            "usual_speed_kn": None if state.usual_speed_kn is None else round(state.usual_speed_kn, 3),
            "reports_in_window_before_off": needed,
            "window_before_off_s": round(state.recent_epochs_s[-1] - state.recent_epochs_s[-needed], 3),
            "off_nearest_port": None if nearest is None else nearest.port.name,
            "off_nearest_port_country": None if nearest is None else nearest.port.country,
            "off_nearest_port_distance_m": None if nearest is None else round(nearest.distance_m, 1),
            "off_areas_of_interest": self.reference.areas_of_interest.containing(state.last_lat, state.last_lon),
            "min_gap_s": self.config.min_gap_s,
        }

    def _alert(
        self, state: VesselState, silence_s: float, end_s: float | None, evidence: dict, reachable: bool | None
    ) -> Alert:
        assert state.last_epoch_s is not None and state.last_lat is not None and state.last_lon is not None
        in_area = bool(evidence["off_areas_of_interest"])
        port_distance = evidence["off_nearest_port_distance_m"]
        far_from_port = port_distance is None or port_distance > self.config.far_from_port_m
        long_gap = silence_s >= self.config.long_gap_s
        if long_gap and (in_area or far_from_port):
            severity = "high"
        elif long_gap or in_area:
            severity = "medium"
        else:
            severity = "low"
        score = 0.3 + 0.3 * min(1.0, silence_s / (4 * self.config.long_gap_s))
        score += 0.15 * in_area + 0.15 * far_from_port + 0.1 * (reachable is False)
        evidence["far_from_port"] = far_from_port
        evidence["score_terms"] = {
            "base": 0.3,
            "duration": round(0.3 * min(1.0, silence_s / (4 * self.config.long_gap_s)), 4),
            "area_of_interest": 0.15 if in_area else 0.0,
            "far_from_port": 0.15 if far_from_port else 0.0,
            "unreachable_at_usual_speed": 0.1 if reachable is False else 0.0,
        }
        hours = silence_s / 3600.0
        status = "dark for" if end_s is None else "reappeared after"
        return Alert(
            alert_id=make_alert_id(RULE.name, [str(state.mmsi)], state.last_epoch_s, RULE),
            type="ais_gap",
            severity=severity,
            score=min(1.0, score),
            vessels=(vessel_ref(state, self.reference.flags),),
            start_s=state.last_epoch_s,
            end_s=end_s,
            position=(state.last_lat, state.last_lon),
            evidence=evidence,
            rule=RULE,
            summary=f"MMSI {state.mmsi} ({state.name or 'unknown'}) {status} {hours:.1f} h",
        )
