"""Baseline B: Quix Streams running our pure core, one AIS line per Kafka record.

    python -m bench.quix_baseline --broker HOST:PORT --topic T --group G --alerts-topic A \
        --expect N --out FILE --state-dir DIR

Per record: `AisDecoder.decode([line])` (one decoder per record key, the receiver, as the worker
keeps one per source), `EventTimeProcessor.process(events)` plus the event-time check for vessels
still dark, and every alert produced to `--alerts-topic` keyed by alert id. Vessel state lives in
process memory (`VesselStates`), as in `picket replay`: no Quix state store, no changelog. Comparable
work to the worker's decode + track agents, minus its batching, its second Kafka hop and its
changelogged table.

Writes `{"count", "first_s", "last_s", "rate", "alerts", "events"}` to `--out` at the `--expect`-th
record, then stops the application.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    from quixstreams import Application, message_context

    from streams.config import load_settings
    from streams.core import DetectionCore
    from streams.domain.alerts import alert_payload
    from streams.domain.vessel_state import VesselStates
    from streams.ingest import AisDecoder
    from streams.processing import EventTimeProcessor
    from streams.refdata import load_reference_data

    parser = argparse.ArgumentParser(prog="python -m bench.quix_baseline")
    parser.add_argument("--broker", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--group", required=True)
    parser.add_argument("--alerts-topic", required=True)
    parser.add_argument("--expect", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--state-dir", type=Path, required=True)
    args = parser.parse_args(argv)

    settings = load_settings()
    processor = EventTimeProcessor(DetectionCore(settings.detection, load_reference_data()), VesselStates())
    decoders: dict[str, AisDecoder] = {}

    app = Application(
        broker_address=args.broker,
        consumer_group=args.group,
        auto_offset_reset="earliest",
        state_dir=str(args.state_dir),
        loglevel=os.environ.get("BENCH_QUIX_LOGLEVEL", "WARNING"),
    )
    lines_topic = app.topic(args.topic, key_deserializer="str", value_deserializer="bytes")
    alerts_topic = app.topic(args.alerts_topic, key_serializer="str", value_serializer="json")
    counters = {"count": 0, "first_s": 0.0, "alerts": 0, "events": 0, "duplicates": 0}
    expect = args.expect
    dead: dict[str, int] = {}
    seen: set[tuple[int, int]] = set()  # (partition, offset): a record delivered twice is not counted twice

    def handle(value: bytes, key: str, timestamp: int, headers: object) -> list[dict]:
        context = message_context()
        where = (context.partition, context.offset)
        if where in seen:
            counters["duplicates"] += 1
            return []
        seen.add(where)
        decoder = decoders.get(key)
        if decoder is None:
            decoder = decoders[key] = AisDecoder(settings.ingest, key or "unknown", "nmea")
        result = decoder.decode([value.decode("utf-8", "replace")])
        alerts = processor.process(result.events)
        due = processor.check_open_if_due()
        if due:
            alerts.extend(due)
        counters["events"] += len(result.events)
        for letter in result.dead_letters:
            dead[letter.reason] = dead.get(letter.reason, 0) + 1
        counters["alerts"] += len(alerts)
        counters["count"] += 1
        count = counters["count"]
        if count == 1:
            counters["first_s"] = time.perf_counter()
        elif count == expect:
            last_s = time.perf_counter()
            first_s = counters["first_s"]
            report = dict(counters, dead_letters=dead, last_s=last_s, rate=(count - 1) / (last_s - first_s) if last_s > first_s else 0.0)
            tmp = args.out.with_suffix(".tmp")
            tmp.write_text(json.dumps(report))
            os.replace(tmp, args.out)
            app.stop()
        if not alerts:
            return []
        now = time.time()
        return [alert_payload(alert, now) for alert in alerts]

    sdf = app.dataframe(lines_topic)
    sdf = sdf.apply(handle, metadata=True, expand=True)
    sdf.to_topic(alerts_topic, key=lambda payload: payload["alert_id"])
    app.run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
