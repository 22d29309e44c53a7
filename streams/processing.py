"""Drives the detection core over a stream of events on event time; shared by replay and worker.

Pure like the core: the caller owns the state store and sends the alerts wherever they go.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

from streams.core import DetectionCore
from streams.domain.alerts import Alert
from streams.domain.events import AisEvent
from streams.domain.vessel_state import VesselState


class VesselStore(Protocol):
    def get(self, mmsi: int) -> VesselState: ...
    def __iter__(self) -> Iterator[VesselState]: ...
    def __len__(self) -> int: ...


class EventTimeProcessor:
    """Feeds events to the core and checks ongoing activity as event time advances.

    The clock is the newest event time seen (the watermark), never the wall clock, so a day
    of archive replays in seconds and gives the same alerts each time.
    """

    def __init__(self, core: DetectionCore, store: VesselStore) -> None:
        self.core = core
        self.store = store
        self.watermark_s: float | None = None
        self._last_open_check_s: float | None = None

    def process(self, events: Iterable[AisEvent]) -> list[Alert]:
        alerts: list[Alert] = []
        watermark = self.watermark_s
        on_event = self.core.on_event
        get = self.store.get
        for event in events:
            if watermark is None or event.epoch_s > watermark:
                watermark = event.epoch_s
            found = on_event(get(event.mmsi), event)
            if found:
                alerts.extend(found)
        self.watermark_s = watermark
        return alerts

    def check_open_if_due(self) -> list[Alert]:
        """Alerts for activity still ongoing, at most once per `open_check_interval_s` of event time."""
        if self.watermark_s is None:
            return []
        interval = self.core.config.open_check_interval_s
        if self._last_open_check_s is not None and self.watermark_s - self._last_open_check_s < interval:
            return []
        return self.check_open()

    def check_open(self) -> list[Alert]:
        if self.watermark_s is None:
            return []
        self._last_open_check_s = self.watermark_s
        return self.core.on_clock(self.store, self.watermark_s)
