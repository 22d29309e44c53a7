"""Integration tests run against a real Kafka broker that this session starts and stops.

Without Java 17+ or Maven the tests are skipped with the reason, except on CI (CI=true), where a
missing prerequisite is a failure: a CI run that skipped every broker test would look green.
"""

from __future__ import annotations

import dataclasses
import os
import socket
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from streams.adapters.local_kafka import LocalKafka, find_project_root
from streams.config import KafkaConfig, Topics
from streams.errors import UserError

INTEGRATION_DIR = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # This hook sees the whole session's items, not only this folder's.
    for item in items:
        if item.path.is_relative_to(INTEGRATION_DIR):
            item.add_marker(pytest.mark.integration)


def free_port_pair() -> int:
    """A port whose successor is free too: the broker listens on port, its controller on port + 1."""
    for _ in range(50):
        with socket.socket() as first:
            first.bind(("127.0.0.1", 0))
            port = first.getsockname()[1]
            with socket.socket() as second:
                try:
                    second.bind(("127.0.0.1", port + 1))
                except OSError:
                    continue
        return port
    raise RuntimeError("no two consecutive free ports on 127.0.0.1")


def shared_libs_dir() -> Path:
    """The jars `picket kafka up` caches: tests reuse them instead of fetching their own."""
    return find_project_root() / KafkaConfig().data_dir / "libs"


def _require_prerequisites(kafka: LocalKafka) -> None:
    try:
        kafka.check_prerequisites()
    except UserError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Kafka integration tests need Java and Maven on CI: {error}")
        pytest.skip(f"no local Kafka possible: {error}")


@pytest.fixture
def new_local_kafka(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[], LocalKafka]]:
    """Factory of stopped brokers, each with its own data dir and ports, for tests of the broker's
    lifecycle itself. Whatever they leave running is stopped at teardown, even after a failure."""
    made: list[LocalKafka] = []

    def make() -> LocalKafka:
        kafka = LocalKafka(
            find_project_root(),
            tmp_path_factory.mktemp("kafka"),
            port=free_port_pair(),
            libs_dir=shared_libs_dir(),
        )
        _require_prerequisites(kafka)
        made.append(kafka)
        return kafka

    yield make
    for kafka in made:
        kafka.down()


@pytest.fixture(scope="session")
def kafka_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalKafka]:
    """One running broker for the session; `.bootstrap` is its address. Give each test its own
    topics (`unique_topics`) and consumer group."""
    kafka = LocalKafka(
        find_project_root(),
        tmp_path_factory.mktemp("kafka-session"),
        port=free_port_pair(),
        libs_dir=shared_libs_dir(),
    )
    _require_prerequisites(kafka)
    try:
        kafka.up(timeout_s=120)  # generous: the first run may still fetch the jars
        yield kafka
    finally:
        kafka.down()


@pytest.fixture
def unique_topics() -> Topics:
    """The configured topics, with partitions and compaction as configured, renamed for this test."""
    suffix = uuid.uuid4().hex[:10]
    defaults = Topics()
    renamed = {}
    for field in dataclasses.fields(Topics):
        spec = getattr(defaults, field.name)
        renamed[field.name] = dataclasses.replace(spec, name=f"{spec.name}.{suffix}")
    return Topics(**renamed)
