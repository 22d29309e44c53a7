"""`picket demo` end to end: its own broker and worker, the sample feed, the alerts printed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from streams.adapters.local_kafka import LocalKafka, require_java, require_maven
from streams.errors import UserError
from tests.integration.conftest import free_port_pair

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def java_and_maven():
    try:
        require_java()
        require_maven()
    except UserError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the demo needs Java and Maven on CI: {error}")
        pytest.skip(str(error))


def test_demo_prints_the_alerts_and_dead_letters_and_stops_what_it_started(java_and_maven, tmp_path):
    port = free_port_pair()
    result = subprocess.run(
        [sys.executable, "-m", "streams", "demo", "--port", str(port)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "3 alerts" in out
    assert "CHON MA SAN" in out and "OCEAN GRACE" in out and "SEA BRAVE" in out
    assert "3 dead letters" in out
    assert "stopped the worker and the broker" in out
    worker_left = subprocess.run(["pgrep", "-f", f"--broker 127.0.0.1:{port}"], capture_output=True, text=True)
    assert worker_left.stdout.strip() == ""
    assert not LocalKafka(ROOT, ROOT / ".cache" / "demo" / "kafka", port=port).running()
