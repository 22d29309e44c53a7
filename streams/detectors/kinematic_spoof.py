"""`kinematic_spoof`: two consecutive positions of one MMSI that no ship of its kind could join.

The implied speed (great-circle distance over elapsed time) above the ship type's top speed
means a falsified position, a position broadcast by two transmitters under one identity, or a
broken GPS: all worth an analyst's look under a sanctions regime where AIS manipulation is a
documented practice (US advisories 2018-2020, UN Panel of Experts). Limits follow the AIS
cleaning rules of GFW gpsdio-segment (max 25 kn between linked points; 51.2, 63 and 102.3 kn are
noise) and GeoTrackNet (points whose implied speed exceeds 30 kn are removed).

Cheap: most messages are dismissed by a bound on the distance (degrees of latitude plus degrees
of longitude, which no great circle exceeds) without trigonometry; one haversine otherwise.
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

RULE = Rule("kinematic_spoof", 1)
METRES_PER_DEGREE = EARTH_RADIUS_M * math.pi / 180.0  # one degree of a great circle, as haversine_m has it
FAST_SHIP_TYPES = (*range(20, 30), 35, 37, *range(40, 50), 50, 51, 55)
"""ITU-R M.1371 ship types that may legitimately exceed merchant speeds: wing in ground (2x),
military (35), pleasure craft (37), high-speed craft (4x), pilot (50), search and rescue (51),
law enforcement (55)."""


@dataclass(frozen=True, slots=True)
class SpoofConfig:
    max_speed_kn: float = 30.0
    """Top implied speed for merchant and other ship types. GeoTrackNet (Nguyen et al. 2018) drops
    points whose implied speed exceeds 30 kn; container ships, the fastest merchants, sail at
    under 25 kn (GFW gpsdio-segment links points up to 25 kn)."""
    fast_max_speed_kn: float = 60.0
    """Top implied speed for `fast_ship_types` and for class B sets of unknown type (small craft):
    high-speed ferries and patrol boats reach 40-50 kn. Our choice, above that."""
    fast_ship_types: tuple[int, ...] = FAST_SHIP_TYPES
    min_distance_m: float = METRES_PER_NM
    """Jumps shorter than this are not judged: GPS error and one-second timestamps make short
    hops look fast (50 m in 1 s is 97 kn). 1 nm: our choice, well above both."""
    sog_sentinels_kn: tuple[float, ...] = (51.2, 63.0, 102.3)
    """Reported speeds that are noise or "not available" (GFW gpsdio-segment, pipe-gaps README):
    never taken as the vessel's real speed when judging."""
    credible_sog_factor: float = 1.5
    """A vessel that reports a credible speed over its type's limit is judged against this times
    that speed instead (a fast ship of a mislabelled type): GPS speed is reliable to a few %."""
    cooldown_s: float = 6 * 3600.0
    """One alert per vessel within this time: a false position makes two jumps (out and back),
    two transmitters on one MMSI make one every few seconds. 6 h: the ais_gap threshold."""

    def __post_init__(self) -> None:
        if not 0 < self.max_speed_kn <= self.fast_max_speed_kn:
            raise ValueError("kinematic_spoof: need 0 < max_speed_kn <= fast_max_speed_kn")
        if self.min_distance_m < 0 or self.cooldown_s < 0 or self.credible_sog_factor < 1:
            raise ValueError("kinematic_spoof: min_distance_m and cooldown_s >= 0, credible_sog_factor >= 1")


class KinematicSpoofDetector:
    def __init__(self, config: SpoofConfig, reference: ReferenceData) -> None:
        self.config = config
        self.reference = reference
        self._fast_types = frozenset(config.fast_ship_types)
        self._sentinels = frozenset(config.sog_sentinels_kn)
        # m/s of the lowest limit: a jump under it is dismissed before any trigonometry
        self._quick_limit_m_s = config.max_speed_kn / KN_PER_M_S
        # The caller's gate: no great circle is longer than its degrees of latitude plus longitude,
        # so a move whose sum is under either of these cannot be raised.
        self.min_distance_deg = config.min_distance_m / METRES_PER_DEGREE
        self.min_limit_deg_per_s = self._quick_limit_m_s / METRES_PER_DEGREE

    def limit_kn(self, state: VesselState, report: PositionReport) -> float:
        """The implied-speed limit for this vessel: by ship type, raised by a credible reported speed."""
        config = self.config
        ship_type = state.ship_type
        fast = ship_type in self._fast_types or (ship_type is None and report.ais_class == "B")
        limit = config.fast_max_speed_kn if fast else config.max_speed_kn
        for sog in (state.last_sog_kn, report.sog_kn):
            if sog is not None and sog not in self._sentinels and sog * config.credible_sog_factor > limit:
                limit = sog * config.credible_sog_factor
        return limit

    def on_position(self, state: VesselState, report: PositionReport) -> list[Alert]:
        """Call before `state.apply_position(report)`, with an in-order report."""
        prev_lat = state.last_lat
        if prev_lat is None:
            return []
        prev_lon = state.last_lon
        prev_s = state.last_epoch_s
        assert prev_lon is not None and prev_s is not None
        elapsed_s = report.epoch_s - prev_s
        dlon = abs(report.lon - prev_lon)
        if dlon > 180.0:
            dlon = 360.0 - dlon
        bound_m = (abs(report.lat - prev_lat) + dlon) * METRES_PER_DEGREE
        if bound_m < self.config.min_distance_m or bound_m <= self._quick_limit_m_s * elapsed_s:
            return []
        if state.spoof_alert_s is not None and report.epoch_s - state.spoof_alert_s < self.config.cooldown_s:
            return []
        distance_m = haversine_m(prev_lat, prev_lon, report.lat, report.lon)
        if distance_m < self.config.min_distance_m:
            return []
        implied_kn = distance_m / elapsed_s * KN_PER_M_S
        limit_kn = self.limit_kn(state, report)
        if implied_kn <= limit_kn:
            return []
        state.spoof_alert_s = report.epoch_s
        return [self._alert(state, report, prev_lat, prev_lon, prev_s, distance_m, elapsed_s, implied_kn, limit_kn)]

    def _alert(
        self, state: VesselState, report: PositionReport, prev_lat: float, prev_lon: float, prev_s: float,
        distance_m: float, elapsed_s: float, implied_kn: float, limit_kn: float,
    ) -> Alert:
        areas = sorted(
            set(self.reference.areas_of_interest.containing(prev_lat, prev_lon))
            | set(self.reference.areas_of_interest.containing(report.lat, report.lon))
        )
        dprk = mid_of(state.mmsi) == DPRK_MID
        excess = round(0.3 * min(1.0, (implied_kn / limit_kn - 1.0) / 4.0), 4)
        terms = {"base": 0.3, "excess_speed": excess, "area_of_interest": 0.2 if areas else 0.0,
                 "dprk_flag": 0.2 if dprk else 0.0}
        score = min(1.0, sum(terms.values()))

        def sog(value: float | None) -> float | None:
            return None if value is None or value in self._sentinels else value

        evidence = {
            "from_time": iso_utc(prev_s),
            "from_position": {"lat": prev_lat, "lon": prev_lon},
            "to_time": iso_utc(report.epoch_s),
            "to_position": {"lat": report.lat, "lon": report.lon},
            "distance_m": round(distance_m, 1),
            "elapsed_s": round(elapsed_s, 3),
            "implied_speed_kn": round(implied_kn, 1),
            "limit_kn": round(limit_kn, 1),
            "reported_speed_from_kn": sog(state.last_sog_kn),
            "reported_speed_to_kn": sog(report.sog_kn),
            "ship_type": state.ship_type,
            "areas_of_interest": areas,
            "score_terms": terms,
        }
        return Alert(
            alert_id=make_alert_id(RULE.name, [str(state.mmsi)], prev_s, RULE),
            type="kinematic_spoof",
            severity=severity_for_score(score),
            score=score,
            vessels=(vessel_ref(state, self.reference.flags),),
            start_s=prev_s,
            end_s=report.epoch_s,
            position=(report.lat, report.lon),
            evidence=evidence,
            rule=RULE,
            summary=(
                f"MMSI {state.mmsi} ({state.name or 'unknown'}) jumped {distance_m / METRES_PER_NM:.1f} nm "
                f"in {elapsed_s / 60:.1f} min ({implied_kn:.0f} kn implied, limit {limit_kn:.0f} kn)"
            ),
        )
