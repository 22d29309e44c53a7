"""A `picket worker` in a child process, watched through its /metrics: for the demo, tests and bench."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from streams.errors import UserError

Samples = dict[str, float]


def sample_key(name: str, **labels: str) -> str:
    """How `scrape` names a sample: `name{label=value,...}` with labels sorted."""
    return name + "{" + ",".join(f"{k}={v}" for k, v in sorted(labels.items())) + "}"


class WorkerProcess:
    def __init__(
        self,
        root: Path,
        bootstrap: str,
        metrics_port: int,
        web_port: int,
        data_dir: Path,
        log_path: Path,
        config_path: Path | None = None,
        loglevel: str = "warning",
    ) -> None:
        self.root = root
        self.bootstrap = bootstrap
        self.metrics_port = metrics_port
        self.web_port = web_port
        self.data_dir = data_dir
        self.log_path = log_path
        self.config_path = config_path
        self.loglevel = loglevel
        self.process: subprocess.Popen | None = None

    def start(self, ready_timeout_s: float = 120.0) -> None:
        command = [sys.executable, "-m", "streams"]
        if self.config_path is not None:
            command += ["--config", str(self.config_path)]
        command += [
            "worker", "--broker", self.bootstrap, "--metrics-port", str(self.metrics_port),
            "--web-port", str(self.web_port), "--data-dir", str(self.data_dir), "--loglevel", self.loglevel,
        ]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                command, cwd=self.root, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.wait_until(lambda samples: True, ready_timeout_s, "start")

    def wait_ready(self, timeout_s: float = 120.0) -> None:
        """Until the worker reports it holds its partitions with recovered state (`picket_worker_ready`)."""
        self.wait_until(lambda samples: samples.get("picket_worker_ready{}") == 1.0, timeout_s, "become ready")

    def scrape(self) -> Samples:
        from prometheus_client.parser import text_string_to_metric_families

        url = f"http://127.0.0.1:{self.metrics_port}/metrics"
        with urllib.request.urlopen(url, timeout=5) as response:
            text = response.read().decode()
        return {
            sample_key(sample.name, **sample.labels): sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
        }

    def wait_until(self, condition: Callable[[Samples], bool], timeout_s: float, what: str) -> Samples:
        """Poll /metrics until `condition` holds; a worker that exits or stalls is a `UserError`."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise UserError(f"the worker exited (code {self.process.returncode}) before it could {what}: see {self.log_path}")
            try:
                samples = self.scrape()
            except OSError:
                samples = None
            if samples is not None and condition(samples):
                return samples
            time.sleep(0.2)
        raise UserError(f"the worker did not {what} within {timeout_s:g} s: see {self.log_path}")

    def stop(self, timeout_s: float = 30.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def kill(self) -> None:
        """SIGKILL, as a crash would: no clean shutdown, no final commit."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
