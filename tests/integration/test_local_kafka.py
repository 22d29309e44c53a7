"""The local broker's lifecycle and topic creation, against real Kafka."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import ConfigResource
from kafka.errors import KafkaTimeoutError

from streams.adapters.local_kafka import LocalKafka
from streams.adapters.topics import ensure_topics
from streams.config import TopicSpec, Topics
from streams.errors import UserError


def _partition_counts(bootstrap: str, names: list[str]) -> dict[str, int]:
    with KafkaAdminClient(bootstrap_servers=bootstrap) as admin:
        return {topic["name"]: len(topic["partitions"]) for topic in admin.describe_topics(names)}


def _cleanup_policies(bootstrap: str, names: list[str]) -> dict[str, str]:
    resources = [ConfigResource("TOPIC", name, configs={"cleanup.policy": None}) for name in names]
    with KafkaAdminClient(bootstrap_servers=bootstrap) as admin:
        described = admin.describe_configs(resources, config_filter="all")["topic"]
    return {name: configs["cleanup.policy"]["value"] for name, configs in described.items()}


def _round_trip(bootstrap: str, topic: str) -> tuple[bytes, bytes]:
    producer = KafkaProducer(bootstrap_servers=bootstrap)
    try:
        producer.send(topic, key=b"receiver-1", value=b"!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*24").get(timeout=30)
    finally:
        producer.close()
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"test-{uuid.uuid4().hex}",
        auto_offset_reset="earliest",
        consumer_timeout_ms=30_000,
    )
    try:
        record = next(iter(consumer))
    finally:
        consumer.close()
    return record.key, record.value


def test_up_topics_produce_consume_down_and_restart(new_local_kafka, unique_topics: Topics) -> None:
    kafka: LocalKafka = new_local_kafka()
    first_start: list[str] = []

    assert kafka.up(timeout_s=120, progress=first_start.append) is True
    status = kafka.status()
    assert status.running
    assert status.pid == int(kafka.pid_file.read_text())
    assert status.bootstrap == f"127.0.0.1:{kafka.port}"

    specs = unique_topics.all()
    assert ensure_topics(kafka.bootstrap, specs) == [spec.name for spec in specs]
    names = [spec.name for spec in specs]
    assert _partition_counts(kafka.bootstrap, names) == {spec.name: spec.partitions for spec in specs}
    assert _cleanup_policies(kafka.bootstrap, names) == {
        spec.name: "compact" if spec.compacted else "delete" for spec in specs
    }
    assert ensure_topics(kafka.bootstrap, specs) == []  # idempotent

    assert _round_trip(kafka.bootstrap, unique_topics.raw.name) == (
        b"receiver-1",
        b"!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*24",
    )

    pid = status.pid
    assert kafka.down() is True
    assert not kafka.status().running
    assert not kafka.pid_file.exists()
    assert not Path(f"/proc/{pid}").exists() or b"kafka.Kafka" not in Path(f"/proc/{pid}/cmdline").read_bytes()

    # Second start on the same data dir: no Maven, no formatting, and the topics are still there.
    stamp = kafka.stamp_file.read_text()
    stamp_mtime_ns = kafka.stamp_file.stat().st_mtime_ns
    second_start: list[str] = []
    assert kafka.up(timeout_s=120, progress=second_start.append) is True
    assert not [line for line in second_start if "Maven" in line or "formatting" in line]
    assert kafka.stamp_file.read_text() == stamp
    assert kafka.stamp_file.stat().st_mtime_ns == stamp_mtime_ns
    assert ensure_topics(kafka.bootstrap, specs) == []

    assert kafka.down() is True
    assert kafka.down() is False  # idempotent: nothing left to stop
    assert not kafka.status().running


def test_up_on_a_running_data_dir_reports_the_running_broker(kafka_broker: LocalKafka) -> None:
    same_dir_other_port = LocalKafka(
        kafka_broker.project_root, kafka_broker.data_dir, port=kafka_broker.port + 7, libs_dir=kafka_broker.libs_dir
    )

    assert same_dir_other_port.up(timeout_s=5) is False
    status = same_dir_other_port.status()
    assert status.running
    assert status.pid == kafka_broker.status().pid
    assert status.bootstrap == kafka_broker.bootstrap  # the running broker's port, not the requested one


def test_broker_that_dies_while_starting_raises_with_its_log(new_local_kafka) -> None:
    kafka: LocalKafka = new_local_kafka()
    kafka.up(timeout_s=120)
    kafka.down()
    # Storage formatted for node 1 but now claiming node 7: the broker refuses to start.
    meta = kafka.log_dir / "meta.properties"
    meta.write_text(meta.read_text().replace("node.id=1", "node.id=7"))

    with pytest.raises(UserError, match="exited while starting") as raised:
        kafka.up(timeout_s=120)

    assert "node id" in str(raised.value)  # the broker's own explanation, from broker.log
    assert not kafka.running()
    assert not kafka.pid_file.exists()


def test_ensure_topics_refuses_a_topic_with_fewer_partitions(kafka_broker: LocalKafka, unique_topics: Topics) -> None:
    name = unique_topics.position.name
    assert ensure_topics(kafka_broker.bootstrap, [TopicSpec(name, 2)]) == [name]

    with pytest.raises(UserError, match=rf"{name} exists with 2 partition\(s\) but 4 are configured"):
        ensure_topics(kafka_broker.bootstrap, [TopicSpec(name, 4)])

    assert _partition_counts(kafka_broker.bootstrap, [name]) == {name: 2}


def test_ensure_topics_accepts_a_topic_with_more_partitions(kafka_broker: LocalKafka, unique_topics: Topics) -> None:
    name = unique_topics.deadletter.name
    ensure_topics(kafka_broker.bootstrap, [TopicSpec(name, 3)])

    assert ensure_topics(kafka_broker.bootstrap, [TopicSpec(name, 1)]) == []
    assert _partition_counts(kafka_broker.bootstrap, [name]) == {name: 3}


def test_auto_topic_creation_is_off(kafka_broker: LocalKafka, unique_topics: Topics) -> None:
    """A misspelt topic must fail instead of silently appearing with one partition."""
    name = unique_topics.raw.name
    producer = KafkaProducer(bootstrap_servers=kafka_broker.bootstrap, max_block_ms=3000)
    try:
        with pytest.raises(KafkaTimeoutError, match="metadata"):
            producer.send(name, value=b"x").get(timeout=5)
    finally:
        producer.close(timeout=5)

    with KafkaAdminClient(bootstrap_servers=kafka_broker.bootstrap) as admin:
        assert name not in admin.list_topics()
