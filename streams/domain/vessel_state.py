"""Per-MMSI vessel state: what every detector needs to know of one vessel between two messages."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from streams.domain.events import PositionReport, StaticReport

# Reports kept per vessel to decide whether it "was reporting regularly" before a silence;
# equals the largest `min_reports_before_gap` a user can configure.
RECENT_REPORTS_KEPT = 32
# Weight of the newest speed report in the vessel's usual (moving-average) speed.
USUAL_SPEED_EWMA_ALPHA = 0.05


@dataclass(slots=True)
class VesselState:
    mmsi: int
    ais_class: str | None = None
    last_epoch_s: float | None = None
    last_lat: float | None = None
    last_lon: float | None = None
    last_sog_kn: float | None = None
    usual_speed_kn: float | None = None
    positions_seen: int = 0
    out_of_order_positions: int = 0
    recent_epochs_s: list[float] = field(default_factory=list)
    open_gap_alert_start_s: float | None = None
    name: str | None = None
    imo: int | None = None
    callsign: str | None = None
    ship_type: int | None = None
    length_m: float | None = None
    beam_m: float | None = None
    draught_m: float | None = None
    destination: str | None = None
    static_epoch_s: float | None = None
    # identity_change: when each identity value was first seen, and the value it replaced
    name_since_s: float | None = None
    callsign_since_s: float | None = None
    imo_since_s: float | None = None
    ship_type_since_s: float | None = None
    prev_name: str | None = None
    prev_callsign: str | None = None
    prev_imo: int | None = None
    prev_ship_type: int | None = None
    watchlist_hits: list[str] = field(default_factory=list)
    """Watchlist entries (`entry_id`) this vessel was already alerted for: one alert per entry."""
    mmsi_checked: bool = False
    """The MMSI itself was checked (placeholder, unallocated MID): once per vessel."""
    invalid_imo_alerted: int | None = None
    """The last IMO number raised as having an invalid check digit (one alert per value)."""
    imo_sighting_s: float | None = None
    """When this vessel's IMO was last reported to the cross-vessel IMO index."""
    imo_sighting: int | None = None
    """The IMO last reported to the index."""
    # draft_change: the reported draught's history, and the last gap ais_gap closed
    draught_epoch_s: float | None = None
    """When a draught was last reported (any value)."""
    draught_since_s: float | None = None
    """When the current draught value was first reported."""
    prev_draught_m: float | None = None
    """The draught value before the current one."""
    last_gap_start_s: float | None = None
    last_gap_end_s: float | None = None
    """The last gap `ais_gap` closed: off and on time."""
    # restricted_port_call: the visit in progress (port_call_port is None when there is none)
    port_call_port: str | None = None
    port_call_arrival_s: float | None = None
    port_call_arrival_lat: float | None = None
    port_call_arrival_lon: float | None = None
    port_call_last_in_s: float | None = None
    """Time of the last position within the exit radius."""
    port_call_before_s: float | None = None
    """Time of the vessel's position before its arrival (the silence before it may be a gap)."""
    port_call_alerted: bool = False
    spoof_alert_s: float | None = None
    """kinematic_spoof: when this vessel was last raised (one alert per cooldown)."""
    # loitering: the hourly anchor point and the slow episode in progress
    loiter_anchor_s: float | None = None
    loiter_anchor_lat: float | None = None
    loiter_anchor_lon: float | None = None
    loiter_start_s: float | None = None
    loiter_start_lat: float | None = None
    loiter_start_lon: float | None = None
    loiter_last_s: float | None = None
    loiter_last_lat: float | None = None
    loiter_last_lon: float | None = None
    loiter_distance_m: float | None = None
    loiter_port: str | None = None
    loiter_port_distance_m: float | None = None
    loiter_status: int = 0
    """0 not raised yet, 1 raised, -1 reached its duration near a port (not raised)."""

    def apply_position(self, report: PositionReport) -> None:
        """Record an in-order position (callers check order: see `is_in_order`)."""
        self.ais_class = report.ais_class
        self.last_epoch_s = report.epoch_s
        self.last_lat = report.lat
        self.last_lon = report.lon
        self.last_sog_kn = report.sog_kn
        if report.sog_kn is not None:
            if self.usual_speed_kn is None:
                self.usual_speed_kn = report.sog_kn
            else:
                self.usual_speed_kn += USUAL_SPEED_EWMA_ALPHA * (report.sog_kn - self.usual_speed_kn)
        self.positions_seen += 1
        self.recent_epochs_s.append(report.epoch_s)
        if len(self.recent_epochs_s) > RECENT_REPORTS_KEPT:
            del self.recent_epochs_s[0]

    def is_in_order(self, report: PositionReport) -> bool:
        return self.last_epoch_s is None or report.epoch_s > self.last_epoch_s

    def apply_static(self, report: StaticReport) -> None:
        """Keep the newest known value of each static field; a missing field keeps the old one.
        For the identity fields, remember when the value was first seen and the one it replaced."""
        epoch_s = report.epoch_s
        for name, since, prev in _IDENTITY_FIELDS:
            value = getattr(report, name)
            if value is not None:
                old = getattr(self, name)
                if value != old:
                    setattr(self, prev, old)
                    setattr(self, since, epoch_s)
                    setattr(self, name, value)
        for name in ("length_m", "beam_m", "destination"):
            value = getattr(report, name)
            if value is not None:
                setattr(self, name, value)
        draught = report.draught_m
        if draught is not None:
            if draught != self.draught_m:
                self.prev_draught_m = self.draught_m
                self.draught_since_s = epoch_s
                self.draught_m = draught
            self.draught_epoch_s = epoch_s
        if self.ais_class is None:
            self.ais_class = report.ais_class
        self.static_epoch_s = report.epoch_s

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able fields; the lists are copied, so later updates do not reach the copy.
        (`dataclasses.asdict` does the same four times slower, and the worker calls this for
        every changed vessel at every commit.)"""
        data = {name: getattr(self, name) for name in _FIELD_NAMES}
        data["recent_epochs_s"] = list(self.recent_epochs_s)
        data["watchlist_hits"] = list(self.watchlist_hits)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> VesselState:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


_FIELD_NAMES = tuple(f.name for f in fields(VesselState))
_IDENTITY_FIELDS = tuple((name, f"{name}_since_s", f"prev_{name}") for name in ("name", "callsign", "imo", "ship_type"))


class VesselStates:
    """In-memory store used by replay; the worker keeps the same objects in a Faust table."""

    def __init__(self) -> None:
        self._by_mmsi: dict[int, VesselState] = {}

    def get(self, mmsi: int) -> VesselState:
        state = self._by_mmsi.get(mmsi)
        if state is None:
            state = self._by_mmsi[mmsi] = VesselState(mmsi)
        return state

    def __len__(self) -> int:
        return len(self._by_mmsi)

    def __iter__(self):
        return iter(self._by_mmsi.values())
