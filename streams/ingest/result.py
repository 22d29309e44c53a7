"""What a decode call returns, and the fixed vocabulary of reasons it reports.

Accounting: every input line ends in exactly one bucket, so nothing is lost silently.

    lines_in == lines_used + lines_ignored + lines_dead + buffered_delta

* `lines_used`: lines that went into at least one event. A multi-part message counts all its
  fragments; a type 19 sentence or a CSV row that yields a position and a static counts once.
* `lines_ignored`: valid lines that carry nothing for the detectors (`ignored_by_reason`).
  Blank lines are counted in `lines_in` and ignored as `blank`.
* `lines_dead`: lines inside dead letters (a `multipart_incomplete` letter holds all its fragments).
* `buffered_delta`: fragments added to the multi-part buffer minus fragments that left it during
  this call (completed, evicted, timed out). Over a whole stream ending with `flush()` the
  deltas sum to zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from streams.domain.events import AisEvent, DeadLetter

# Dead-letter reasons (DeadLetter.reason).
BAD_CHECKSUM = "bad_checksum"
"""The sentence's `*hh` checksum, or its tag block's, does not match."""
MALFORMED_SENTENCE = "malformed_sentence"
"""Truncated or unparseable NMEA: no checksum, bad fields, unclosed tag block, junk after `*hh`."""
DECODE_ERROR = "decode_error"
"""The AIS payload cannot be decoded: wrong bit count, bad 6-bit characters, or any unexpected error."""
UNKNOWN_SENTENCE = "unknown_sentence"
"""Not a VDM/VDO sentence and not a known comment or timestamp line."""
OUT_OF_RANGE = "out_of_range"
"""MMSI outside 1..999999999, |lat| > 90 (not 91), |lon| > 180 (not 181), SOG outside 0..102.3."""
NO_TIMESTAMP = "no_timestamp"
"""No tag-block time, trailing epoch, $PGHP line or `received_at_s`: the event would have no time."""
MULTIPART_INCOMPLETE = "multipart_incomplete"
"""Fragments whose message never completed: buffer full, timed out, superseded, or end of input."""
BAD_CSV_ROW = "bad_csv_row"
"""Wrong column count or an unparseable number/time; the detail names the column."""
UNKNOWN_FORMAT = "unknown_format"
"""With `ais_format="auto"`: a line before the format could be recognised."""

DEAD_LETTER_REASONS = (
    BAD_CHECKSUM, MALFORMED_SENTENCE, DECODE_ERROR, UNKNOWN_SENTENCE, OUT_OF_RANGE, NO_TIMESTAMP,
    MULTIPART_INCOMPLETE, BAD_CSV_ROW, UNKNOWN_FORMAT,
)

# Ignore reasons (keys of DecodeResult.ignored_by_reason).
BLANK = "blank"
COMMENT = "comment"
"""A line starting with `#` (not a DMA header)."""
PGHP_TIMESTAMP = "pghp_timestamp"
"""A Gatehouse `$PGHP,1,...` line: its time is used for the next sentence."""
EMPTY_PAYLOAD = "empty_payload"
"""A well-formed VDM sentence with nothing in it (`!AIVDM,1,1,,B,,0*25`)."""
POSITION_NOT_AVAILABLE = "position_not_available"
"""A position report (or CSV row) with lat 91 / lon 181 / empty position, and nothing else usable."""
STATIC_EMPTY = "static_empty"
"""A static message (type 5, 24) whose fields are all 'not available'."""
CSV_HEADER = "csv_header"
BASE_STATION = "base_station"
ATON = "aton"
OTHER_MOBILE_TYPE = "other_mobile_type"
"""DMA rows of SAR aircraft, SART, man-overboard devices and other non-vessel stations."""
AIS_TYPE_PREFIX = "ais_type_"
"""`ais_type_<n>`: a valid AIS message of a type the detectors do not use (4, 8, 21, ...)."""


@dataclass(slots=True)
class DecodeResult:
    events: list[AisEvent] = field(default_factory=list)
    dead_letters: list[DeadLetter] = field(default_factory=list)
    lines_in: int = 0
    lines_ignored: int = 0
    ignored_by_reason: dict[str, int] = field(default_factory=dict)
    lines_used: int = 0
    lines_dead: int = 0
    buffered_delta: int = 0

    @property
    def balanced(self) -> bool:
        """The accounting invariant of the module docstring holds."""
        return (
            self.lines_in == self.lines_used + self.lines_ignored + self.lines_dead + self.buffered_delta
            and self.lines_ignored == sum(self.ignored_by_reason.values())
        )

    def extend(self, other: DecodeResult) -> None:
        """Add another result to this one (e.g. to total several chunks)."""
        self.events.extend(other.events)
        self.dead_letters.extend(other.dead_letters)
        self.lines_in += other.lines_in
        self.lines_ignored += other.lines_ignored
        for reason, count in other.ignored_by_reason.items():
            self.ignored_by_reason[reason] = self.ignored_by_reason.get(reason, 0) + count
        self.lines_used += other.lines_used
        self.lines_dead += other.lines_dead
        self.buffered_delta += other.buffered_delta

    def ignore(self, reason: str, lines: int = 1) -> None:
        self.lines_ignored += lines
        self.ignored_by_reason[reason] = self.ignored_by_reason.get(reason, 0) + lines

    def dead(self, letter: DeadLetter, lines: int = 1) -> None:
        self.dead_letters.append(letter)
        self.lines_dead += lines
