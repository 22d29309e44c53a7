"""Create the configured topics on a broker (the broker refuses to create them on first use)."""

from __future__ import annotations

from collections.abc import Sequence

from kafka import KafkaAdminClient
from kafka.errors import KafkaError, TopicAlreadyExistsError

from streams.config import TopicSpec
from streams.errors import UserError

UNKNOWN_TOPIC = 3  # UNKNOWN_TOPIC_OR_PARTITION in a metadata response


def ensure_topics(
    bootstrap: str, specs: Sequence[TopicSpec], timeout_s: float = 30, replication_factor: int = 1
) -> list[str]:
    """Create the topics of `specs` that do not exist yet; return the names created.

    An existing topic is left alone when it has at least the configured partitions. With fewer,
    keys would land on other partitions than the configuration promises (and co-partitioned topics
    would disagree), so that is a `UserError`: Kafka can add partitions, never remove them.
    """
    if not specs:
        return []
    timeout_ms = int(timeout_s * 1000)
    try:
        admin = KafkaAdminClient(
            bootstrap_servers=bootstrap,
            client_id="picket-topics",
            bootstrap_timeout_ms=timeout_ms,
            request_timeout_ms=timeout_ms,
        )
    except KafkaError as error:
        raise UserError(f"Kafka at {bootstrap} does not answer ({error}); start it with `picket kafka up`") from error
    try:
        existing = _partition_counts(admin, [spec.name for spec in specs])
        _check_partitions(specs, existing)
        created = []
        for spec in specs:
            if spec.name in existing:
                continue
            try:
                admin.create_topics(
                    {
                        spec.name: {
                            "num_partitions": spec.partitions,
                            "replication_factor": replication_factor,
                            "configs": {"cleanup.policy": "compact"} if spec.compacted else {},
                        }
                    },
                    timeout_ms=timeout_ms,
                )
                created.append(spec.name)
            except TopicAlreadyExistsError:
                # Created by someone else (another worker starting) since we looked.
                _check_partitions([spec], _partition_counts(admin, [spec.name]))
        if created:
            # Producers that start right after this would otherwise see "unknown topic" briefly.
            admin.wait_for_topics(created, timeout_ms=timeout_ms)
        return created
    except KafkaError as error:
        raise UserError(f"creating topics on {bootstrap} failed: {error}") from error
    finally:
        admin.close()


def _check_partitions(specs: Sequence[TopicSpec], existing: dict[str, int]) -> None:
    for spec in specs:
        if spec.name in existing and existing[spec.name] < spec.partitions:
            raise UserError(
                f"topic {spec.name} exists with {existing[spec.name]} partition(s) but "
                f"{spec.partitions} are configured: add partitions with kafka-topics.sh --alter, "
                f"or delete the topic (`picket kafka down --wipe` deletes all local broker data)"
            )


def _partition_counts(admin: KafkaAdminClient, names: list[str]) -> dict[str, int]:
    counts = {}
    for topic in admin.describe_topics(names):
        if topic["error_code"] == UNKNOWN_TOPIC:
            continue
        if topic["error_code"] != 0:
            raise UserError(f"cannot describe topic {topic['name']}: Kafka error code {topic['error_code']}")
        counts[topic["name"]] = len(topic["partitions"])
    return counts
