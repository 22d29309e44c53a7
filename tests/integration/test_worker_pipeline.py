"""The worker on a real broker: real NMEA in, alerts and dead letters out, and the same alerts as replay."""

from __future__ import annotations

from collections import Counter

import pytest

from streams.schemas import validate
from streams.wire import events_from_position_payload, statics_from_payload

from .worker_harness import NMEA_DATA, SAMPLE_FEED, replay_payloads, start_worker

FEEDS = [
    SAMPLE_FEED,
    NMEA_DATA / "dma-aislib" / "replay_dump.txt",
    NMEA_DATA / "gfw-ais-tools" / "errors.nmea",
    NMEA_DATA / "gfw-ais-tools" / "type1-bad-bitcount.nmea",
    NMEA_DATA / "gfw-ais-tools" / "bad-type5.nmea",
    NMEA_DATA / "gfw-ais-tools" / "ee-multiline.nmea",
]
# Fields that depend on when the worker's timer looked (wall clock), not on the input.
CLOCK_DEPENDENT_EVIDENCE = {"dark_so_far_s", "checked_at", "score_terms"}


def final_versions(payloads: list[dict]) -> dict[str, dict]:
    latest: dict[str, dict] = {}
    for payload in payloads:
        latest[payload["alert_id"]] = payload
    return latest


def comparable(alert: dict) -> dict:
    kept = {k: v for k, v in alert.items() if k != "emitted_at"}
    if alert["end"] is None:
        kept["evidence"] = {k: v for k, v in alert["evidence"].items() if k not in CLOCK_DEPENDENT_EVIDENCE}
        kept.pop("score")
        kept.pop("severity")
        kept.pop("summary")
    return kept


@pytest.fixture
def worker_run(kafka_broker, unique_topics, tmp_path):
    run = start_worker(kafka_broker.bootstrap, unique_topics, tmp_path)
    try:
        yield run
    finally:
        run.worker.stop()


def test_worker_gives_replays_alerts_and_dead_letters_and_accounts_for_every_line(worker_run):
    topics = worker_run.settings.topics
    published = sum(worker_run.publish(path) for path in FEEDS)
    worker_run.wait_consumed(published)
    expected_alerts, expected_dead, summary = replay_payloads(FEEDS, worker_run.settings)
    expected = final_versions(expected_alerts)
    assert {a["type"] for a in expected.values()} == {"ais_gap"} and len(expected) == 3

    alert_records = worker_run.read(
        topics.alerts.name, until=lambda records: len({r["value"]["alert_id"] for r in records}) >= len(expected)
    )
    for record in alert_records:
        validate("alerts", record["value"])
        assert record["key"] == record["value"]["alert_id"]
    got = final_versions([r["value"] for r in alert_records])
    assert {k: comparable(v) for k, v in got.items()} == {k: comparable(v) for k, v in expected.items()}

    dead_records = worker_run.read(topics.deadletter.name, until=lambda records: len(records) >= len(expected_dead))
    for record in dead_records:
        validate("deadletter", record["value"])
    assert Counter((r["value"]["reason"], r["value"]["raw"]) for r in dead_records) == Counter(
        (d["reason"], d["raw"]) for d in expected_dead
    )

    position_records = worker_run.read(topics.position.name)
    static_records = worker_run.read(topics.static.name)
    for record in position_records:
        validate("ais.position", record["value"])
    for record in static_records:
        validate("ais.static", record["value"])
    events = [e for r in position_records for e in events_from_position_payload(r["value"])]
    statics = [s for r in static_records for s in statics_from_payload(r["value"])]
    assert len(events) == summary.positions + summary.statics
    assert len(statics) == summary.statics

    metrics = worker_run.worker.scrape()
    ignored = sum(v for k, v in metrics.items() if k.startswith("picket_ais_messages_ignored_total"))
    dead = sum(v for k, v in metrics.items() if k.startswith("picket_dead_letters_total"))
    blank_lines = summary.ignored_by_reason.get("blank", 0)  # `produce` does not publish blank lines
    assert published == summary.lines_in - blank_lines
    # records in = records out + dead letters (+ input no detector uses, counted by reason)
    lines_used = summary.lines_in - summary.ignored - summary.dead_letters
    assert published == lines_used + ignored + dead
    assert dead == len(expected_dead)


def test_unreadable_record_goes_to_deadletter_and_the_worker_keeps_going(worker_run):
    from kafka import KafkaProducer

    topics = worker_run.settings.topics
    producer = KafkaProducer(bootstrap_servers=worker_run.bootstrap)
    producer.send(topics.raw.name, key=b"broken", value=b"{not json")
    producer.send(topics.raw.name, key=b"broken", value=b'{"source": "x", "lines": "not a list"}')
    producer.send(topics.position.name, value=b'{"schema_version": 1, "positions": [{"mmsi": "x"}]}')
    producer.flush()
    producer.close()
    published = worker_run.publish(SAMPLE_FEED)
    worker_run.wait_consumed(published)
    dead = worker_run.read(topics.deadletter.name, until=lambda records: len(records) >= 6)
    reasons = Counter(r["value"]["reason"] for r in dead)
    assert reasons["bad_record"] == 3
    assert {r["value"]["topic"] for r in dead if r["value"]["reason"] == "bad_record"} == {topics.raw.name, topics.position.name}
    for record in dead:
        validate("deadletter", record["value"])
