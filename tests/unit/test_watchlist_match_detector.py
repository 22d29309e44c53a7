from __future__ import annotations

from streams.core import DetectionConfig, DetectionCore
from streams.domain.alerts import alert_payload
from streams.domain.events import StaticReport
from streams.domain.vessel_state import VesselStates
from streams.processing import EventTimeProcessor
from streams.schemas import validate
from streams.watchlist import Watchlist, WatchlistEntry

from .conftest import position

T0 = 1_700_000_000.0
LISTED = WatchlistEntry("CHON MA SAN", "OFAC-SDN", "23729", imo=8660313, programmes=("DPRK4",))


def static(mmsi: int, epoch_s: float, name: str | None = None, imo: int | None = None) -> StaticReport:
    return StaticReport(mmsi=mmsi, epoch_s=epoch_s, msg_type=5, ais_class="A", source="test", name=name, imo=imo)


def run(reference, events, watchlist=Watchlist([LISTED])):
    core = DetectionCore(DetectionConfig(), reference, watchlist=watchlist)
    return [a for a in EventTimeProcessor(core, VesselStates()).process(events) if a.type == "watchlist_match"]


def test_listed_imo_under_a_dprk_mmsi_is_critical_and_raised_once(reference):
    events = [
        position(445_112_000, T0, 38.7, 125.0),
        static(445_112_000, T0 + 1, "CHON MA SAN", 8660313),
        static(445_112_000, T0 + 400, "CHON MA SAN", 8660313),
    ]
    [alert] = run(reference, events)
    assert alert.severity == "critical" and alert.evidence["hit_kind"] == "imo"
    assert alert.evidence["entry"]["source_ref"] == "23729"
    validate("alerts", alert_payload(alert, T0))


def test_renamed_vessel_is_found_by_its_imo(reference):
    [alert] = run(reference, [static(352_001_999, T0, "OCEAN STAR", 8660313)])
    assert alert.severity == "high" and alert.evidence["hit_kind"] == "imo"
    assert alert.evidence["name_score"] < 0.6


def test_name_only_match_is_medium(reference):
    [alert] = run(reference, [static(352_001_999, T0, "M/V CHON-MA SAN", None)])
    assert alert.severity == "medium" and alert.evidence["hit_kind"] == "name"


def test_unlisted_vessel_and_no_watchlist_are_silent(reference):
    assert run(reference, [static(352_001_999, T0, "OCEAN GRACE", 9107203)]) == []
    assert run(reference, [static(445_112_000, T0, "CHON MA SAN", 8660313)], watchlist=None) == []
