"""`restricted_port_call`: a vessel enters, and stays in, the waters of a DPRK port.

A visit follows Global Fishing Watch's port visits (anchorages_pipeline `anchorage_cfg.yaml`):
it starts at the first position within 3 km of the port and ends at the first position beyond
4 km (hysteresis, so a vessel swinging at anchor on the edge makes one visit), and counts from a
dwell of 3 h. The alert is raised when the dwell is reached (`end` null) and sent again, same
`alert_id`, on departure. A vessel that went dark in port and reappears outside it has stayed at
least as long as entry to exit: that visit is raised on departure, with the silence in evidence.

Ports: the World Port Index rows of the configured countries (North Korea: Ch'aho, Ch'ongjin,
Haeju Hang, Hungnam, Kimch'aek, Kyomip'o, Najin, Nampo, Senbong, Wonsan). Kyomip'o is Songnim:
WPI 60290 gives "Songnim" as its alternate name (UN/LOCODE KP SGN). Positions are the WPI's
single point per port: a polygon of the real port waters (an area of the areas file named in
`area_names`) is more precise where one is drawn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from streams.detectors.common import DPRK_MID, mid_of, vessel_ref
from streams.domain.alerts import Alert, Rule, iso_utc, make_alert_id
from streams.domain.events import PositionReport
from streams.domain.geo import haversine_m
from streams.domain.reference import Area, ReferenceData
from streams.domain.vessel_state import VesselState

RULE = Rule("restricted_port_call", 1)
METRES_PER_DEG_LAT = 111_195.0
ALTERNATE_NAMES = {"Kyomip'o": "Songnim"}
"""World Port Index "Alternate Port Name" of restricted ports (WPI 60290 Kyomip'o: Songnim)."""


@dataclass(frozen=True, slots=True)
class PortCallConfig:
    countries: tuple[str, ...] = ("North Korea",)
    """World Port Index countries whose ports are restricted: UNSCR 2397 (2017) and earlier
    resolutions restrict port calls, deliveries and transfers to and from the DPRK."""
    extra_ports: tuple[Any, ...] = ()
    """More restricted ports as [name, lat, lon] triples (TOML: `extra_ports = [["X", 38.7, 125.4]]`)."""
    area_names: tuple[str, ...] = ()
    """Names of areas in the areas file (`--areas`) that are restricted port waters: polygons,
    entered and left without hysteresis."""
    entry_radius_m: float = 3000.0
    """A visit starts at the first position this close to a port. GFW port visits: 3 km."""
    exit_radius_m: float = 4000.0
    """A visit ends at the first position farther than this. GFW port visits: 4 km."""
    min_dwell_s: float = 3 * 3600.0
    """A visit counts from this dwell. GFW port visits: >= 3 h."""
    preceding_gap_s: float = 6 * 3600.0
    """A silence at least this long just before the arrival is reported as the preceding gap
    (as is a gap `ais_gap` closed within `gap_lookback_s` before it). GFW pipe-gaps: 6 h."""
    gap_lookback_s: float = 48 * 3600.0
    """How far before the arrival a gap closed by `ais_gap` is still reported: 48 h, about a
    day's steaming from the Yellow Sea transfer areas to Nampo at 10 kn both ways. Our choice."""

    def __post_init__(self) -> None:
        if not 0 < self.entry_radius_m <= self.exit_radius_m:
            raise ValueError("restricted_port_call: need 0 < entry_radius_m <= exit_radius_m")
        if self.min_dwell_s < 0 or self.preceding_gap_s <= 0 or self.gap_lookback_s < 0:
            raise ValueError("restricted_port_call: dwell and gap times must be positive")
        ports = []
        for row in self.extra_ports:
            if (
                not isinstance(row, list | tuple)
                or len(row) != 3
                or not isinstance(row[0], str)
                or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in row[1:])
                or not (-90 <= row[1] <= 90 and -180 <= row[2] <= 180)
            ):
                raise ValueError(f"restricted_port_call: extra_ports rows are [name, lat, lon], got {row!r}")
            ports.append((row[0], float(row[1]), float(row[2])))
        object.__setattr__(self, "extra_ports", tuple(ports))


@dataclass(frozen=True, slots=True)
class RestrictedPort:
    name: str
    country: str
    lat: float
    lon: float


class RestrictedPortDetector:
    def __init__(self, config: PortCallConfig, reference: ReferenceData) -> None:
        self.config = config
        self.reference = reference
        ports = [RestrictedPort(p.name, p.country, p.lat, p.lon) for p in reference.ports.in_countries(config.countries)]
        ports += [RestrictedPort(name, "", lat, lon) for name, lat, lon in config.extra_ports]
        self.ports = {p.name: p for p in ports}
        wanted = set(config.area_names)
        self.areas: dict[str, list[Area]] = {}
        for area in reference.areas_of_interest.areas:
            if area.name in wanted:
                self.areas.setdefault(area.name, []).append(area)
        # One box around every port's exit circle and every area: most positions on Earth are
        # outside it, and four comparisons keep them off this detector's cost.
        boxes = []
        margin_lat = config.exit_radius_m / METRES_PER_DEG_LAT * 1.01
        self._port_boxes: list[tuple[tuple[float, float, float, float], RestrictedPort]] = []
        for p in self.ports.values():
            margin_lon = margin_lat / max(0.01, math.cos(math.radians(min(89.0, abs(p.lat) + margin_lat))))
            box = (p.lat - margin_lat, p.lat + margin_lat, p.lon - margin_lon, p.lon + margin_lon)
            self._port_boxes.append((box, p))
            boxes.append(box)
        for areas in self.areas.values():
            for area in areas:
                min_lon, min_lat, max_lon, max_lat = area.bbox
                boxes.append((min_lat, max_lat, min_lon, max_lon))
        if boxes:
            self.bbox = (min(b[0] for b in boxes), max(b[1] for b in boxes), min(b[2] for b in boxes), max(b[3] for b in boxes))
        else:
            self.bbox = (91.0, -91.0, 181.0, -181.0)  # matches nothing
        """(min lat, max lat, min lon, max lon) of every restricted place: the caller's gate."""

    def on_position(self, state: VesselState, report: PositionReport) -> list[Alert]:
        """Call before `state.apply_position(report)`: the state still holds the previous position."""
        lat, lon = report.lat, report.lon
        if state.port_call_port is None:
            min_lat, max_lat, min_lon, max_lon = self.bbox
            if not (min_lat <= lat <= max_lat and min_lon <= lon <= max_lon):
                return []
            place = self._entered(lat, lon)
            if place is None:
                return []
            state.port_call_port = place
            state.port_call_arrival_s = state.port_call_last_in_s = report.epoch_s
            state.port_call_arrival_lat, state.port_call_arrival_lon = lat, lon
            state.port_call_before_s = state.last_epoch_s
            state.port_call_alerted = False
            if self.config.min_dwell_s == 0:
                state.port_call_alerted = True
                return [self._alert(state, None, None)]
            return []
        assert state.port_call_arrival_s is not None and state.port_call_last_in_s is not None
        if self._inside(state.port_call_port, lat, lon):
            state.port_call_last_in_s = report.epoch_s
            if not state.port_call_alerted and report.epoch_s - state.port_call_arrival_s >= self.config.min_dwell_s:
                state.port_call_alerted = True
                return [self._alert(state, None, None)]
            return []
        alerts: list[Alert] = []
        if state.port_call_alerted or report.epoch_s - state.port_call_arrival_s >= self.config.min_dwell_s:
            alerts.append(self._alert(state, report.epoch_s, (lat, lon)))
        state.port_call_port = None
        state.port_call_arrival_s = state.port_call_last_in_s = state.port_call_before_s = None
        state.port_call_arrival_lat = state.port_call_arrival_lon = None
        state.port_call_alerted = False
        return alerts

    def _entered(self, lat: float, lon: float) -> str | None:
        for (min_lat, max_lat, min_lon, max_lon), port in self._port_boxes:
            if min_lat <= lat <= max_lat and min_lon <= lon <= max_lon:
                if haversine_m(lat, lon, port.lat, port.lon) <= self.config.entry_radius_m:
                    return port.name
        for name, areas in self.areas.items():
            if any(area.contains(lat, lon) for area in areas):
                return name
        return None

    def _inside(self, place: str, lat: float, lon: float) -> bool:
        port = self.ports.get(place)
        if port is not None:
            return haversine_m(lat, lon, port.lat, port.lon) <= self.config.exit_radius_m
        return any(area.contains(lat, lon) for area in self.areas.get(place, ()))

    def _alert(self, state: VesselState, departure_s: float | None, departure_position: tuple[float, float] | None) -> Alert:
        arrival_s, last_in_s = state.port_call_arrival_s, state.port_call_last_in_s
        assert arrival_s is not None and last_in_s is not None and state.port_call_port is not None
        assert state.port_call_arrival_lat is not None and state.port_call_arrival_lon is not None
        name = state.port_call_port
        port = self.ports.get(name)
        config = self.config
        silence_before = None if state.port_call_before_s is None else arrival_s - state.port_call_before_s
        preceding_gap: dict | None = None
        if silence_before is not None and silence_before >= config.preceding_gap_s:
            preceding_gap = {"off_time": iso_utc(arrival_s - silence_before), "on_time": iso_utc(arrival_s),
                             "gap_s": round(silence_before, 3), "source": "silence before arrival"}
        elif (
            state.last_gap_end_s is not None and state.last_gap_start_s is not None
            and 0 <= arrival_s - state.last_gap_end_s <= config.gap_lookback_s
        ):
            preceding_gap = {"off_time": iso_utc(state.last_gap_start_s), "on_time": iso_utc(state.last_gap_end_s),
                             "gap_s": round(state.last_gap_end_s - state.last_gap_start_s, 3), "source": "ais_gap"}
        dwell_end = last_in_s if departure_s is None else departure_s
        dark_in_port = None if departure_s is None else departure_s - last_in_s
        foreign = mid_of(state.mmsi) != DPRK_MID
        tanker = state.ship_type is not None and 80 <= state.ship_type <= 89
        terms = {
            "base": 0.5,
            "foreign_flag": 0.2 if foreign else 0.0,
            "tanker": 0.1 if tanker else 0.0,
            "preceding_gap": 0.1 if preceding_gap is not None else 0.0,
            "dark_in_port": 0.1 if dark_in_port is not None and dark_in_port >= config.preceding_gap_s else 0.0,
        }
        if foreign:
            severity = "critical" if terms["preceding_gap"] or terms["dark_in_port"] else "high"
        else:
            severity = "high" if tanker or terms["preceding_gap"] or terms["dark_in_port"] else "medium"
        display = f"{name} ({ALTERNATE_NAMES[name]})" if name in ALTERNATE_NAMES else name
        evidence = {
            "port": name,
            "port_alternate_name": ALTERNATE_NAMES.get(name),
            "port_country": port.country if port is not None else None,
            "port_position": None if port is None else {"lat": port.lat, "lon": port.lon},
            "port_area": port is None,
            "arrival": iso_utc(arrival_s),
            "arrival_position": {"lat": state.port_call_arrival_lat, "lon": state.port_call_arrival_lon},
            "last_position_in_port": iso_utc(last_in_s),
            "departure": None if departure_s is None else iso_utc(departure_s),
            "departure_position": None if departure_position is None else {"lat": departure_position[0], "lon": departure_position[1]},
            "dwell_s": round(dwell_end - arrival_s, 3),
            "silence_before_departure_s": None if dark_in_port is None else round(dark_in_port, 3),
            "silence_before_arrival_s": None if silence_before is None else round(silence_before, 3),
            "preceding_gap": preceding_gap,
            "ship_type": state.ship_type,
            "foreign_flag": foreign,
            "entry_radius_m": config.entry_radius_m,
            "exit_radius_m": config.exit_radius_m,
            "min_dwell_s": config.min_dwell_s,
            "score_terms": terms,
        }
        hours = (dwell_end - arrival_s) / 3600.0
        status = "in" if departure_s is None else "left"
        return Alert(
            alert_id=make_alert_id(RULE.name, [str(state.mmsi), name], arrival_s, RULE),
            type="restricted_port_call",
            severity=severity,
            score=min(1.0, sum(terms.values())),
            vessels=(vessel_ref(state, self.reference.flags),),
            start_s=arrival_s,
            end_s=departure_s,
            position=(port.lat, port.lon) if port is not None else (state.port_call_arrival_lat, state.port_call_arrival_lon),
            evidence=evidence,
            rule=RULE,
            summary=f"MMSI {state.mmsi} ({state.name or 'unknown'}) {status} {display} after {hours:.1f} h",
        )
