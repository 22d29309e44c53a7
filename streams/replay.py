"""Replay mode: the whole detection core over AIS files, in process, on event time, no broker."""

from __future__ import annotations

import gzip
import io
import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from streams.config import Settings
from streams.core import DetectionCore
from streams.domain.alerts import Alert
from streams.domain.events import DeadLetter, PositionReport
from streams.domain.reference import ReferenceData
from streams.domain.vessel_state import VesselStates
from streams.errors import UserError
from streams.ingest import AisDecoder, DecodeResult
from streams.launch import LaunchDetector, LaunchReference, LaunchState, load_launch_reference, parse_launch_lines
from streams.processing import EventTimeProcessor
from streams.watchlist import Watchlist

CHUNK_LINES = 2000


@dataclass
class ReplaySummary:
    files: int = 0
    lines_in: int = 0
    positions: int = 0
    statics: int = 0
    ignored_by_reason: Counter = field(default_factory=Counter)
    dead_letters_by_reason: Counter = field(default_factory=Counter)
    vessels: int = 0
    out_of_order_positions: int = 0
    launch_detections: int = 0
    alert_emissions: int = 0
    alerts_by_type: Counter = field(default_factory=Counter)
    alerts_by_severity: Counter = field(default_factory=Counter)

    @property
    def dead_letters(self) -> int:
        return sum(self.dead_letters_by_reason.values())

    @property
    def ignored(self) -> int:
        return sum(self.ignored_by_reason.values())


@dataclass(frozen=True)
class Progress:
    path: str
    bytes_read: int
    bytes_total: int
    lines_in: int


def open_text(path: Path) -> tuple[io.TextIOWrapper, io.BufferedReader]:
    """Text lines of a plain or gzip file, and the file underneath (its offset measures progress).

    Undecodable bytes are replaced, so a bad byte becomes a dead letter instead of stopping the replay.
    """
    raw = open(path, "rb")
    binary = gzip.GzipFile(fileobj=raw, mode="rb") if path.suffix == ".gz" else raw
    return io.TextIOWrapper(binary, encoding="utf-8", errors="replace", newline=""), raw


def read_chunks(handle: io.TextIOBase, size: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    for line in handle:
        chunk.append(line)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class Replay:
    """Keeps vessel state across files, so several files of one period replay as one feed."""

    def __init__(
        self,
        settings: Settings,
        reference: ReferenceData,
        on_alert: Callable[[Alert], None],
        on_dead_letter: Callable[[DeadLetter], None],
        on_progress: Callable[[Progress], None] | None = None,
        launch_reference: LaunchReference | None = None,
        watchlist: Watchlist | None = None,
    ) -> None:
        self.settings = settings
        self.states = VesselStates()
        core = DetectionCore(settings.detection, reference, watchlist=watchlist)
        self.processor = EventTimeProcessor(core, self.states)
        self.launch_reference = launch_reference
        self.launch_state = LaunchState()
        self.on_alert = on_alert
        self.on_dead_letter = on_dead_letter
        self.on_progress = on_progress
        self.summary = ReplaySummary()
        self._alert_ids_by_type: dict[str, set[str]] = {}

    def run_file(self, path: Path, ais_format: str = "auto") -> None:
        require_file(path)
        total = os.path.getsize(path)
        handle, raw = open_text(path)
        with raw, handle:
            decoder = AisDecoder(self.settings.ingest, source=path.name, ais_format=ais_format)
            for chunk in read_chunks(handle, CHUNK_LINES):
                self._take(decoder.decode(chunk))
                if self.on_progress is not None:
                    self.on_progress(Progress(str(path), raw.tell(), total, self.summary.lines_in))
            self._take(decoder.flush())
        self.summary.files += 1

    def run_launch_file(self, path: Path, launch_format: str = "auto") -> None:
        """Launch detections (`launch.detection` JSON lines or the CNS missile-test CSV)."""
        require_file(path)
        if self.launch_reference is None:
            self.launch_reference = load_launch_reference()
        detector = LaunchDetector(self.settings.launch, self.launch_reference)
        handle, raw = open_text(path)
        with raw, handle:
            for record in parse_launch_lines(handle, path.name, launch_format, self.launch_reference.sites):
                if isinstance(record, DeadLetter):
                    self.summary.dead_letters_by_reason[record.reason] += 1
                    self.on_dead_letter(record)
                    continue
                self.summary.launch_detections += 1
                self._emit(detector.on_detection(self.launch_state, record))
        self.summary.files += 1

    def finish(self) -> ReplaySummary:
        """End of input: raise activity still ongoing at the last event time, and total up."""
        self._emit(self.processor.check_open())
        self.summary.vessels = len(self.states)
        self.summary.out_of_order_positions = sum(s.out_of_order_positions for s in self.states)
        return self.summary

    def _take(self, result: DecodeResult) -> None:
        summary = self.summary
        summary.lines_in += result.lines_in
        summary.ignored_by_reason.update(result.ignored_by_reason)
        for letter in result.dead_letters:
            summary.dead_letters_by_reason[letter.reason] += 1
            self.on_dead_letter(letter)
        for event in result.events:
            if isinstance(event, PositionReport):
                summary.positions += 1
            else:
                summary.statics += 1
        self._emit(self.processor.process(result.events))
        self._emit(self.processor.check_open_if_due())

    def _emit(self, alerts: list[Alert]) -> None:
        for alert in alerts:
            self.summary.alert_emissions += 1
            seen = self._alert_ids_by_type.setdefault(alert.type, set())
            if alert.alert_id not in seen:
                seen.add(alert.alert_id)
                self.summary.alerts_by_type[alert.type] += 1
                self.summary.alerts_by_severity[alert.severity] += 1
            self.on_alert(alert)



def require_file(path: Path) -> None:
    if path.is_dir():
        raise UserError(f"{path} is a folder: pass the files in it")
    if not path.is_file():
        raise UserError(f"input file not found: {path}")
