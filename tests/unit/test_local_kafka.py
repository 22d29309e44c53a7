"""The local broker's files, prerequisites and state, without starting a broker.

Missing or old tools are faked the way a user's machine would have them: PATH points at a folder
that holds nothing, or a tiny `java` script that prints an old version.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from streams.adapters.local_kafka import (
    STAMP_NAME,
    BrokerExited,
    LocalKafka,
    find_project_root,
    kafka_version,
    new_cluster_id,
    server_properties,
    wait_until_answers,
)
from streams.adapters.topics import ensure_topics
from streams.cli import kafka_cmd
from streams.config import Settings, TopicSpec
from streams.errors import UserError

POM_TEXT = """<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <properties><kafka.version>9.9.9</kafka.version></properties>
</project>
"""


def _properties(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#"))


def _project(tmp_path: Path) -> Path:
    """A project root holding only the pom, as `LocalKafka` needs it."""
    root = tmp_path / "project"
    (root / "deploy" / "kafka").mkdir(parents=True)
    (root / "deploy" / "kafka" / "pom.xml").write_text(POM_TEXT)
    return root


def _fake_java(bin_dir: Path, version_line: str) -> None:
    bin_dir.mkdir(exist_ok=True)
    java = bin_dir / "java"
    java.write_text(f"#!/bin/sh\necho '{version_line}' >&2\n")
    java.chmod(0o755)


def _run_cli(argv: list[str]) -> int:
    # Only the kafka subcommand: the other subcommands are not what these tests are about.
    parser = argparse.ArgumentParser(prog="picket")
    kafka_cmd.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.run(args, Settings())


def test_server_properties_put_the_controller_on_the_next_port(tmp_path: Path) -> None:
    properties = _properties(server_properties(19092, tmp_path / "data"))

    assert properties["listeners"] == "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093"
    assert properties["advertised.listeners"] == "PLAINTEXT://127.0.0.1:19092"
    assert properties["controller.quorum.voters"] == "1@127.0.0.1:19093"
    assert properties["process.roles"] == "broker,controller"
    assert properties["log.dirs"] == str(tmp_path / "data")
    assert properties["group.initial.rebalance.delay.ms"] == "0"
    assert properties["auto.create.topics.enable"] == "false"
    assert properties["offsets.topic.replication.factor"] == "1"
    assert properties["transaction.state.log.replication.factor"] == "1"
    assert properties["transaction.state.log.min.isr"] == "1"


def test_cluster_id_is_16_random_bytes_in_unpadded_base64url() -> None:
    first, second = new_cluster_id(), new_cluster_id()

    assert len(first) == 22 and "=" not in first
    assert len(base64.urlsafe_b64decode(first + "==")) == 16
    assert first != second


def test_kafka_version_comes_from_the_pom(tmp_path: Path) -> None:
    assert kafka_version(_project(tmp_path) / "deploy" / "kafka" / "pom.xml") == "9.9.9"


def test_project_root_is_the_checkout_holding_the_pom() -> None:
    assert (find_project_root() / "deploy" / "kafka" / "pom.xml").is_file()


def test_relative_data_dir_is_under_the_project_root(tmp_path: Path) -> None:
    kafka = LocalKafka(tmp_path, ".cache/kafka")

    assert kafka.data_dir == tmp_path.resolve() / ".cache" / "kafka"
    assert kafka.libs_dir == kafka.data_dir / "libs"


def test_missing_java_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    kafka = LocalKafka(_project(tmp_path), tmp_path / "kafka")

    with pytest.raises(UserError, match=r"Java 17\+ not found: .*apt-get install openjdk-17-jdk-headless"):
        kafka.check_prerequisites()
    with pytest.raises(UserError, match=r"Java 17\+ not found"):
        kafka.up()
    assert not kafka.data_dir.exists()  # failed before touching anything


@pytest.mark.parametrize(
    ("version_line", "major"),
    [('openjdk version "11.0.2" 2019-01-15', 11), ('java version "1.8.0_392"', 8)],
)
def test_old_java_says_which_version_it_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version_line: str, major: int
) -> None:
    _fake_java(tmp_path / "bin", version_line)
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))

    with pytest.raises(UserError, match=rf"Java 17\+ needed, but .*java is Java {major}: install a JDK 17"):
        LocalKafka(_project(tmp_path), tmp_path / "kafka").check_prerequisites()


def test_missing_maven_says_what_to_install_while_jars_are_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_java(tmp_path / "bin", 'openjdk version "17.0.15" 2025-04-15')
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))

    with pytest.raises(UserError, match=r"Maven not found .*apt-get install maven"):
        LocalKafka(_project(tmp_path), tmp_path / "kafka").check_prerequisites()


def test_maven_is_not_needed_once_the_jars_match_the_pom(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_java(tmp_path / "bin", 'openjdk version "21" 2023-09-19')
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    root = _project(tmp_path)
    kafka = LocalKafka(root, tmp_path / "kafka")
    kafka.libs_dir.mkdir(parents=True)
    (kafka.libs_dir / "kafka_2.13-9.9.9.jar").write_bytes(b"")
    pom = root / "deploy" / "kafka" / "pom.xml"
    (kafka.libs_dir / STAMP_NAME).write_text(hashlib.sha256(pom.read_bytes()).hexdigest() + "\n")

    kafka.check_prerequisites()  # no UserError: java is there, and the jars need no Maven
    assert kafka.resolve_jars() is False

    pom.write_text(POM_TEXT.replace("9.9.9", "9.9.10"))
    assert not kafka.jars_current()  # a changed pom means resolving again
    with pytest.raises(UserError, match="Maven not found"):
        kafka.check_prerequisites()


def test_status_of_an_empty_data_dir_is_stopped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kafka = LocalKafka(_project(tmp_path), tmp_path / "kafka", port=19092)

    status = kafka.status()
    assert (status.running, status.pid, status.bootstrap) == (False, None, "127.0.0.1:19092")
    assert status.data_dir == (tmp_path / "kafka").resolve()

    assert _run_cli(["kafka", "status", "--data-dir", str(tmp_path / "kafka")]) == 3
    assert "stopped" in capsys.readouterr().out


def test_down_without_a_broker_is_a_no_op(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert LocalKafka(_project(tmp_path), tmp_path / "kafka").down() is False
    assert _run_cli(["kafka", "down", "--data-dir", str(tmp_path / "kafka")]) == 0
    assert "no Kafka broker running" in capsys.readouterr().out


def test_a_pid_file_naming_another_process_is_never_signalled(tmp_path: Path) -> None:
    kafka = LocalKafka(_project(tmp_path), tmp_path / "kafka")
    kafka.data_dir.mkdir(parents=True)
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        kafka.pid_file.write_text(f"{bystander.pid}\n")

        assert not kafka.status().running
        assert kafka.down(timeout_s=1) is False

        assert bystander.poll() is None  # still alive
        assert not kafka.pid_file.exists()  # the stale pid file is gone
    finally:
        bystander.kill()
        bystander.wait()


def test_wipe_deletes_broker_data_but_keeps_jars_and_foreign_files(tmp_path: Path) -> None:
    kafka = LocalKafka(_project(tmp_path), tmp_path / "kafka")
    (kafka.log_dir / "ais.raw-0").mkdir(parents=True)
    for name in ("cluster.id", "server.properties", "broker.log", "server.log", "server.log.1", "notes.txt"):
        (kafka.data_dir / name).write_text("x")
    kafka.libs_dir.mkdir()
    (kafka.libs_dir / "kafka_2.13-9.9.9.jar").write_bytes(b"")

    kafka.down(wipe=True)

    remaining = sorted(str(path.relative_to(kafka.data_dir)) for path in kafka.data_dir.rglob("*"))
    assert remaining == ["libs", "libs/kafka_2.13-9.9.9.jar", "notes.txt"]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # free again once closed: nothing listens there


def test_wait_until_answers_gives_up_after_the_timeout() -> None:
    with pytest.raises(UserError, match=r"did not answer within 0.5 s"):
        wait_until_answers(f"127.0.0.1:{_closed_port()}", timeout_s=0.5)


def test_wait_until_answers_stops_when_the_broker_process_is_gone() -> None:
    with pytest.raises(BrokerExited):
        wait_until_answers(f"127.0.0.1:{_closed_port()}", timeout_s=30, is_alive=lambda: False)


def test_ensure_topics_without_a_broker_says_how_to_start_one() -> None:
    with pytest.raises(UserError, match=r"does not answer .*picket kafka up"):
        ensure_topics(f"127.0.0.1:{_closed_port()}", [TopicSpec("ais.raw", 4)], timeout_s=1)
