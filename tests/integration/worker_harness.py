"""A worker on its own topics, consumer group and ports, plus the replay of the same files."""

from __future__ import annotations

import dataclasses
import os
import shutil
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from streams.adapters.kafka_io import publish_ais_lines, read_topic
from streams.adapters.local_kafka import find_project_root
from streams.adapters.topics import ensure_topics
from streams.adapters.worker_process import WorkerProcess, sample_key
from streams.config import Settings, Topics, load_settings
from streams.domain.alerts import alert_payload
from streams.refdata import load_reference_data
from streams.replay import Replay, open_text
from streams.wire import dead_letter_payload

ROOT = find_project_root()
SAMPLE_FEED = ROOT / "examples" / "sample_feed.nmea"
NMEA_DATA = ROOT / "tests" / "data" / "nmea"


def require_binary(*names: str, install: str) -> str:
    """The first of `names` on PATH; else skip the test, or fail it on CI (CI=true)."""
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    reason = f"{' or '.join(names)} not on PATH (Debian: apt-get install {install})"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI needs {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_config(path: Path, topics: Topics, app_id: str, raw_batch_lines: int) -> Path:
    """A TOML config naming this test's topics and consumer group."""
    lines = [f'[worker]\napp_id = "{app_id}"\nopen_check_wall_interval_s = 1.0\n', f"[ingest]\nraw_batch_lines = {raw_batch_lines}\n"]
    for field in dataclasses.fields(Topics):
        name = field.name
        spec = getattr(topics, name)
        lines.append(f'[topics.{name}]\nname = "{spec.name}"\npartitions = {spec.partitions}\n')
    path.write_text("\n".join(lines))
    return path


@dataclass
class WorkerRun:
    settings: Settings
    worker: WorkerProcess
    bootstrap: str

    def publish(self, path: Path) -> int:
        handle, raw = open_text(path)
        with raw, handle:
            summary = publish_ais_lines(
                self.bootstrap, self.settings.topics.raw.name, handle, path.name, "auto", self.settings.ingest
            )
        return summary.lines

    def wait_consumed(self, lines: int, timeout_s: float = 120.0) -> dict[str, float]:
        key = sample_key("picket_messages_consumed_total", topic=self.settings.topics.raw.name)
        return self.worker.wait_until(lambda s: s.get(key, 0) >= lines, timeout_s, f"consume {lines} lines")

    def read(self, topic: str, until=None) -> list[dict]:
        return read_topic(self.bootstrap, topic, idle_timeout_s=3, max_wait_s=60, until=until)


def start_worker(bootstrap: str, topics: Topics, tmp_path: Path, raw_batch_lines: int = 100) -> WorkerRun:
    config = write_config(tmp_path / "picket.toml", topics, f"picket-test-{uuid.uuid4().hex[:8]}", raw_batch_lines)
    settings = load_settings(config)
    ensure_topics(bootstrap, topics.all())
    worker = WorkerProcess(
        ROOT, bootstrap, free_port(), free_port(), tmp_path / "worker", tmp_path / "worker.log", config, loglevel="info"
    )
    worker.start()
    worker.wait_ready()
    return WorkerRun(settings, worker, bootstrap)


def replay_payloads(
    paths: list[Path], settings: Settings, launch_paths: list[Path] = ()
) -> tuple[list[dict], list[dict], object]:
    """Alerts and dead letters (as topic payloads) that `picket replay` makes of the same files."""
    alerts: list[dict] = []
    dead: list[dict] = []
    replay = Replay(
        settings,
        load_reference_data(),
        lambda alert: alerts.append(alert_payload(alert, 0.0)),
        lambda letter: dead.append(dead_letter_payload(letter, settings.topics.raw.name, 0.0)),
    )
    for path in paths:
        replay.run_file(path)
    for path in launch_paths:
        replay.run_launch_file(path)
    return alerts, dead, replay.finish()
