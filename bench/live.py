"""The paced phase of the latency figure: a live feed whose event time is the wall clock.

Archive event times are years old, so event-to-alert latency needs a feed produced now. `LiveFeed`
sends, every `tick_s`, one `ais.raw` batch record (as `picket produce` does: keyed by source, at
most 1,000 lines) holding the position reports due in that tick; the tag block of every line in
the record carries the send time in milliseconds (`\\c:<ms>,s:live*hh\\`), so event time = send time.

`vessels = rate x period_s` class A vessels report every `period_s`; `dark` of them fall silent
once for `dark_s` (drawn in a range) and then reappear: with the detector's thresholds lowered
(`LIVE_GAP_CONFIG`), each reappearance closes an `ais_gap` alert whose `end` is the event time of
the reappearing report. Latency = alert record's Kafka timestamp - `end`.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from bench.generate import position_payload, tag_block, vdm_sentence

# Gap thresholds for a feed where every vessel reports every second: silence of >= 6 s after >= 5
# reports within 20 s is a gap (defaults: 6 h after 14 in 12 h).
LIVE_GAP_CONFIG = {
    "min_gap_s": 6.0,
    "long_gap_s": 12.0,
    "min_reports_before_gap": 5,
    "regularity_window_s": 20.0,
}
LIVE_SOURCE = "live"
LIVE_MMSI_BASE = 413_000_000  # China MID; one block of MMSIs for the live fleet
WARMUP_MMSI = 412_999_999


@dataclass
class LiveStats:
    lines: int = 0
    records: int = 0
    late_ticks: int = 0  # ticks sent more than one tick late (the sending process was starved)
    seconds: float = 0.0
    dark_vessels: int = 0


class LiveFeed:
    def __init__(self, rate: int, duration_s: float, period_s: float = 1.0, tick_s: float = 0.1,
                 dark: int = 150, dark_s: tuple[float, float] = (8.0, 15.0), seed: int = 11,
                 batch_lines: int = 1000) -> None:
        rng = random.Random(seed)
        self.tick_s = tick_s
        self.duration_s = duration_s
        self.batch_lines = batch_lines
        self.slots = max(1, round(period_s / tick_s))
        vessels = max(self.slots, int(rate * period_s))
        # One pre-encoded sentence per vessel (the decoder does the same work for any position).
        self.sentences = [
            vdm_sentence(position_payload(1, LIVE_MMSI_BASE + i, rng.uniform(30.0, 38.0), rng.uniform(120.0, 126.0),
                                          rng.uniform(5, 15), rng.uniform(0, 360), rng.randrange(360), i % 60), "AB"[i % 2])
            for i in range(vessels)
        ]
        self.by_slot = [list(range(slot, vessels, self.slots)) for slot in range(self.slots)]
        # Dark windows: after >= 15 s of reports, ending >= 5 s before the phase ends.
        self.dark: dict[int, tuple[float, float]] = {}
        latest_start = max(15.0, duration_s - dark_s[1] - 5.0)
        for vessel in rng.sample(range(vessels), min(dark, vessels)):
            start = rng.uniform(15.0, latest_start)
            self.dark[vessel] = (start, start + rng.uniform(*dark_s))
        self.vessels = vessels
        self.warmup_sentence = vdm_sentence(position_payload(1, WARMUP_MMSI, 35.0, 123.0, 10, 90, 90, 0), "A")

    def warmup_lines(self, count: int = 100) -> list[str]:
        now_ms = int(time.time() * 1000)
        return [tag_block(now_ms + i, LIVE_SOURCE) + self.warmup_sentence for i in range(count)]

    def run(self, send, stats: LiveStats | None = None) -> LiveStats:
        """Call `send(lines)` once per batch, paced on the wall clock, for `duration_s`. `stats`
        is updated as it goes (another thread may read it)."""
        stats = stats if stats is not None else LiveStats()
        stats.dark_vessels = len(self.dark)
        started = time.monotonic()
        ticks = int(self.duration_s / self.tick_s)
        dark = self.dark
        for tick in range(ticks):
            due = started + tick * self.tick_s
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            elif -delay > self.tick_s:
                stats.late_ticks += 1
            elapsed = tick * self.tick_s
            now_ms = int(time.time() * 1000)
            tag = tag_block(now_ms, LIVE_SOURCE)
            lines = []
            for vessel in self.by_slot[tick % self.slots]:
                window = dark.get(vessel)
                if window is not None and window[0] <= elapsed < window[1]:
                    continue
                lines.append(tag + self.sentences[vessel])
            for i in range(0, len(lines), self.batch_lines):
                send(lines[i:i + self.batch_lines])
                stats.records += 1
            stats.lines += len(lines)
        stats.seconds = time.monotonic() - started
        return stats
