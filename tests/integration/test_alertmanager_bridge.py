"""`picket alertmanager-bridge` between the session's Kafka broker and a real Alertmanager
(started here on loopback with deploy/alertmanager/alertmanager.yml): alerts arrive with their
labels, closed ones resolve, and an Alertmanager outage loses nothing and commits nothing early.

Without the Alertmanager binary (Debian: apt-get install prometheus-alertmanager) the tests
skip, except on CI (CI=true), where that is a failure.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from kafka import KafkaAdminClient, KafkaProducer
from kafka.admin import OffsetSpec
from kafka.structs import TopicPartition
from prometheus_client.parser import text_string_to_metric_families

from streams.adapters.local_kafka import find_project_root
from streams.adapters.topics import ensure_topics
from streams.adapters.worker_process import sample_key
from streams.config import TopicSpec
from streams.schemas import validate

from ..unit.test_alertmanager import gap_payloads
from .worker_harness import free_port, require_binary

ROOT = find_project_root()
CONFIG = ROOT / "deploy" / "alertmanager" / "alertmanager.yml"
BINARIES = ("prometheus-alertmanager", "alertmanager")  # Debian's name, upstream's name
REPOST_INTERVAL_S = 5.0  # open alerts live 4 x this in Alertmanager without a refresh
WAIT_S = 30.0

pytestmark = pytest.mark.timeout(240)


class Alertmanager:
    def __init__(self, binary: str, port: int, data_dir: Path) -> None:
        self.binary = binary
        self.port = port
        self.data_dir = data_dir
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with open(self.data_dir / "alertmanager.log", "ab") as log:
            self.process = subprocess.Popen(
                [
                    self.binary, f"--config.file={CONFIG}", f"--storage.path={self.data_dir}",
                    f"--web.listen-address=127.0.0.1:{self.port}", "--cluster.listen-address=", "--log.level=warn",
                ],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        wait_for(lambda: self._ready(), 30, "Alertmanager to be ready")

    def _ready(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(f"Alertmanager exited: {(self.data_dir / 'alertmanager.log').read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{self.url}/-/ready", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def alerts(self) -> dict[str, dict]:
        """Active alerts by alert_id label (resolved ones are not listed)."""
        with urllib.request.urlopen(f"{self.url}/api/v2/alerts", timeout=5) as response:
            listed = json.loads(response.read())
        return {a["labels"].get("alert_id", a["labels"]["alertname"]): a for a in listed}


class Bridge:
    """`picket alertmanager-bridge` as a child process."""

    def __init__(self, bootstrap: str, alerts_topic: str, dead_topic: str, group_id: str, url: str, log: Path) -> None:
        self.metrics_port = free_port()
        self.command = [
            sys.executable, "-m", "streams", "alertmanager-bridge", "--broker", bootstrap,
            "--alerts-topic", alerts_topic, "--deadletter-topic", dead_topic, "--group-id", group_id,
            "--alertmanager", url, "--repost-interval", str(REPOST_INTERVAL_S), "--retry-max", "1",
            "--metrics-port", str(self.metrics_port), "--evidence-url-template", "https://picket.example/alerts/{alert_id}",
            "--loglevel", "info",
        ]
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(self.command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_for(self._serving, 60, "the bridge's /metrics")

    def _serving(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(f"the bridge exited with {self.process.returncode}: see {self.log}")
        try:
            self.metrics()
            return True
        except OSError:
            return False

    def metrics(self) -> dict[str, float]:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=5) as response:
            text = response.read().decode()
        return {sample_key(s.name, **s.labels): s.value for f in text_string_to_metric_families(text) for s in f.samples}

    def stop(self) -> int | None:
        """SIGTERM; the exit code (None if it had to be killed)."""
        if self.process is None or self.process.poll() is not None:
            return None if self.process is None else self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return None

    def metric(self, key: str) -> float:
        return self.metrics().get(key, float("nan"))


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def wait_for(condition: Callable[[], object], timeout_s: float, what: str) -> object:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout_s:g} s waiting for {what}")


@pytest.fixture
def setup(kafka_broker, tmp_path) -> Iterator[dict]:
    binary = require_binary(*BINARIES, install="prometheus-alertmanager")
    suffix = uuid.uuid4().hex[:10]
    alerts_topic, dead_topic = f"alerts.{suffix}", f"deadletter.{suffix}"
    ensure_topics(kafka_broker.bootstrap, [TopicSpec(alerts_topic, 4, compacted=True), TopicSpec(dead_topic, 1)])
    alertmanager = Alertmanager(binary, free_port(), tmp_path / "alertmanager")
    group_id = f"picket-am-bridge-test-{suffix}"
    bridges: list[Bridge] = []

    def new_bridge() -> Bridge:
        bridge = Bridge(kafka_broker.bootstrap, alerts_topic, dead_topic, group_id, alertmanager.url, tmp_path / "bridge.log")
        bridges.append(bridge)
        return bridge

    producer = KafkaProducer(bootstrap_servers=kafka_broker.bootstrap, acks="all")
    admin = KafkaAdminClient(bootstrap_servers=kafka_broker.bootstrap)
    try:
        alertmanager.start()
        yield {
            "bootstrap": kafka_broker.bootstrap, "alerts_topic": alerts_topic, "dead_topic": dead_topic,
            "group_id": group_id, "alertmanager": alertmanager, "new_bridge": new_bridge, "producer": producer,
            "admin": admin, "log": tmp_path / "bridge.log",
        }
    finally:
        for bridge in bridges:
            bridge.stop()
        alertmanager.stop()
        producer.close()
        admin.close()


def publish(setup: dict, *records: dict | bytes) -> None:
    for record in records:
        if isinstance(record, bytes):
            setup["producer"].send(setup["alerts_topic"], key=b"junk", value=record)
        else:
            setup["producer"].send(setup["alerts_topic"], key=record["alert_id"].encode(), value=json.dumps(record).encode())
    setup["producer"].flush()


def committed_and_end(setup: dict) -> tuple[dict[int, int], dict[int, int]]:
    admin: KafkaAdminClient = setup["admin"]
    partitions = [TopicPartition(setup["alerts_topic"], p) for p in range(4)]
    ends = admin.list_partition_offsets({tp: OffsetSpec.LATEST for tp in partitions})
    group = admin.list_group_offsets({setup["group_id"]: partitions}).get(setup["group_id"], {})
    committed = {tp.partition: max(group[tp].offset, 0) if tp in group else 0 for tp in partitions}
    return committed, {tp.partition: ends[tp].offset for tp in partitions}


def read_dead_letters(setup: dict, count: int) -> list[dict]:
    from streams.adapters.kafka_io import read_topic

    return [r["value"] for r in read_topic(setup["bootstrap"], setup["dead_topic"], idle_timeout_s=2, max_wait_s=WAIT_S,
                                           until=lambda records: len(records) >= count)]


def test_shipped_config_is_valid_and_routes_enforcement_alerts() -> None:
    require_binary(*BINARIES, install="prometheus-alertmanager")
    amtool = shutil.which("amtool")
    if amtool is None:
        pytest.skip("amtool not on PATH (it comes with Alertmanager)")
    checked = subprocess.run([amtool, "check-config", str(CONFIG)], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    def receiver(*labels: str) -> str:
        routed = subprocess.run([amtool, "config", "routes", "test", f"--config.file={CONFIG}", *labels],
                                capture_output=True, text=True, timeout=30)
        return routed.stdout.strip()

    assert receiver("alertname=picket_ais_gap", "severity=high") == "enforcement-desk-urgent"
    assert receiver("alertname=picket_ais_gap", "severity=medium") == "enforcement-desk"
    assert receiver("alertname=PicketWorkerDown", "severity=critical", "team=ops") == "operations"


def test_alerts_fire_resolve_and_survive_alertmanager_and_bridge_restarts(setup) -> None:
    alertmanager: Alertmanager = setup["alertmanager"]
    now = time.time()
    # Four real gaps, recent enough that the closed ones end in the past hour or so.
    (open1, closed1), (open2, closed2), (open3, _), (open4, _) = (
        gap_payloads(mmsi, now - 24 * 3600 + i * 60) for i, mmsi in enumerate((445012000, 445012001, 445012002, 445012003))
    )
    assert open1["severity"] == "medium" and closed1["severity"] == "high"
    backwards = dict(closed2, alert_id="f" * 32, end="2000-01-01T00:00:00.000Z")  # Alertmanager refuses it

    bridge = setup["new_bridge"]()
    bridge.start()
    publish(setup, open1, open2, b"{not json", backwards)

    # Open alerts fire with their labels; the two bad records go to the dead letters.
    active = wait_for(lambda: (a := alertmanager.alerts()).keys() >= {open1["alert_id"], open2["alert_id"]} and a, WAIT_S, "open alerts")
    first = active[open1["alert_id"]]
    assert first["labels"] == {
        "alertname": "picket_ais_gap", "type": "ais_gap", "severity": "medium", "subject": "445012000",
        "alert_id": open1["alert_id"],
    }
    assert first["annotations"]["summary"] == open1["summary"]
    assert first["annotations"]["evidence"] == first["generatorURL"] == f"https://picket.example/alerts/{open1['alert_id']}"
    assert first["status"]["state"] == "active"
    assert parse_time(first["startsAt"]) == parse_time(open1["start"])
    assert parse_time(first["endsAt"]) > datetime.now().astimezone()  # open: refreshed, never ended
    assert "f" * 32 not in active
    dead = read_dead_letters(setup, 2)
    for letter in dead:
        validate("deadletter", letter)
    assert sorted(d["reason"] for d in dead) == ["alertmanager_rejected", "bad_record"]
    rejected = next(d for d in dead if d["reason"] == "alertmanager_rejected")
    assert "HTTP 400" in rejected["detail"] and "start" in rejected["detail"] and "f" * 32 in rejected["raw"]
    wait_for(lambda: (c := committed_and_end(setup))[0] == c[1], WAIT_S, "offsets committed to the end")

    # The gap closes with a higher severity: resolved, and its first label set (medium) with it,
    # well before the open version's endsAt (4 x the repost interval) would have expired it.
    publish(setup, closed1)
    closed_at = time.monotonic()
    wait_for(lambda: open1["alert_id"] not in alertmanager.alerts(), WAIT_S, "the closed alert to resolve")
    assert time.monotonic() - closed_at < 2 * REPOST_INTERVAL_S
    publish(setup, open4)
    wait_for(lambda: open4["alert_id"] in alertmanager.alerts(), WAIT_S, "alert 4")

    # Alertmanager goes away; alerts published meanwhile are neither lost nor committed.
    alertmanager.stop()
    committed_before, _ = committed_and_end(setup)
    publish(setup, closed2, open3)
    wait_for(lambda: bridge.metric("picket_alertmanager_post_failing{}") == 1, WAIT_S, "the bridge to notice")
    time.sleep(3)  # several retries
    committed, ends = committed_and_end(setup)
    assert committed == committed_before and committed != ends
    assert bridge.process is not None and bridge.process.poll() is None

    # Back on the same port (with no memory of alerts): the batch arrives, the open alert posted
    # before the outage is re-posted, and the offsets move on.
    alertmanager.start()
    wait_for(lambda: {open3["alert_id"], open4["alert_id"]} <= alertmanager.alerts().keys(), WAIT_S, "alerts after the restart")
    assert alertmanager.alerts().keys().isdisjoint({open1["alert_id"], open2["alert_id"]})  # both closed
    wait_for(lambda: (c := committed_and_end(setup))[0] == c[1], WAIT_S, "offsets committed after the restart")
    assert bridge.metric("picket_alertmanager_post_failing{}") == 0
    assert bridge.metric("picket_alertmanager_open_alerts{}") == 2

    # A new bridge (same group) with a forgetful Alertmanager: nothing left to consume, but it
    # rebuilds the open alerts from the topic and keeps them firing.
    assert bridge.stop() == 0
    alertmanager.stop()
    alertmanager.start()
    assert alertmanager.alerts() == {}
    successor = setup["new_bridge"]()
    successor.start()
    wait_for(lambda: alertmanager.alerts().keys() == {open3["alert_id"], open4["alert_id"]}, WAIT_S, "open alerts re-posted by a new bridge")
    assert successor.stop() == 0
