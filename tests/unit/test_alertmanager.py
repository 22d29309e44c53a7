"""Alert payload -> Alertmanager v2 alert, on real `ais_gap` alerts (open, then closed), and the
bridge's delivery rules against a fake Alertmanager client (no broker, no HTTP)."""

from __future__ import annotations

import threading

import pytest

from streams.adapters.alertmanager import (
    AlertmanagerBridge,
    AlertmanagerUnavailable,
    AlertMappingError,
    BridgeConfig,
    PostResult,
    _Record,
    describe,
    resolution_of,
    to_alertmanager,
)
from streams.detectors.ais_gap import GapConfig, GapDetector
from streams.domain.alerts import Alert, Rule, alert_payload, iso_utc, make_alert_id
from streams.domain.events import PositionReport
from streams.domain.reference import AreaSet, FlagRegistry, Port, PortIndex, ReferenceData
from streams.domain.vessel_state import VesselState
from streams.refdata import areas_from_geojson
from streams.wire import dumps, loads

T0 = 1_700_000_000.0  # 2023-11-14T22:13:20Z
DPRK_MMSI = 445012000
DPRK = "Democratic People's Republic of Korea"
NOW = T0 + 20 * 3600


def reference() -> ReferenceData:
    yellow_sea = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"name": "Yellow Sea"},
                      "geometry": {"type": "Polygon", "coordinates": [[[119, 32], [127, 32], [127, 39], [119, 39], [119, 32]]]}}],
    }
    return ReferenceData(
        ports=PortIndex([Port("Nampo", "North Korea", 38.716667, 125.4)]),
        areas_of_interest=AreaSet(areas_from_geojson(yellow_sea)),
        flags=FlagRegistry({445: DPRK}),
    )


def gap_payloads(mmsi: int = DPRK_MMSI, t0: float = T0) -> tuple[dict, dict]:
    """The open (7 h dark, medium) and closed (back after 15 h, high) versions of one real
    `ais_gap` alert, as they travel on the `alerts` topic."""
    detector = GapDetector(GapConfig(), reference())
    state = VesselState(mmsi, name="CHONG CHON GANG", imo=7937317)
    for i in range(19):
        report = PositionReport(mmsi, t0 + i * 600, round(37.6 - i * 0.02, 5), round(124.3 - i * 0.005, 5), 7.2, 194.0,
                                195, 0, 0.0, 1, "A", "sat-1")
        assert detector.on_position(state, report) == []
        state.apply_position(report)
    last = t0 + 18 * 600
    (still_dark,) = detector.check_open(state, last + 7 * 3600)
    back = PositionReport(mmsi, last + 15 * 3600, 38.62, 125.05, None, None, None, 0, None, 1, "A", "sat-1")
    (reappeared,) = detector.on_position(state, back)
    emitted = [last + 7 * 3600 + 1, last + 15 * 3600 + 1]
    return tuple(loads(dumps(alert_payload(a, at))) for a, at in zip((still_dark, reappeared), emitted))  # type: ignore[return-value]


@pytest.fixture(scope="module")
def gap() -> tuple[dict, dict]:
    return gap_payloads()


def test_labels_identify_and_route_the_alert(gap) -> None:
    still_dark, reappeared = gap
    alert = to_alertmanager(still_dark, NOW)
    assert alert["labels"] == {
        "alertname": "picket_ais_gap",
        "type": "ais_gap",
        "severity": "medium",
        "subject": str(DPRK_MMSI),
        "alert_id": still_dark["alert_id"],
    }
    assert to_alertmanager(reappeared, NOW)["labels"]["severity"] == "high"


def test_annotations_carry_summary_vessel_and_compact_evidence(gap) -> None:
    still_dark, _ = gap
    annotations = to_alertmanager(still_dark, NOW)["annotations"]
    assert annotations["summary"] == still_dark["summary"] and "dark" in annotations["summary"]
    description = annotations["description"]
    assert description.startswith(f"vessel {DPRK_MMSI} CHONG CHON GANG ({DPRK}, IMO 7937317); score ")
    assert f"{still_dark['start']} -> ongoing" in description
    assert "off_areas_of_interest=Yellow Sea" in description
    assert "off_nearest_port=Nampo" in description
    assert "dark_so_far_s=25200" in description
    assert "\n" not in description
    assert "evidence" not in annotations and "generatorURL" not in to_alertmanager(still_dark, NOW)


def test_evidence_link_from_template(gap) -> None:
    still_dark, _ = gap
    alert = to_alertmanager(still_dark, NOW, evidence_url_template="https://picket.example/alerts/{alert_id}?mmsi={subject}")
    link = f"https://picket.example/alerts/{still_dark['alert_id']}?mmsi={DPRK_MMSI}"
    assert alert["annotations"]["evidence"] == link
    assert alert["generatorURL"] == link


def test_open_alert_starts_at_its_start_and_ends_a_ttl_from_now(gap) -> None:
    still_dark, _ = gap
    alert = to_alertmanager(still_dark, NOW, open_ttl_s=240.0)
    assert alert["startsAt"] == still_dark["start"] == iso_utc(T0 + 18 * 600)
    assert alert["endsAt"] == iso_utc(NOW + 240.0)


def test_closed_alert_ends_at_its_end_so_alertmanager_resolves_it(gap) -> None:
    still_dark, reappeared = gap
    assert reappeared["alert_id"] == still_dark["alert_id"]
    alert = to_alertmanager(reappeared, NOW, open_ttl_s=240.0)
    assert alert["startsAt"] == reappeared["start"]
    assert alert["endsAt"] == reappeared["end"] == iso_utc(T0 + 18 * 600 + 15 * 3600)


def test_resolution_of_a_superseded_label_set_ends_it_now(gap) -> None:
    still_dark, _ = gap
    posted = to_alertmanager(still_dark, NOW - 60)
    resolved = resolution_of(posted, NOW)
    assert resolved["labels"] == posted["labels"]
    assert resolved["endsAt"] == iso_utc(NOW)


def test_alert_without_vessels_takes_its_subject_from_the_evidence() -> None:
    rule = Rule("launch", 1)
    launch = Alert(
        alert_id=make_alert_id("launch", ["Sohae"], T0, rule), type="launch", severity="critical", score=1.0,
        vessels=(), start_s=T0, end_s=None, position=None, evidence={"subject": "Sohae", "apogee_m": 1_200_000.0},
        rule=rule, summary="",
    )
    alert = to_alertmanager(loads(dumps(alert_payload(launch, T0))), T0)
    assert alert["labels"]["subject"] == "Sohae"
    assert alert["annotations"]["summary"] == "launch Sohae"  # empty summary: type and subject
    assert "apogee_m=1200000" in alert["annotations"]["description"]
    no_subject = loads(dumps(alert_payload(launch, T0)))
    no_subject["evidence"] = {}
    assert "subject" not in to_alertmanager(no_subject, T0)["labels"]


def test_two_vessels_make_one_sorted_subject(gap) -> None:
    payload = dict(gap[0], vessels=[{"mmsi": 477995300, "imo": None, "name": None, "flag": None}, *gap[0]["vessels"]])
    assert to_alertmanager(payload, NOW)["labels"]["subject"] == f"{DPRK_MMSI},477995300"
    assert "vessel 477995300;" in describe(payload)


def test_description_is_bounded(gap) -> None:
    payload = dict(gap[0], evidence={"note": "x" * 10_000})
    assert len(describe(payload)) == 2000


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: p.pop("alert_id"), "'alert_id'"),
        (lambda p: p.update(type=None), "'type'"),
        (lambda p: p.update(start="yesterday"), "'start' is not ISO-8601"),
        (lambda p: p.update(start="2023-11-15T01:23:20"), "no time zone"),
        (lambda p: p.update(end=5), "'end'"),
        (lambda p: p.update(vessels=None), "'vessels'"),
    ],
)
def test_what_is_not_the_alert_contract_is_refused(gap, change, message: str) -> None:
    payload = dict(gap[0])
    change(payload)
    with pytest.raises(AlertMappingError, match=message):
        to_alertmanager(payload, NOW)


def test_a_record_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(AlertMappingError, match="not a JSON object"):
        to_alertmanager([1, 2], NOW)  # type: ignore[arg-type]


# ---------------------------------------------------------------- delivery rules, fake Alertmanager


class FakeAlertmanager:
    """Answers like Alertmanager: stores valid alerts, 400 when any is invalid (end before start);
    `down` makes it unavailable for that many posts."""

    def __init__(self, down: int = 0) -> None:
        self.down = down
        self.posts: list[list[dict]] = []

    def post(self, alerts: list[dict]) -> PostResult:
        if self.down > 0:
            self.down -= 1
            raise AlertmanagerUnavailable("connection refused")
        self.posts.append(alerts)
        bad = [a for a in alerts if a["endsAt"] < a["startsAt"]]
        return PostResult(not bad, 400 if bad else 200, "start time must be before end time" if bad else "")


def bridge_with(fake: FakeAlertmanager) -> tuple[AlertmanagerBridge, list[_Record]]:
    bridge = AlertmanagerBridge("unused:9092", BridgeConfig(retry_initial_s=0.01, retry_max_s=0.02), client=fake,
                                clock=lambda: NOW)
    dead: list[_Record] = []
    bridge._dead_letter = dead.append  # type: ignore[method-assign]  # the Kafka producer is the adapter's
    return bridge, dead


def record(payload: dict | bytes, offset: int = 0) -> _Record:
    return _Record(("alerts", 0), offset, payload if isinstance(payload, bytes) else dumps(payload))


def test_retries_while_unavailable_then_posts_and_remembers_open_alerts(gap) -> None:
    fake = FakeAlertmanager(down=3)
    bridge, dead = bridge_with(fake)
    assert bridge._deliver([record(gap[0])], threading.Event()) is True
    assert len(fake.posts) == 1 and dead == []
    assert list(bridge.open) == [gap[0]["alert_id"]]


def test_stop_while_retrying_delivers_nothing(gap) -> None:
    fake = FakeAlertmanager(down=10**6)
    bridge, _ = bridge_with(fake)
    stop = threading.Event()
    threading.Timer(0.1, stop.set).start()
    assert bridge._deliver([record(gap[0])], stop) is False
    assert bridge.open == {}


def test_rejected_and_unreadable_records_are_dead_lettered_the_rest_posted(gap) -> None:
    still_dark, reappeared = gap
    backwards = dict(reappeared, alert_id="0" * 32, end="2000-01-01T00:00:00.000Z")
    fake = FakeAlertmanager()
    bridge, dead = bridge_with(fake)
    batch = [record(still_dark, 0), record(b"not json", 1), record(backwards, 2)]
    assert bridge._deliver(batch, threading.Event()) is True
    assert [(r.offset, r.error.split(":")[0]) for r in dead] == [(1, "JSONDecodeError"), (2, "HTTP 400")]
    assert "start time must be before end time" in dead[1].error
    assert list(bridge.open) == [still_dark["alert_id"]]


def test_closing_with_a_new_severity_resolves_the_old_label_set(gap) -> None:
    still_dark, reappeared = gap
    fake = FakeAlertmanager()
    bridge, _ = bridge_with(fake)
    bridge._deliver([record(still_dark, 0)], threading.Event())
    bridge._deliver([record(reappeared, 1)], threading.Event())
    old, new = fake.posts[1]
    assert old["labels"]["severity"] == "medium" and old["endsAt"] == iso_utc(NOW)
    assert new["labels"]["severity"] == "high" and new["endsAt"] == reappeared["end"]
    assert bridge.open == {}


def test_both_versions_in_one_batch_still_resolve_the_first(gap) -> None:
    fake = FakeAlertmanager()
    bridge, _ = bridge_with(fake)
    bridge._deliver([record(gap[0], 0), record(gap[1], 1)], threading.Event())
    (posted,) = fake.posts
    assert [(a["labels"]["severity"], a["endsAt"]) for a in posted] == [
        ("medium", iso_utc(NOW + 240.0)), ("medium", iso_utc(NOW)), ("high", gap[1]["end"])
    ]


def test_open_alerts_are_reposted_with_a_fresh_end(gap) -> None:
    fake = FakeAlertmanager()
    bridge, _ = bridge_with(fake)
    bridge._deliver([record(gap[0], 0)], threading.Event())
    bridge.clock = lambda: NOW + 100
    bridge._repost_open(threading.Event())
    (reposted,) = fake.posts[-1]
    assert reposted["labels"]["alert_id"] == gap[0]["alert_id"]
    assert reposted["endsAt"] == iso_utc(NOW + 100 + 240.0)
