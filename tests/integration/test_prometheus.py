"""deploy/prometheus and deploy/grafana against the real thing: a Prometheus started here scrapes a
running worker (and the Alertmanager bridge) with a copy of deploy/prometheus/prometheus.yml, loads
the rules, and answers every query of every panel of the Grafana dashboard with data.

Without the `prometheus` and `promtool` binaries (Debian: apt-get install prometheus) the tests
skip, except on CI (CI=true), where that is a failure.
"""

from __future__ import annotations

import doctest
import json
import math
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from prometheus_client import CollectorRegistry, start_http_server

import streams.adapters.lag
from streams.adapters.lag import LAG_METRIC, ConsumerLagExporter
from streams.adapters.local_kafka import find_project_root
from streams.config import WorkerConfig

from .worker_harness import NMEA_DATA, SAMPLE_FEED, WorkerRun, free_port, require_binary, start_worker

ROOT = find_project_root()
PROMETHEUS_DIR = ROOT / "deploy" / "prometheus"
RULES = sorted((PROMETHEUS_DIR / "rules").glob("*.rules.yml"))
RULE_TESTS = sorted((PROMETHEUS_DIR / "tests").glob("*.test.yml"))
GRAFANA_DIR = ROOT / "deploy" / "grafana"
DASHBOARD = GRAFANA_DIR / "dashboards" / "picket.json"
WORKER_JOB, BRIDGE_JOB = "picket-worker", "picket-alertmanager-bridge"
# What Grafana substitutes before it sends a query; our scrape interval here is 1 s.
GRAFANA_VARIABLES = {"$__rate_interval": "1m", "$__interval": "1s", "$__range": "5m"}
QUERY_DEADLINE_S = 45.0
SECOND_FEED = NMEA_DATA / "dma-aislib" / "replay_dump.txt"  # real AIS, no alerts of its own

pytestmark = pytest.mark.timeout(180)


def dashboard_targets(dashboard: dict) -> Iterator[tuple[dict, dict]]:
    """(panel, target) for every query of every panel, rows' nested panels included."""
    for panel in dashboard["panels"]:
        for inner in [panel, *panel.get("panels", [])]:
            for target in inner.get("targets", []):
                yield inner, target


def grafana_to_promql(expr: str) -> str:
    for variable, value in GRAFANA_VARIABLES.items():
        expr = expr.replace(variable, value)
    left = re.findall(r"\$\{?\w+", expr)
    assert not left, f"unknown Grafana variables {left} in {expr}"
    return expr


# ---------------------------------------------------------------- files alone


def test_rules_are_valid_and_pass_their_unit_tests() -> None:
    promtool = require_binary("promtool", install="prometheus")
    assert RULES and RULE_TESTS
    checked = subprocess.run([promtool, "check", "rules", *map(str, RULES)], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    for tests in RULE_TESTS:
        run = subprocess.run([promtool, "test", "rules", tests.name], cwd=tests.parent, capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stdout + run.stderr
    alerts = {rule["alert"] for path in RULES for group in yaml.safe_load(path.read_text())["groups"] for rule in group["rules"]}
    assert {"PicketWorkerDown", "PicketConsumerLagGrowing", "PicketDeadLettersHigh", "PicketNoAisReceived"} <= alerts


def test_prometheus_config_is_valid() -> None:
    promtool = require_binary("promtool", install="prometheus")
    checked = subprocess.run([promtool, "check", "config", "prometheus.yml"], cwd=PROMETHEUS_DIR, capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    jobs = {job["job_name"]: job for job in yaml.safe_load((PROMETHEUS_DIR / "prometheus.yml").read_text())["scrape_configs"]}
    assert {WORKER_JOB, BRIDGE_JOB} <= jobs.keys()
    workers = [target for config in jobs[WORKER_JOB]["static_configs"] for target in config["targets"]]
    assert workers[0] == f"127.0.0.1:{WorkerConfig().metrics_port}"  # the default worker, first


def test_dashboard_is_provisioned_and_well_formed() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    datasource = yaml.safe_load((GRAFANA_DIR / "provisioning" / "datasources" / "prometheus.yml").read_text())["datasources"][0]
    provider = yaml.safe_load((GRAFANA_DIR / "provisioning" / "dashboards" / "picket.yml").read_text())["providers"][0]
    assert provider["type"] == "file" and provider["options"]["path"]
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    for panel in dashboard["panels"]:
        assert 0 <= panel["gridPos"]["x"] and panel["gridPos"]["x"] + panel["gridPos"]["w"] <= 24
        if panel["type"] != "row":
            assert panel["targets"], panel["title"]
    targets = list(dashboard_targets(dashboard))
    for panel, target in targets:
        assert panel["datasource"]["uid"] == target["datasource"]["uid"] == datasource["uid"]
    titles = " ".join(panel["title"] for panel, _ in targets).lower()
    for topic in ("throughput", "lag", "processing", "consume to emit", "alerts by type and severity", "dead letters", "vessels", "watermark"):
        assert topic in titles


def test_lag_doctests() -> None:
    assert doctest.testmod(streams.adapters.lag).failed == 0


# ---------------------------------------------------------------- a live Prometheus


class Prometheus:
    def __init__(self, binary: str, config: Path, data_dir: Path, port: int) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = data_dir / "prometheus.log"
        data_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [binary, f"--config.file={config}", f"--storage.tsdb.path={data_dir}",
                 f"--web.listen-address=127.0.0.1:{self.port}", "--web.enable-lifecycle", "--log.level=warn"],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )

    def get(self, path: str, **params: str) -> dict:
        query = ("?" + urllib.parse.urlencode(params)) if params else ""
        with urllib.request.urlopen(f"{self.url}{path}{query}", timeout=10) as response:
            return json.loads(response.read())

    def wait_ready(self, timeout_s: float = 30) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"Prometheus exited: {self.log.read_text()[-2000:]}"
            try:
                with urllib.request.urlopen(f"{self.url}/-/ready", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError("Prometheus not ready")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def scrape_config_for(port: int, worker_target: str, bridge_target: str, lag_target: str | None) -> dict:
    """deploy/prometheus/prometheus.yml with this test's targets, 1 s intervals, the rules by
    absolute path, and no Alertmanager (nothing listens for it here). A lag exporter of the test's
    own is a job apart, so that it does not count as a worker."""
    config = yaml.safe_load((PROMETHEUS_DIR / "prometheus.yml").read_text())
    config["global"].update(scrape_interval="1s", evaluation_interval="1s")
    config["rule_files"] = [str(PROMETHEUS_DIR / pattern) for pattern in config["rule_files"]]
    config.pop("alerting")
    targets = {WORKER_JOB: [worker_target], BRIDGE_JOB: [bridge_target], "prometheus": [f"127.0.0.1:{port}"]}
    for job in config["scrape_configs"]:
        job["static_configs"] = [{"targets": targets[job["job_name"]]}]
    if lag_target is not None:
        config["scrape_configs"].append({"job_name": "test-lag-exporter", "static_configs": [{"targets": [lag_target]}]})
    return config


@pytest.fixture
def worker_run(kafka_broker, unique_topics, tmp_path) -> Iterator[WorkerRun]:
    run = start_worker(kafka_broker.bootstrap, unique_topics, tmp_path)
    try:
        yield run
    finally:
        run.worker.stop()


@pytest.fixture
def lag_exporter(worker_run) -> Iterator[str | None]:
    """Where the worker group's lag is served: by the worker itself once `picket worker` starts a
    ConsumerLagExporter (None then), else by one started here on the worker's consumer group."""
    if any(key.startswith(LAG_METRIC) for key in worker_run.worker.scrape()):
        yield None
        return
    registry = CollectorRegistry()
    settings = worker_run.settings
    exporter = ConsumerLagExporter(
        worker_run.bootstrap, settings.worker.app_id, [settings.topics.raw.name, settings.topics.position.name],
        registry, interval_s=1.0,
    )
    port = free_port()
    server, thread = start_http_server(port, addr="127.0.0.1", registry=registry)
    exporter.start()
    try:
        yield f"127.0.0.1:{port}"
    finally:
        exporter.stop()
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def bridge(worker_run, tmp_path) -> Iterator[str]:
    """The Alertmanager bridge on the worker's alerts topic, pointed at a port nobody listens on:
    it retries, and its metrics say so."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        nowhere = closed.getsockname()[1]
    port = free_port()
    settings = worker_run.settings
    with open(tmp_path / "bridge.log", "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streams", "alertmanager-bridge", "--broker", worker_run.bootstrap,
             "--alerts-topic", settings.topics.alerts.name, "--deadletter-topic", settings.topics.deadletter.name,
             "--group-id", f"{settings.worker.app_id}-bridge", "--alertmanager", f"http://127.0.0.1:{nowhere}",
             "--retry-max", "1", "--metrics-port", str(port)],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        yield f"127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            assert process.wait(timeout=20) == 0
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise


@pytest.fixture
def prometheus(worker_run, lag_exporter, bridge, tmp_path) -> Iterator[Prometheus]:
    binary = require_binary("prometheus", install="prometheus")
    require_binary("promtool", install="prometheus")
    port = free_port()  # before the config: Prometheus scrapes itself too
    config_path = tmp_path / "prometheus.yml"
    config = scrape_config_for(port, f"127.0.0.1:{worker_run.worker.metrics_port}", bridge, lag_exporter)
    config_path.write_text(yaml.safe_dump(config))
    checked = subprocess.run([require_binary("promtool", install="prometheus"), "check", "config", str(config_path)], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    prometheus = Prometheus(binary, config_path, tmp_path / "prometheus", port)
    try:
        prometheus.wait_ready()
        yield prometheus
    finally:
        prometheus.stop()


def test_every_dashboard_query_returns_data_from_a_scraped_worker(prometheus, worker_run) -> None:
    def targets_up() -> bool:
        active = prometheus.get("/api/v1/targets")["data"]["activeTargets"]
        return bool(active) and all(t["health"] == "up" for t in active)

    deadline = time.monotonic() + 30
    while not targets_up():
        assert time.monotonic() < deadline, json.dumps(prometheus.get("/api/v1/targets")["data"]["activeTargets"], indent=1)
        time.sleep(0.5)
    # Two bursts a few scrapes apart, as a live feed keeps coming: a labelled series (processing
    # time by agent) is born with its first burst's counts, so only a later one shows in a rate.
    lines = worker_run.publish(SAMPLE_FEED)
    worker_run.wait_consumed(lines)
    time.sleep(3)
    worker_run.wait_consumed(lines + worker_run.publish(SECOND_FEED))

    queries = {grafana_to_promql(target["expr"]): panel["title"] for panel, target in dashboard_targets(json.loads(DASHBOARD.read_text()))}
    missing = dict(queries)
    deadline = time.monotonic() + QUERY_DEADLINE_S
    while missing and time.monotonic() < deadline:
        for query in list(missing):
            answer = prometheus.get("/api/v1/query", query=query)
            assert answer["status"] == "success", (query, answer)
            values = [float(sample["value"][1]) for sample in answer["data"]["result"]]
            if any(math.isfinite(v) for v in values):
                del missing[query]
        time.sleep(1)
    assert not missing, f"panels without data: {missing}"

    # The rules evaluate without error against the real series.
    groups = prometheus.get("/api/v1/rules")["data"]["groups"]
    rules = [rule for group in groups for rule in group["rules"]]
    assert len(rules) == sum(len(g["rules"]) for path in RULES for g in yaml.safe_load(path.read_text())["groups"])
    assert all(rule["health"] == "ok" for rule in rules), [r for r in rules if r["health"] != "ok"]
    # One worker; the sample feed's three gaps were counted; the bridge cannot reach Alertmanager.
    workers = prometheus.get("/api/v1/query", query='sum(up{job="picket-worker"})')["data"]["result"]
    assert float(workers[0]["value"][1]) == 1
    alerts = prometheus.get("/api/v1/query", query='sum(picket_alerts_total{type="ais_gap"})')["data"]["result"]
    assert float(alerts[0]["value"][1]) == 3
    failing = prometheus.get("/api/v1/query", query="max(picket_alertmanager_post_failing)")["data"]["result"]
    assert float(failing[0]["value"][1]) == 1
