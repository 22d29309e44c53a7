"""One frozen settings object, built at the entry point (CLI) and passed down.

Defaults live here with their sources; a TOML file (`--config`) overrides any of them:

    [topics.raw]
    partitions = 8
    [detection.gap]
    min_gap_s = 21600
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from streams.core import DetectionConfig
from streams.launch.config import LaunchConfig


@dataclass(frozen=True, slots=True)
class TopicSpec:
    name: str
    partitions: int
    compacted: bool = False

    def __post_init__(self) -> None:
        if self.partitions < 1:
            raise ValueError(f"topic {self.name}: partitions must be >= 1")


@dataclass(frozen=True, slots=True)
class Topics:
    """Topic names and partition counts. Keys: `ais.raw` by source (one receiver's lines stay in
    order, which multi-part reassembly needs); positions and statics by MMSI partition (a batch
    record holds only MMSIs of its partition); `alerts` by alert_id; `deadletter` by source."""

    raw: TopicSpec = TopicSpec("ais.raw", 4)
    position: TopicSpec = TopicSpec("ais.position", 4)
    static: TopicSpec = TopicSpec("ais.static", 4)
    alerts: TopicSpec = TopicSpec("alerts", 4, compacted=True)
    deadletter: TopicSpec = TopicSpec("deadletter", 1)
    launch: TopicSpec = TopicSpec("launch.detection", 1)
    """One partition: fusing reports of one launch and the launch tempo need every report in one
    place, and the feed is a few records a day."""

    def __post_init__(self) -> None:
        if self.position.partitions != self.static.partitions:
            # One agent keeps a vessel's state from both topics: they must be co-partitioned.
            raise ValueError("ais.position and ais.static need the same partition count")

    def all(self) -> list[TopicSpec]:
        return [self.raw, self.position, self.static, self.alerts, self.deadletter, self.launch]


@dataclass(frozen=True, slots=True)
class IngestConfig:
    multipart_buffer_size: int = 1000
    """Incomplete multi-part messages held at once per source; the oldest is dead-lettered
    when full. 1,000 covers a busy receiver (a few hundred type 5 per minute)."""
    multipart_timeout_s: float = 60.0
    """A fragment whose partner has not arrived within this receive time is dead-lettered."""
    raw_batch_lines: int = 1000
    """Lines per `ais.raw` record written by `picket produce`."""

    def __post_init__(self) -> None:
        if self.multipart_buffer_size < 1 or self.multipart_timeout_s <= 0 or self.raw_batch_lines < 1:
            raise ValueError("ingest: buffer size, timeout and batch size must be positive")


@dataclass(frozen=True, slots=True)
class KafkaConfig:
    bootstrap: str = "127.0.0.1:9092"
    port: int = 9092
    """Port of the local broker `picket kafka up` starts (its controller listens on port + 1)."""
    data_dir: str = ".cache/kafka"
    """Jars, broker data and logs of the local broker, relative to the project root."""


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    app_id: str = "picket"
    web_port: int = 6066
    """Faust's web server: health checks."""
    metrics_port: int = 9108
    """Prometheus scrape endpoint `/metrics`."""
    producer_buffer_messages: int = 100_000
    """Messages Faust's producer buffer may hold before it pauses consumption (Faust: 100). Vessel
    states are written in a burst at each commit (one per changed vessel): 100 stalled the worker."""
    open_check_wall_interval_s: float = 5.0
    """How often (wall clock) the worker checks for ongoing activity; the check itself is on
    event time, see `detection.open_check_interval_s`."""


@dataclass(frozen=True, slots=True)
class Settings:
    kafka: KafkaConfig = field(default_factory=KafkaConfig)
    topics: Topics = field(default_factory=Topics)
    ingest: IngestConfig = field(default_factory=IngestConfig)
    detection: DetectionConfig = field(default_factory=DetectionConfig)
    launch: LaunchConfig = field(default_factory=LaunchConfig)
    worker: WorkerConfig = field(default_factory=WorkerConfig)


class ConfigError(ValueError):
    pass


def load_settings(path: str | Path | None = None, **overrides: Any) -> Settings:
    """Defaults, then the TOML file, then keyword overrides of top-level sections."""
    data: dict[str, Any] = {}
    if path is not None:
        try:
            with open(path, "rb") as handle:
                data = tomllib.load(handle)
        except OSError as error:
            raise ConfigError(f"cannot read config file {path}: {error.strerror}") from error
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"config file {path} is not valid TOML: {error}") from error
    settings = _build(Settings(), data, "")
    return dataclasses.replace(settings, **overrides) if overrides else settings


def _build(defaults: Any, data: dict[str, Any], where: str) -> Any:
    """`defaults` (a settings dataclass instance) with the values of `data` put in, checked."""
    if not isinstance(data, dict):
        raise ConfigError(f"config section [{where}] must be a table")
    known = {f.name for f in dataclasses.fields(defaults)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"unknown config key(s) in [{where or 'top level'}]: {', '.join(unknown)}")
    values: dict[str, Any] = {}
    for name, value in data.items():
        current = getattr(defaults, name)
        path = f"{where}.{name}" if where else name
        if dataclasses.is_dataclass(current):
            values[name] = _build(current, value, path)
            continue
        expected = type(current)
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if expected is tuple and isinstance(value, list):
            value = tuple(float(v) if isinstance(v, int) and current and isinstance(current[0], float) else v for v in value)
        if not isinstance(value, expected) or isinstance(value, bool) != isinstance(current, bool):
            raise ConfigError(f"config {path}: expected {expected.__name__}, got {value!r}")
        values[name] = value
    try:
        return dataclasses.replace(defaults, **values)
    except ValueError as error:
        raise ConfigError(f"config [{where or 'top level'}]: {error}") from error
