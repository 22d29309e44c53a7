"""Where a worker's time goes, without Faust or Kafka: the worker's per-record steps run in process
over the feed, each timed on its own.

Steps (as `streams/adapters/faust_app.py` does them for one `ais.raw` record of 1,000 lines):

  decode agent  raw_json      `_read_raw_batch`: orjson.loads of the record + validation
                decode        `AisDecoder.decode` (pyais + our normalisation)
                partition     `mmsi_partition` (murmur2) per event, grouping per partition
                position_ser  `position_batch_payload` + orjson.dumps per partition
  track agent   position_de   orjson.loads + `events_from_position_payload`
                core          `EventTimeProcessor.process` (the detectors)
                state_ser     `VesselState.to_dict()` + orjson.dumps of every vessel the record changed:
                              the cost of writing state back once per record (a worker that writes
                              back once per commit does fewer writes: see its `picket_state_writes_total`)

The sum is the floor of the worker's cost per line with Faust and Kafka taken away; the rest of
the measured worker time is Faust, the Kafka clients and the changelog. Only the pure core, the
wire codecs and `mmsi_partition` are used, so the split keeps working while the worker changes.
"""

from __future__ import annotations

import itertools
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

STEPS = ("raw_json", "decode", "partition", "position_ser", "position_de", "core", "state_ser")


@dataclass
class StageSplit:
    lines: int = 0
    events: int = 0
    records: int = 0
    position_records: int = 0
    state_writes: int = 0
    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STEPS, 0.0))

    @property
    def total_s(self) -> float:
        return sum(self.seconds.values())

    def us_per_line(self, step: str) -> float:
        return self.seconds[step] / self.lines * 1e6 if self.lines else 0.0


class _DirtyStore:
    """In-memory vessel states that remember which vessels were touched since the last `take_dirty`."""

    def __init__(self) -> None:
        from streams.domain.vessel_state import VesselStates

        self.states = VesselStates()
        self.dirty: set[int] = set()

    def get(self, mmsi: int):
        self.dirty.add(mmsi)
        return self.states.get(mmsi)

    def __iter__(self):
        return iter(self.states)

    def __len__(self) -> int:
        return len(self.states)


def _raw_reader():
    """The worker's validating reader of `ais.raw` records, or plain orjson if it has moved."""
    try:
        from streams.adapters.faust_app import _read_raw_batch
    except ImportError:  # pragma: no cover -- the worker module was reorganised
        from streams.wire import loads

        def _read_raw_batch(value: bytes) -> dict:
            payload = loads(value)
            return {"lines": payload["lines"], "received_at_s": None, "header": payload.get("header")}
    return _read_raw_batch


def run_stage_split(path: Path, max_lines: int, batch_lines: int = 1000, partitions: int = 4) -> StageSplit:
    from streams.adapters.faust_app import mmsi_partition
    from streams.config import load_settings
    from streams.core import DetectionCore
    from streams.domain.events import PositionReport
    from streams.ingest import AisDecoder
    from streams.processing import EventTimeProcessor
    from streams.refdata import load_reference_data
    from streams.wire import dumps, events_from_position_payload, loads, position_batch_payload, raw_batch_payload

    read_raw_batch = _raw_reader()
    settings = load_settings()
    store = _DirtyStore()
    processor = EventTimeProcessor(DetectionCore(settings.detection, load_reference_data()), store)
    decoder = AisDecoder(settings.ingest, path.name, "nmea")
    split = StageSplit()
    sec = split.seconds
    clock = time.perf_counter
    with open(path, encoding="utf-8") as handle:
        lines = [line.rstrip("\n") for line in itertools.islice(handle, max_lines)]
    records = [
        dumps(raw_batch_payload(path.name, "nmea", time.time(), lines[i:i + batch_lines]))
        for i in range(0, len(lines), batch_lines)
    ]
    for record in records:
        t0 = clock()
        batch = read_raw_batch(record)
        t1 = clock()
        result = decoder.decode(batch["lines"], batch["received_at_s"], batch["header"])
        t2 = clock()
        positions = defaultdict(list)
        statics_before = defaultdict(list)
        for event in result.events:
            partition = mmsi_partition(event.mmsi, partitions)
            if isinstance(event, PositionReport):
                positions[partition].append(event)
            else:
                statics_before[partition].append((len(positions[partition]), event))
        t3 = clock()
        payloads = [
            dumps(position_batch_payload(positions.get(p, []), statics_before.get(p)))
            for p in positions.keys() | statics_before.keys()
        ]
        t4 = clock()
        sec["raw_json"] += t1 - t0
        sec["decode"] += t2 - t1
        sec["partition"] += t3 - t2
        sec["position_ser"] += t4 - t3
        split.lines += result.lines_in
        split.events += len(result.events)
        split.records += 1
        for payload in payloads:
            t5 = clock()
            events = events_from_position_payload(loads(payload))
            t6 = clock()
            processor.process(events)
            t7 = clock()
            get = store.states.get
            for mmsi in store.dirty:
                dumps(get(mmsi).to_dict())
            split.state_writes += len(store.dirty)
            store.dirty.clear()
            t8 = clock()
            sec["position_de"] += t6 - t5
            sec["core"] += t7 - t6
            sec["state_ser"] += t8 - t7
            split.position_records += 1
    return split
