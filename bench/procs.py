"""Helpers of the benchmark: free ports, child processes that always get stopped, /metrics scraping,
quantiles from Prometheus histogram buckets, and medians."""

from __future__ import annotations

import math
import os
import signal
import socket
import statistics
import subprocess
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from streams.adapters.local_kafka import port_is_free


def free_port(pair: bool = False) -> int:
    """A free TCP port on 127.0.0.1 (and port + 1 too with `pair`: the broker's controller uses it)."""
    for _ in range(200):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port < 65535 and (not pair or port_is_free(port + 1)):
            return port
    raise RuntimeError("no free port found")


class Child:
    """A child process in its own session, with its output in a log file; `stop()` ends its whole
    process group (SIGTERM, then SIGKILL after `grace_s`). Every Child is stopped by `stop_all()`."""

    running: list[Child] = []

    def __init__(self, name: str, command: Sequence[str], cwd: Path, log_path: Path, env: dict | None = None) -> None:
        self.name = name
        self.log_path = log_path
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(log_path, "wb")
        self.process = subprocess.Popen(
            list(command), cwd=cwd, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True, env=env,
        )
        Child.running.append(self)

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, grace_s: float = 30.0) -> int | None:
        if self.alive():
            self._signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self.process.wait()
        else:
            # The leader exited: make sure nothing it started outlives it.
            self._signal(signal.SIGKILL)
        self._log.close()
        if self in Child.running:
            Child.running.remove(self)
        return self.process.returncode

    def _signal(self, signum: int) -> None:
        try:
            os.killpg(self.process.pid, signum)  # its own session: the group id is its pid
        except (ProcessLookupError, PermissionError):
            pass

    def wait(self, timeout_s: float) -> int | None:
        try:
            return self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            return None

    def log_tail(self, lines: int = 25) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    @classmethod
    def stop_all(cls) -> None:
        for child in list(cls.running):
            child.stop(grace_s=10.0)


def cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU time of a process (all its threads) so far, from /proc; None if gone."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- /metrics ----------------------------------------------------------------------------------

@dataclass
class Scrape:
    at: float  # time.monotonic() of the scrape
    samples: dict[tuple[str, tuple[tuple[str, str], ...]], float]

    def value(self, name: str, **labels: str) -> float:
        return self.samples.get((name, tuple(sorted(labels.items()))), 0.0)

    def total(self, name: str) -> float:
        return sum(v for (n, _), v in self.samples.items() if n == name)

    def buckets(self, name: str, **labels: str) -> list[tuple[float, float]]:
        """(upper bound, cumulative count) of a histogram, sorted by bound, `+Inf` last."""
        out = []
        want = set(labels.items())
        for (n, sample_labels), value in self.samples.items():
            if n != f"{name}_bucket":
                continue
            as_dict = dict(sample_labels)
            if not want <= set(as_dict.items()):
                continue
            out.append((float(as_dict["le"]), value))
        return sorted(out)


def scrape(port: int, timeout_s: float = 2.0) -> Scrape:
    from prometheus_client.parser import text_string_to_metric_families

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=timeout_s) as response:
        text = response.read().decode()
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return Scrape(time.monotonic(), samples)


def histogram_quantile(buckets: list[tuple[float, float]], q: float) -> float | None:
    """Prometheus' `histogram_quantile`: linear interpolation inside the bucket holding rank q x count.
    None without observations; the highest finite bound when the rank falls in `+Inf`."""
    if not buckets or buckets[-1][1] <= 0:
        return None
    total = buckets[-1][1]
    rank = q * total
    lower, below = 0.0, 0.0
    for bound, cumulative in buckets:
        if cumulative >= rank:
            if math.isinf(bound):
                return lower
            if cumulative == below:
                return bound
            return lower + (bound - lower) * (rank - below) / (cumulative - below)
        lower, below = bound, cumulative
    return lower


def exact_quantile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank quantile of raw values (used where we hold every observation)."""
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))
    return ordered[index]


@dataclass
class Figure:
    """One measured figure over repeats: median, min, max."""

    name: str
    unit: str
    values: list[float]
    note: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.values) if self.values else None

    @property
    def low(self) -> float | None:
        return min(self.values) if self.values else None

    @property
    def high(self) -> float | None:
        return max(self.values) if self.values else None


def wait_for(predicate, timeout_s: float, interval_s: float = 0.2, what: str = "condition", child: Child | None = None) -> None:
    """Poll `predicate` until true; raises if `child` exits first (with its log tail) or on timeout."""
    deadline = time.monotonic() + timeout_s
    while True:
        exited = child is not None and not child.alive()  # before the check: it may exit once done
        try:
            if predicate():
                return
        except OSError:
            pass
        if exited:
            raise RuntimeError(
                f"{child.name} exited (code {child.process.returncode}) while waiting for {what}; "
                f"last lines of {child.log_path}:\n{child.log_tail()}"
            )
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout_s:g} s waiting for {what}")
        time.sleep(interval_s)
