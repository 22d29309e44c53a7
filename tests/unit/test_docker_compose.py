"""docker-compose.yml cannot be started here (no Docker engine on the dev machines), so it is
parsed and checked against the pom and the settings the local broker uses."""

from __future__ import annotations

import base64

import pytest

from streams.adapters.local_kafka import POM, find_project_root, kafka_version
from streams.config import KafkaConfig

yaml = pytest.importorskip("yaml", reason="PyYAML (test extra) parses docker-compose.yml")


@pytest.fixture(scope="module")
def kafka_service() -> dict:
    with open(find_project_root() / "docker-compose.yml") as handle:
        compose = yaml.safe_load(handle)
    return compose["services"]["kafka"]


def test_image_is_the_kafka_version_of_the_pom(kafka_service: dict) -> None:
    assert kafka_service["image"] == f"apache/kafka:{kafka_version(find_project_root() / POM)}"


def test_broker_port_is_published_on_localhost_only(kafka_service: dict) -> None:
    port = KafkaConfig().port
    assert kafka_service["ports"] == [f"127.0.0.1:{port}:9092"]
    assert f"PLAINTEXT://127.0.0.1:{port}" in kafka_service["environment"]["KAFKA_ADVERTISED_LISTENERS"]


def test_single_node_kraft_settings(kafka_service: dict) -> None:
    env = kafka_service["environment"]

    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == f"{env['KAFKA_NODE_ID']}@kafka:9093"
    assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == 1
    assert env["KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"] == 1
    assert env["KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS"] == 0
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    # Kafka refuses to format storage with an id that is not 16 bytes of base64url.
    assert len(base64.urlsafe_b64decode(env["CLUSTER_ID"] + "==")) == 16


def test_data_lives_in_a_named_volume_and_health_is_checked(kafka_service: dict) -> None:
    with open(find_project_root() / "docker-compose.yml") as handle:
        volumes = yaml.safe_load(handle)["volumes"]
    volume_name, mount_point = kafka_service["volumes"][0].split(":")

    assert volume_name in volumes
    assert mount_point == kafka_service["environment"]["KAFKA_LOG_DIRS"]
    assert "/opt/kafka/bin/kafka-broker-api-versions.sh" in " ".join(kafka_service["healthcheck"]["test"])
