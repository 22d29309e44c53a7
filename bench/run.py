"""`make bench`: throughput and latency of replay and worker, beside baselines measured in the same run.

    python -m bench.run [--lines N] [--repeats 3] [--broker-repeats 2] [--skip-worker] [--skip-latency]
                        [--live-seconds 60] [--live-rate 10000] [--split-lines 200000] [--profile-worker]

Not a test: nothing here asserts on a timing. See bench/README.md for what each figure means.
Every process it starts (broker, workers, baselines) is stopped before it returns, and the bench
broker's data is deleted; logs stay in .cache/bench/logs, the table in .cache/bench/results.txt.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import pstats
import shutil
import signal
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

from bench.generate import FeedParams, default_path, ensure_feed
from bench.procs import Child, Figure, cpu_seconds, exact_quantile, free_port, histogram_quantile, scrape, wait_for

REPLAY_TARGET_MSG_S = 60_000
WORKER_TARGET_LINES_S = 30_000
POLL_S = 0.2
WORKER_START_TIMEOUT_S = 180.0


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


# -- results ---------------------------------------------------------------------------------------

class Results:
    def __init__(self) -> None:
        self.figures: dict[str, Figure] = {}
        self.notes: list[str] = []
        self.failures: list[str] = []

    def add(self, key: str, name: str, unit: str, value: float | None, note: str = "") -> None:
        figure = self.figures.setdefault(key, Figure(name, unit, []))
        if value is not None:
            figure.values.append(value)
        if note:
            figure.note = note

    def median(self, key: str) -> float | None:
        figure = self.figures.get(key)
        return figure.median if figure else None


def fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    if unit in ("lines/s", "msg/s", "records/s", "events/s", "count") or abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def render(results: Results, header: list[str]) -> str:
    rows = [("figure", "median", "min", "max", "unit", "n", "note")]
    for figure in results.figures.values():
        rows.append((
            figure.name, fmt(figure.median, figure.unit), fmt(figure.low, figure.unit), fmt(figure.high, figure.unit),
            figure.unit, str(len(figure.values)), figure.note,
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(6)]
    out = list(header)
    for i, row in enumerate(rows):
        out.append("  ".join(
            [row[0].ljust(widths[0])] + [row[c].rjust(widths[c]) for c in (1, 2, 3)] + [row[4].ljust(widths[4]), row[5].rjust(widths[5]), row[6]]
        ).rstrip())
        if i == 0:
            out.append("-" * (sum(widths) + 12))
    out.append("")
    out.append("ratios (of medians; paired per round in brackets: min..max)")
    out.extend(results.notes)
    if results.failures:
        out.append("")
        out.append("warnings and failed phases (see .cache/bench/logs):")
        out.extend(results.failures)
    return "\n".join(out) + "\n"


# -- phase 1: replay -------------------------------------------------------------------------------

def phase_replay(feed: Path, repeats: int, results: Results):
    from streams.config import load_settings
    from streams.refdata import load_reference_data
    from streams.replay import Replay

    settings = load_settings()
    reference = load_reference_data()
    summary = None
    for run in range(repeats):
        replay = Replay(settings, reference, on_alert=lambda alert: None, on_dead_letter=lambda letter: None)
        started = time.perf_counter()
        replay.run_file(feed)
        summary = replay.finish()
        elapsed = time.perf_counter() - started
        messages = summary.positions + summary.statics
        log(f"replay {run + 1}/{repeats}: {summary.lines_in:,} lines in {elapsed:.1f} s = "
            f"{summary.lines_in / elapsed:,.0f} lines/s, {messages / elapsed:,.0f} AIS msg/s; "
            f"{summary.alert_emissions} alert emissions, {summary.dead_letters} dead letters")
        results.add("replay_lines", "replay: lines/s (1 core, in process)", "lines/s", summary.lines_in / elapsed)
        results.add("replay_msgs", "replay: AIS messages/s (positions+statics)", "msg/s", messages / elapsed,
                    f"target {REPLAY_TARGET_MSG_S:,}")
    return summary


def phase_stage_split(feed: Path, max_lines: int, results: Results) -> None:
    from bench.stages import STEPS, run_stage_split

    log(f"stage split: the worker's per-record steps in process, no Kafka, over {max_lines:,} lines")
    split = run_stage_split(feed, max_lines)
    for step in STEPS:
        results.add(f"split_{step}", f"worker step {step}", "us/line", split.us_per_line(step))
    total_us = split.total_s / split.lines * 1e6
    results.add("split_total", "worker steps total (no Faust/Kafka)", "us/line", total_us,
                f"= {1e6 / total_us:,.0f} lines/s ceiling; {split.state_writes / max(split.events, 1):.2f} state writes/event")
    log("stage split (us/line): " + ", ".join(f"{s} {split.us_per_line(s):.1f}" for s in STEPS) + f"; total {total_us:.1f}")


# -- broker phases -----------------------------------------------------------------------------------

class Bench:
    """Shared state of the broker phases: the broker, where logs go, names unique to this run."""

    def __init__(self, root: Path, bootstrap: str, run_tag: str, broker_pid: int | None = None) -> None:
        self.root = root
        self.bootstrap = bootstrap
        self.broker_pid = broker_pid
        self.run_tag = run_tag
        self.dir = root / ".cache" / "bench"
        self.logs = self.dir / "logs"
        self.scratch = self.dir / "scratch"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.scratch.mkdir(parents=True, exist_ok=True)

    def topics(self, prefix: str, partitions: int = 4):
        from streams.config import Topics, TopicSpec

        return Topics(
            raw=TopicSpec(f"{prefix}.ais.raw", partitions),
            position=TopicSpec(f"{prefix}.ais.position", partitions),
            static=TopicSpec(f"{prefix}.ais.static", partitions),
            alerts=TopicSpec(f"{prefix}.alerts", partitions, compacted=True),
            deadletter=TopicSpec(f"{prefix}.deadletter", 1),
        )

    def write_worker_config(self, name: str, topics, app_id: str, gap: dict | None = None) -> Path:
        lines = [f'[kafka]\nbootstrap = "{self.bootstrap}"\n', f'[worker]\napp_id = "{app_id}"\n']
        for field in ("raw", "position", "static", "alerts", "deadletter"):
            spec = getattr(topics, field)
            lines.append(f'[topics.{field}]\nname = "{spec.name}"\npartitions = {spec.partitions}\n')
        if gap:
            lines.append("[detection.gap]\n" + "".join(f"{k} = {v!r}\n" for k, v in gap.items()))
        path = self.scratch / f"{name}.toml"
        path.write_text("\n".join(lines))
        return path

    def start_worker(self, name: str, config: Path, profile_to: Path | None = None) -> tuple[Child, int]:
        metrics_port, web_port = free_port(), free_port()
        data_dir = self.scratch / name
        command = [sys.executable]
        if profile_to is not None:
            command += ["-m", "cProfile", "-o", str(profile_to)]
        command += ["-m", "streams", "--config", str(config), "worker", "--broker", self.bootstrap,
                    "--metrics-port", str(metrics_port), "--web-port", str(web_port), "--data-dir", str(data_dir)]
        child = Child(name, command, self.root, self.logs / f"{name}.log")
        wait_for(lambda: scrape(metrics_port) is not None, WORKER_START_TIMEOUT_S, 0.5,
                 f"the metrics of {name} (log: {child.log_path})", child=child)
        return child, metrics_port

    def cleanup(self, name: str) -> None:
        shutil.rmtree(self.scratch / name, ignore_errors=True)


def produce_single_line_topic(bench: Bench, feed: Path, topic: str) -> int:
    """Every line of the feed as its own record, keyed by the tag block's receiver (a receiver's
    lines stay in order: multi-part messages need it), with confluent-kafka (librdkafka batching)."""
    from confluent_kafka import Producer

    from streams.adapters.topics import ensure_topics
    from streams.config import TopicSpec

    ensure_topics(bench.bootstrap, [TopicSpec(topic, 4)])
    producer = Producer({
        "bootstrap.servers": bench.bootstrap, "linger.ms": 50, "batch.num.messages": 10000,
        "queue.buffering.max.messages": 1_000_000, "queue.buffering.max.kbytes": 1_048_576,
        # Idempotent: a retried batch cannot overtake the next one, so a receiver's lines stay in order.
        "enable.idempotence": True,
    })
    count = 0
    started = time.monotonic()
    with open(feed, "rb") as handle:
        for raw in handle:
            line = raw.rstrip(b"\r\n")
            if not line:
                continue
            key = b"feed"
            if line[:1] == b"\\":
                at = line.find(b",s:")
                star = line.find(b"*")
                if 0 < at < star:
                    key = line[at + 3:star]
            while True:
                try:
                    producer.produce(topic, value=line, key=key)
                    break
                except BufferError:
                    producer.poll(0.05)
            count += 1
            if count % 20_000 == 0:
                producer.poll(0)
    remaining = producer.flush(120)
    if remaining:
        raise RuntimeError(f"{remaining} single-line records not delivered")
    log(f"single-line topic {topic}: {count:,} records in {time.monotonic() - started:.1f} s")
    return count


def phase_worker(bench: Bench, feed: Path, round_no: int, expected_events: int, results: Results,
                 profile_to: Path | None = None) -> float | None:
    from streams.adapters.kafka_io import publish_ais_lines
    from streams.adapters.topics import ensure_topics
    from streams.config import load_settings

    label = "worker-profile" if profile_to else f"worker-{round_no}"
    prefix = f"{bench.run_tag}-{label}"
    settings = load_settings()
    topics = bench.topics(prefix)
    ensure_topics(bench.bootstrap, topics.all())
    started = time.monotonic()
    with open(feed, encoding="utf-8", errors="replace") as lines:
        published = publish_ais_lines(bench.bootstrap, topics.raw.name, lines, feed.name, "nmea", settings.ingest)
    log(f"{label}: published {published.lines:,} lines in {published.records:,} ais.raw records "
        f"({time.monotonic() - started:.1f} s); starting one worker")
    config = bench.write_worker_config(label, topics, app_id=prefix)
    child, port = bench.start_worker(label, config, profile_to)
    try:
        raw_key, pos_key = topics.raw.name, topics.position.name
        timeout_s = 300 + published.lines / 2000
        first = None  # (monotonic, raw lines consumed) at the first poll that saw consumption
        last_change = (time.monotonic(), -1.0)
        deadline = time.monotonic() + timeout_s
        while True:
            if not child.alive():
                raise RuntimeError(f"{label} exited: {child.log_tail()}")
            now_scrape = scrape(port)
            raw_done = now_scrape.value("picket_messages_consumed_total", topic=raw_key)
            pos_done = now_scrape.value("picket_messages_consumed_total", topic=pos_key)
            if first is None and raw_done > 0:
                first = (now_scrape.at, raw_done)
                cpu_first = (cpu_seconds(child.pid), cpu_seconds(bench.broker_pid))
            if pos_done != last_change[1]:
                last_change = (now_scrape.at, pos_done)
            if pos_done >= expected_events and raw_done >= published.lines:
                end = now_scrape.at
                cpu_end = (cpu_seconds(child.pid), cpu_seconds(bench.broker_pid))
                break
            if raw_done >= published.lines and now_scrape.at - last_change[0] > 15:
                log(f"{label}: warning: the track agent stopped at {pos_done:,.0f} events, expected {expected_events:,}")
                end = last_change[0]
                cpu_end = (cpu_seconds(child.pid), cpu_seconds(bench.broker_pid))
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"{label}: not done after {timeout_s:.0f} s (raw {raw_done:,.0f}, events {pos_done:,.0f})")
            time.sleep(POLL_S)
        final = scrape(port)
    finally:
        child.stop()
        bench.cleanup(label)
    assert first is not None
    elapsed = end - first[0]
    rate = (published.lines - first[1]) / elapsed if elapsed > 0 else None
    raw_done = final.value("picket_messages_consumed_total", topic=raw_key)
    events = final.value("picket_messages_consumed_total", topic=pos_key)
    alerts = final.total("picket_alerts_total")
    log(f"{label}: {published.lines - first[1]:,.0f} lines in {elapsed:.1f} s = {rate:,.0f} lines/s end to end; "
        f"raw lines consumed {raw_done:,.0f}/{published.lines:,}, events {events:,.0f}/{expected_events:,}, "
        f"{alerts:.0f} alert emissions")
    if profile_to is not None:
        return rate
    results.add("worker_lines", "worker: lines/s end to end (1 worker, real broker)", "lines/s", rate,
                f"target {WORKER_TARGET_LINES_S:,}")
    results.add("worker_events", "worker: events/s through the track agent", "events/s",
                rate * expected_events / published.lines if rate else None)
    wall = end - first[0]
    for index, who in ((0, "worker"), (1, "broker")):
        if cpu_first[index] is not None and cpu_end[index] is not None and wall > 0:
            results.add(f"cpu_{who}", f"worker phase: {who} CPU use", "% core",
                        100 * (cpu_end[index] - cpu_first[index]) / wall, "100 = one core busy")
    writes = final.value("picket_state_writes_total")
    if writes:
        results.add("state_writes", "worker: vessel state writes per event", "ratio", writes / max(events, 1),
                    "picket_state_writes_total / events")
    for agent in ("decode", "track"):
        buckets = final.buckets("picket_record_processing_seconds", agent=agent)
        for q in (0.5, 0.99):
            value = histogram_quantile(buckets, q)
            results.add(f"proc_{agent}_{q}", f"worker: {agent} record processing p{int(q * 100)}", "ms",
                        None if value is None else value * 1000,
                        "1,000 raw lines/record" if agent == "decode" else "~250 events/record")
    buckets = final.buckets("picket_consume_to_emit_latency_seconds")
    for q in (0.5, 0.99):
        value = histogram_quantile(buckets, q)
        results.add(f"c2e_{q}", f"worker: consume-to-emit p{int(q * 100)}", "ms", None if value is None else value * 1000)
    return rate


def phase_noop_faust(bench: Bench, topic: str, records: int, round_no: int, results: Results) -> float | None:
    label = f"noop-faust-{round_no}"
    out = bench.scratch / f"{label}.json"
    out.unlink(missing_ok=True)
    command = [sys.executable, "-m", "bench.noop_faust", "--broker", bench.bootstrap, "--topic", topic,
               "--app-id", f"{bench.run_tag}-{label}", "--expect", str(records), "--out", str(out),
               "--data-dir", str(bench.scratch / label)]
    child = Child(label, command, bench.root, bench.logs / f"{label}.log")
    try:
        wait_for(out.is_file, 240 + records / 1000, 0.5, f"{label} to count {records:,} records", child=child)
    finally:
        child.stop()
        bench.cleanup(label)
    report = json.loads(out.read_text())
    log(f"{label}: {report['count']:,} records in {report['last_s'] - report['first_s']:.1f} s = {report['rate']:,.0f} records/s")
    results.add("noop_faust", "baseline A: no-op Faust agent, 1 line/record", "records/s", report["rate"])
    return report["rate"]


def phase_quix(bench: Bench, topic: str, records: int, round_no: int, results: Results,
               expected_events: int | None = None) -> float | None:
    label = f"quix-{round_no}"
    out = bench.scratch / f"{label}.json"
    out.unlink(missing_ok=True)
    command = [sys.executable, "-m", "bench.quix_baseline", "--broker", bench.bootstrap, "--topic", topic,
               "--group", f"{bench.run_tag}-{label}", "--alerts-topic", f"{bench.run_tag}-{label}.alerts",
               "--expect", str(records), "--out", str(out), "--state-dir", str(bench.scratch / label)]
    child = Child(label, command, bench.root, bench.logs / f"{label}.log")
    try:
        wait_for(out.is_file, 240 + records / 1000, 0.5, f"{label} to process {records:,} records", child=child)
        child.wait(30)  # it stops itself after the last record
    finally:
        child.stop()
        bench.cleanup(label)
    report = json.loads(out.read_text())
    log(f"{label}: {report['count']:,} records in {report['last_s'] - report['first_s']:.1f} s = "
        f"{report['rate']:,.0f} records/s; {report['events']:,} events, {report['alerts']} alert emissions, "
        f"{report['duplicates']} records delivered twice (not counted)")
    if expected_events is not None and report["events"] != expected_events:
        log(f"{label}: warning: decoded {report['events']:,} events where replay decodes {expected_events:,}; "
            f"dead letters {report.get('dead_letters')}")
        results.failures.append(f"  {label}: decoded {report['events']:,} events, replay {expected_events:,}")
    results.add("quix", "baseline B: Quix Streams + same core, 1 line/record", "records/s", report["rate"],
                f"{report['alerts']:,} alert emissions (replay: fewer; see README)")
    return report["rate"]


def phase_latency(bench: Bench, rate: int, seconds: float, results: Results) -> None:
    from confluent_kafka import Consumer, Producer

    from bench.live import LIVE_GAP_CONFIG, LIVE_SOURCE, LiveFeed, LiveStats
    from streams.adapters.topics import ensure_topics
    from streams.wire import dumps, loads, raw_batch_payload

    label = "live"
    prefix = f"{bench.run_tag}-{label}"
    topics = bench.topics(prefix)
    ensure_topics(bench.bootstrap, topics.all())
    feed = LiveFeed(rate=rate, duration_s=seconds)
    config = bench.write_worker_config(label, topics, app_id=prefix, gap=LIVE_GAP_CONFIG)
    log(f"latency: {feed.vessels:,} vessels every second = {rate:,} lines/s for {seconds:g} s, "
        f"{len(feed.dark)} going dark for 8-15 s; gap thresholds {LIVE_GAP_CONFIG}")
    child, port = bench.start_worker(label, config)
    producer = Producer({"bootstrap.servers": bench.bootstrap, "linger.ms": 0, "acks": 1})
    key = LIVE_SOURCE.encode()
    raw_topic = topics.raw.name

    def send(lines: list[str]) -> None:
        producer.produce(raw_topic, key=key, value=dumps(raw_batch_payload(LIVE_SOURCE, "nmea", time.time(), lines)))
        producer.poll(0)

    try:
        warmup = feed.warmup_lines()
        send(warmup)
        producer.flush(30)
        wait_for(lambda: scrape(port).value("picket_messages_consumed_total", topic=raw_topic) >= len(warmup),
                 WORKER_START_TIMEOUT_S, 0.2, "the worker to consume the warm-up record", child=child)
        stats = LiveStats()
        backlog = {"max_lines": 0.0, "stop": False}

        def watch() -> None:  # how far the worker falls behind the feed, sampled twice a second
            while not backlog["stop"]:
                try:
                    consumed = scrape(port).value("picket_messages_consumed_total", topic=raw_topic)
                except OSError:
                    consumed = None
                if consumed is not None:
                    backlog["max_lines"] = max(backlog["max_lines"], len(warmup) + stats.lines - consumed)
                time.sleep(0.5)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            feed.run(send, stats)
        finally:
            backlog["stop"] = True
            watcher.join()
        producer.flush(30)
        feed_end = time.monotonic()
        sent = len(warmup) + stats.lines
        wait_for(lambda: scrape(port).value("picket_messages_consumed_total", topic=raw_topic) >= sent,
                 180, 0.2, "the worker to catch up with the live feed", child=child)
        catch_up_s = time.monotonic() - feed_end
        time.sleep(2.0)  # the track agent and the producer's linger
        final = scrape(port)
    finally:
        child.stop()
        bench.cleanup(label)
    consumer = Consumer({"bootstrap.servers": bench.bootstrap, "group.id": f"{prefix}-reader",
                         "auto.offset.reset": "earliest", "enable.auto.commit": False})
    records = []
    try:
        consumer.subscribe([topics.alerts.name])
        idle_since = time.monotonic()
        while time.monotonic() - idle_since < 5:
            message = consumer.poll(0.5)
            if message is None or message.error():
                continue
            records.append((message.timestamp()[1] / 1000.0, loads(message.value())))
            idle_since = time.monotonic()
    finally:
        consumer.close()
    latencies, emitted = [], []
    for kafka_ts, alert in records:
        if alert.get("end") is None:
            continue
        end_s = datetime.fromisoformat(alert["end"].replace("Z", "+00:00")).timestamp()
        latencies.append((kafka_ts - end_s) * 1000)
        emitted.append((datetime.fromisoformat(alert["emitted_at"].replace("Z", "+00:00")).timestamp() - end_s) * 1000)
    note = (f"{len(latencies)} closed gaps of {len(feed.dark)} dark vessels; {stats.lines:,} lines at "
            f"{stats.lines / stats.seconds:,.0f}/s; {stats.late_ticks} late ticks")
    log(f"latency: {len(records)} alert records, {len(latencies)} with `end`; " + note)
    for q in (0.5, 0.99):
        results.add(f"lat_{q}", f"event-to-alert p{int(q * 100)} (Kafka timestamp - end)", "ms",
                    exact_quantile(latencies, q), note if q == 0.5 else "")
    results.add("lat_emitted_0.5", "event-to-alert p50 (emitted_at - end)", "ms", exact_quantile(emitted, 0.5))
    results.add("live_backlog", "latency phase: worst backlog behind the feed", "lines", backlog["max_lines"],
                f"{backlog['max_lines'] / max(rate, 1):.1f} s of feed; caught up {catch_up_s:.1f} s after it ended")
    writes = final.value("picket_state_writes_total")
    events = final.value("picket_messages_consumed_total", topic=topics.position.name)
    if writes and events:
        results.add("live_state_writes", "latency phase: vessel state writes per event", "ratio", writes / events,
                    "every vessel changes between two commits")
    hist = final.buckets("picket_event_to_alert_latency_seconds")
    value = histogram_quantile(hist, 0.99)
    results.add("lat_hist_0.99", "worker histogram event_to_alert p99", "ms", None if value is None else value * 1000,
                "coarse buckets (0.1, 0.5, 1 s...)")


def print_profile(path: Path, top: int = 30) -> str:
    import io

    stream = io.StringIO()
    stats = pstats.Stats(str(path), stream=stream)
    stats.sort_stats("tottime").print_stats(top)
    return stream.getvalue()


# -- main ------------------------------------------------------------------------------------------

def guarded(results: Results, what: str, phase, *args, **kwargs):
    """Run one phase; a failure is reported (and noted under the table) instead of ending the bench."""
    try:
        return phase(*args, **kwargs)
    except (RuntimeError, TimeoutError, OSError) as error:
        log(f"FAILED: {what}: {error}")
        results.failures.append(f"  {what} failed: {str(error).splitlines()[0]}")
        Child.stop_all()
        return None


def start_broker(broker) -> None:
    from streams.errors import UserError

    for attempt in range(3):
        log(f"starting the bench broker on 127.0.0.1:{broker.port}")
        try:
            broker.up(progress=lambda message: log("  " + message))
            return
        except UserError as error:
            # A random KRaft cluster id that starts with "-" is read as an option by kafka-storage
            # (1 start in 64): wipe and draw another.
            if "formatting the Kafka storage failed" not in str(error) or attempt == 2:
                raise
            log("  storage format failed (cluster id starting with '-'?); wiping and retrying")
            broker.down(wipe=True)


def ratio_notes(results: Results, rounds: list[dict]) -> None:
    def paired(a: str, b: str) -> str:
        values = [r[a] / r[b] for r in rounds if r.get(a) and r.get(b)]
        return f" [{min(values):.2f}..{max(values):.2f}]" if values else ""

    def line(text: str, a: float | None, b: float | None, extra: str = "") -> None:
        if a and b:
            results.notes.append(f"  {text:<44} {a / b:6.2f}{extra}")

    line("worker lines/s / Quix records/s", results.median("worker_lines"), results.median("quix"), paired("worker", "quix"))
    line("worker lines/s / no-op Faust records/s", results.median("worker_lines"), results.median("noop_faust"),
         paired("worker", "noop"))
    line("Quix records/s / no-op Faust records/s", results.median("quix"), results.median("noop_faust"), paired("quix", "noop"))
    line(f"replay msg/s / target {REPLAY_TARGET_MSG_S:,}", results.median("replay_msgs"), REPLAY_TARGET_MSG_S)
    line(f"worker lines/s / target {WORKER_TARGET_LINES_S:,}", results.median("worker_lines"), WORKER_TARGET_LINES_S)
    line("worker lines/s / replay lines/s", results.median("worker_lines"), results.median("replay_lines"))


def git_state(root: Path) -> str:
    """HEAD and whether streams/ differs from it: figures belong to the code they measured."""
    import subprocess

    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "streams"], cwd=root, capture_output=True, text=True).stdout
    except OSError:
        return "unknown"
    return f"{head or 'unknown'}{' + uncommitted changes in streams/' if dirty.strip() else ''}"


def main(argv: list[str] | None = None) -> int:
    from streams.adapters.local_kafka import LocalKafka, find_project_root

    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000, help="lines of the generated feed (default 1,000,000)")
    parser.add_argument("--repeats", type=int, default=3, help="replay runs (default 3)")
    parser.add_argument("--broker-repeats", type=int, default=2, help="rounds of worker / no-op Faust / Quix (default 2)")
    parser.add_argument("--skip-worker", action="store_true", help="no broker phases: replay and stage split only")
    parser.add_argument("--skip-latency", action="store_true", help="no paced latency phase")
    parser.add_argument("--live-seconds", type=float, default=60.0)
    parser.add_argument("--live-rate", type=int, default=10_000, help="lines/s of the latency phase, at most (default 10,000)")
    parser.add_argument("--split-lines", type=int, default=200_000, help="lines of the in-process stage split")
    parser.add_argument("--profile-worker", action="store_true",
                        help="one extra worker run under cProfile (not counted); top functions printed")
    args = parser.parse_args(argv)
    # SIGTERM (a CI timeout, kill) unwinds through the finally blocks below like Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))

    root = find_project_root()
    bench_dir = root / ".cache" / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    results = Results()
    feed, meta = ensure_feed(FeedParams(lines=args.lines), default_path(root, args.lines), progress=log)
    stats = meta["stats"]
    header = [
        f"picket bench {datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
        f"code {git_state(root)}",
        f"feed: {feed.name}: {stats['lines']:,} lines, {meta['params']['vessels']:,} vessels, "
        f"{stats['type5_lines']:,} type 5 lines, {stats['dark_vessels']} dark vessels, "
        f"{(stats['last_epoch'] - stats['first_epoch']) / 3600:.1f} h of event time",
        "",
    ]
    summary = phase_replay(feed, args.repeats, results)
    expected_events = summary.positions + summary.statics
    header.insert(2, f"replay: {expected_events:,} events, {summary.alert_emissions} alert emissions "
                     f"({sum(summary.alerts_by_type.values())} alerts), {summary.dead_letters} dead letters")
    phase_stage_split(feed, min(args.split_lines, args.lines), results)

    rounds: list[dict] = []
    profile_text = ""
    if not args.skip_worker:
        broker = LocalKafka(root, bench_dir / "kafka", port=free_port(pair=True),
                            libs_dir=root / ".cache" / "kafka" / "libs", heap_mb=1024)
        try:
            start_broker(broker)
            bench = Bench(root, broker.bootstrap, run_tag=f"b{int(time.time())}", broker_pid=broker.pid())
            single_topic = f"{bench.run_tag}.lines"
            records = produce_single_line_topic(bench, feed, single_topic)
            for round_no in range(args.broker_repeats):
                # Interleaved, so drift of a noisy machine hits every contender alike.
                worker = guarded(results, f"worker round {round_no}", phase_worker, bench, feed, round_no, expected_events, results)
                noop = guarded(results, f"no-op Faust round {round_no}", phase_noop_faust, bench, single_topic, records, round_no, results)
                quix = guarded(results, f"Quix round {round_no}", phase_quix, bench, single_topic, records, round_no, results,
                                expected_events)
                rounds.append({"worker": worker, "noop": noop, "quix": quix})
            if not args.skip_latency:
                worker_rate = results.median("worker_lines")
                rate = args.live_rate if not worker_rate else min(args.live_rate, int(worker_rate * 0.5 // 500 * 500))
                guarded(results, "latency phase", phase_latency, bench, max(rate, 500), args.live_seconds, results)
            if args.profile_worker:
                profile_path = bench_dir / "worker.prof"
                if guarded(results, "profiled worker", phase_worker, bench, feed, 0, expected_events, results,
                           profile_to=profile_path):
                    profile_text = print_profile(profile_path)
        finally:
            Child.stop_all()
            log("stopping the bench broker and deleting its data")
            broker.down(wipe=True)
            shutil.rmtree(bench_dir / "scratch", ignore_errors=True)
    ratio_notes(results, rounds)
    header.append(f"total bench time {time.monotonic() - started:.0f} s")
    header.append("")
    text = render(results, header)
    print()
    print(text)
    if profile_text:
        print("worker under cProfile (one extra run, top by own time):")
        print(profile_text)
    (bench_dir / "results.txt").write_text(text + (("\n" + profile_text) if profile_text else ""))
    (bench_dir / "results.json").write_text(json.dumps(
        {key: dataclasses.asdict(figure) for key, figure in results.figures.items()}, indent=2))
    log(f"written {bench_dir / 'results.txt'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
