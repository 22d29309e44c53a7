"""Pure-core test harness: small, explicit reference data and a `run_pipeline(events) -> alerts`."""

from __future__ import annotations

import pytest

from streams.core import DetectionConfig, DetectionCore
from streams.domain.alerts import Alert
from streams.domain.events import AisEvent, PositionReport, StaticReport
from streams.domain.reference import Area, AreaSet, FlagRegistry, Port, PortIndex, ReferenceData
from streams.domain.vessel_state import VesselStates
from streams.processing import EventTimeProcessor

TEST_FLAGS = {440: "Korea (Republic of)", 412: "China", 477: "Hong Kong", 667: "Sierra Leone", 351: "Panama", 671: "Togo"}
"""More allocated MIDs for the fixture's registry, so identity_change does not raise the tests' MMSIs as unallocated."""

KOREA_BAY = Area("Korea Bay", ((121.0, 38.5), (125.0, 38.5), (125.0, 40.0), (121.0, 40.0), (121.0, 38.5)))


@pytest.fixture
def reference() -> ReferenceData:
    ports = PortIndex([Port("NAMPO", "North Korea", 38.73, 125.40), Port("DALIAN", "China", 38.93, 121.65)])
    return ReferenceData(ports, AreaSet([KOREA_BAY]), FlagRegistry({445: "Korea (DPRK)", 352: "Panama", **TEST_FLAGS}))


def position(mmsi: int, epoch_s: float, lat: float, lon: float, sog_kn: float | None = 10.0, ais_class: str = "A") -> PositionReport:
    return PositionReport(
        mmsi=mmsi, epoch_s=epoch_s, lat=lat, lon=lon, sog_kn=sog_kn, cog_deg=90.0, heading_deg=90,
        nav_status=0, turn_rate_deg_min=0.0, msg_type=1 if ais_class == "A" else 18, ais_class=ais_class,
        source="test",
    )


def regular_track(mmsi: int, start_s: float, count: int, lat: float, lon: float, interval_s: float = 600.0,
                  sog_kn: float = 10.0, ais_class: str = "A") -> list[PositionReport]:
    """A vessel steaming east at `sog_kn`, reporting every `interval_s`."""
    step_deg = sog_kn * interval_s / 3600 / 60  # nm per report, as degrees of longitude near the equator
    return [position(mmsi, start_s + i * interval_s, lat, lon + i * step_deg, sog_kn, ais_class) for i in range(count)]


def static(mmsi: int, epoch_s: float, name: str | None = None, imo: int | None = None, callsign: str | None = None,
           ship_type: int | None = None, draught_m: float | None = None, ais_class: str = "A") -> StaticReport:
    """A static and voyage report (type 5 for class A, 24 for class B) carrying only the given fields."""
    return StaticReport(
        mmsi=mmsi, epoch_s=epoch_s, msg_type=5 if ais_class == "A" else 24, ais_class=ais_class, source="test",
        name=name, imo=imo, callsign=callsign, ship_type=ship_type, draught_m=draught_m,
    )


def by_type(alerts: list[Alert], alert_type: str) -> list[Alert]:
    return [a for a in alerts if a.type == alert_type]


@pytest.fixture
def run_pipeline(reference):
    def run(events: list[AisEvent], config: DetectionConfig | None = None, finish: bool = True) -> list[Alert]:
        processor = EventTimeProcessor(DetectionCore(config or DetectionConfig(), reference), VesselStates())
        alerts = processor.process(events)
        if finish:
            alerts += processor.check_open()
        return alerts

    return run
