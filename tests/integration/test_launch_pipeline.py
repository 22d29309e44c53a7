"""The CNS missile-test database through the worker on a real broker gives replay's launch alerts."""

from __future__ import annotations

from collections import Counter

from streams.adapters.kafka_io import publish_launch_records
from streams.launch import load_launch_reference, parse_launch_lines
from streams.schemas import validate

from .test_worker_pipeline import comparable, final_versions
from .worker_harness import ROOT, replay_payloads, start_worker

CNS_DATABASE = ROOT / "examples" / "nk_missile_tests.csv"


def test_worker_gives_replays_launch_alerts_for_the_whole_cns_database(kafka_broker, unique_topics, tmp_path):
    run = start_worker(kafka_broker.bootstrap, unique_topics, tmp_path)
    try:
        topics = run.settings.topics
        with open(CNS_DATABASE, newline="", encoding="utf-8") as lines:
            records = parse_launch_lines(lines, CNS_DATABASE.name, "auto", load_launch_reference().sites)
            published = publish_launch_records(run.bootstrap, topics.launch.name, topics.deadletter.name, records, CNS_DATABASE.name)
        expected_alerts, expected_dead, _ = replay_payloads([], run.settings, [CNS_DATABASE])
        expected = final_versions(expected_alerts)
        assert published.records + published.dead_letters == 339 and len(expected) == published.records

        records = run.read(topics.alerts.name, until=lambda rs: len({r["value"]["alert_id"] for r in rs}) >= len(expected))
        for record in records:
            validate("alerts", record["value"])
        got = final_versions([r["value"] for r in records])
        assert {k: comparable(v) for k, v in got.items()} == {k: comparable(v) for k, v in expected.items()}
        assert Counter(a["severity"] for a in got.values()) == Counter(a["severity"] for a in expected.values())

        dead = run.read(topics.deadletter.name, until=lambda rs: len(rs) >= len(expected_dead))
        assert Counter((d["value"]["reason"], d["value"]["raw"]) for d in dead) == Counter(
            (d["reason"], d["raw"]) for d in expected_dead
        )
    finally:
        run.worker.stop()
