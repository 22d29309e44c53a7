"""The detection core: every detector wired over vessel state. Pure: no broker, no metrics, no clock."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from streams.detectors.ais_gap import GapConfig, GapDetector
from streams.detectors.draft_change import DraftChangeDetector, DraftConfig
from streams.detectors.identity_change import IdentityConfig, IdentityDetector, IdentityIndex, ImoStore
from streams.detectors.kinematic_spoof import KinematicSpoofDetector, SpoofConfig
from streams.detectors.loitering import LoiteringConfig, LoiteringDetector
from streams.detectors.restricted_port_call import PortCallConfig, RestrictedPortDetector
from streams.detectors.watchlist_match import WatchlistMatchConfig, WatchlistMatchDetector
from streams.domain.alerts import Alert
from streams.domain.events import AisEvent, PositionReport
from streams.domain.reference import ReferenceData
from streams.domain.vessel_state import VesselState
from streams.watchlist import Watchlist


@dataclass(frozen=True, slots=True)
class DetectionConfig:
    gap: GapConfig = field(default_factory=GapConfig)
    identity: IdentityConfig = field(default_factory=IdentityConfig)
    draft: DraftConfig = field(default_factory=DraftConfig)
    port_call: PortCallConfig = field(default_factory=PortCallConfig)
    spoof: SpoofConfig = field(default_factory=SpoofConfig)
    loitering: LoiteringConfig = field(default_factory=LoiteringConfig)
    watchlist: WatchlistMatchConfig = field(default_factory=WatchlistMatchConfig)
    open_check_interval_s: float = 600.0
    """Event-time interval between checks for activity still ongoing (a vessel still dark).
    10 min: well under the 6 h gap threshold, and cheap (one pass over the vessels)."""

    def __post_init__(self) -> None:
        if self.open_check_interval_s <= 0:
            raise ValueError("open_check_interval_s must be positive")


class DetectionCore:
    """Runs every detector over one vessel's events (`on_event`) and the event-time clock (`on_clock`).

    `identity_index` is the cross-vessel state of `identity_change` (IMO -> MMSIs); by default an
    in-memory `IdentityIndex`, which is what replay wants. A worker whose vessels are spread over
    partitions should hand the sightings to an agent keyed by IMO instead (see `IdentityIndex`).
    """

    def __init__(
        self,
        config: DetectionConfig,
        reference: ReferenceData,
        identity_index: ImoStore | None = None,
        watchlist: Watchlist | None = None,
    ) -> None:
        self.config = config
        self.reference = reference
        self.gap = GapDetector(config.gap, reference)
        self.identity = IdentityDetector(config.identity, reference)
        self.draft = DraftChangeDetector(config.draft, reference)
        self.port_call = RestrictedPortDetector(config.port_call, reference)
        self.spoof = KinematicSpoofDetector(config.spoof, reference)
        self.loitering = LoiteringDetector(config.loitering, reference)
        self.watchlist = WatchlistMatchDetector(config.watchlist, reference, watchlist)
        self.identity_index: ImoStore = IdentityIndex() if identity_index is None else identity_index
        # the detectors' gates, read on every position
        self._port_box = self.port_call.bbox
        self._spoof_min_deg = self.spoof.min_distance_deg
        self._spoof_deg_per_s = self.spoof.min_limit_deg_per_s
        self._loiter_types = self.loitering.ship_types
        self._loiter_window_s = config.loitering.window_s

    def on_event(self, state: VesselState, event: AisEvent) -> list[Alert]:
        """Feed one event of `state`'s vessel; returns the alerts it opens, updates or closes.

        Positions are the hot path (60,000 a second in replay): each detector's cheap gate is
        tested here, so a detector is called only for the positions it may act on.
        """
        if isinstance(event, PositionReport):
            if not state.is_in_order(event):
                # Receivers and merged feeds deliver late copies; an older fix must not reopen a gap.
                state.out_of_order_positions += 1
                return self.identity.check_mmsi(state, event) if not state.mmsi_checked else []
            alerts = self.gap.on_position(state, event)
            if alerts:
                for alert in alerts:
                    if alert.end_s is not None:  # a gap closed: later detectors report it as context
                        state.last_gap_start_s, state.last_gap_end_s = alert.start_s, alert.end_s
            if not state.mmsi_checked:
                alerts += self.identity.check_mmsi(state, event)
            if state.positions_seen == 0 and state.static_epoch_s is None:  # first sight: MMSI only
                alerts += self.watchlist.on_identity(state, event.epoch_s)
            lat, lon = event.lat, event.lon
            min_lat, max_lat, min_lon, max_lon = self._port_box
            if state.port_call_port is not None or (min_lat <= lat <= max_lat and min_lon <= lon <= max_lon):
                alerts += self.port_call.on_position(state, event)
            last_lat = state.last_lat
            if last_lat is not None:
                # degrees of latitude plus longitude bound the distance: most moves are dismissed here
                moved_deg = abs(lat - last_lat) + abs(lon - state.last_lon)  # type: ignore[operator]
                if moved_deg >= self._spoof_min_deg and moved_deg > self._spoof_deg_per_s * (event.epoch_s - state.last_epoch_s):  # type: ignore[operator]
                    alerts += self.spoof.on_position(state, event)
            if state.ship_type in self._loiter_types and (
                state.loiter_anchor_s is None or event.epoch_s - state.loiter_anchor_s >= self._loiter_window_s
            ):
                alerts += self.loitering.on_position(state, event)
            state.apply_position(event)
            return alerts
        alerts = self.identity.check_mmsi(state, event) if not state.mmsi_checked else []
        alerts += self.identity.on_static(state, event)
        if event.draught_m is not None:
            alerts += self.draft.on_static(state, event)
        state.apply_static(event)
        alerts += self.watchlist.on_identity(state, event.epoch_s)
        sighting = self.identity.sighting(state, event.epoch_s)
        if sighting is not None:
            alerts += self.identity.on_imo_sighting(self.identity_index, sighting)
        return alerts

    def on_clock(self, states: Iterable[VesselState], now_s: float) -> list[Alert]:
        """Alerts for activity still ongoing at `now_s` (event time): a vessel that is still dark."""
        alerts: list[Alert] = []
        for state in states:
            alerts.extend(self.gap.check_open(state, now_s))
        return alerts
