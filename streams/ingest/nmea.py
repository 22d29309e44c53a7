"""NMEA 0183 AIS lines (VDM/VDO from any talker) -> PositionReport / StaticReport / DeadLetter.

pyais does the NMEA parsing, the checksums, the tag blocks and the 6-bit payload decoding; this
module adds what a stream needs around it: per-source multi-part reassembly with a bounded,
timed buffer, event times, normalisation of "not available" values to None, and a reason for
every line it does not turn into an event.

Accepted line shapes (one sentence per line; surrounding whitespace is stripped):

* `!AIVDM,1,1,,A,<payload>,0*hh` and any talker (`BSVDM`, `ABVDM`, `!--VDM`, ...), VDM or VDO;
* an IEC 62320-1 tag block before it: `\\c:<unix s or ms>,s:<station>,g:<n>-<of>-<group>*hh\\!AIVDM...`
  (`c:` in milliseconds when > 1e11; `s:` becomes the event's `source`; `g:` groups fragments);
* USCG/NAIS-style fields after the checksum: `!AIVDM,...,0*hh,<fields>` -- the first purely
  numeric field is the epoch (seconds; milliseconds when > 1e11);
* Gatehouse/DMA `$PGHP,1,yyyy,m,d,h,mi,s,ms,...` lines: the time of the next sentence;
* `#` comment lines and blank lines (ignored).

Event time, first available wins: tag block `c:` > trailing epoch > preceding `$PGHP` >
the `received_at_s` argument. A message without any is dead-lettered `no_timestamp`. For a
multi-part message the time of its earliest fragment that has one is used.

Multi-part messages are reassembled per decoder (one decoder per source) by tag-block group id
when there is one, else by (tag-block station, sequence id, channel). At most
`multipart_buffer_size` incomplete messages are held; the oldest is dead-lettered
`multipart_incomplete` when a new one needs room, as is one whose first fragment is older than
`multipart_timeout_s` (on the receive clock: `received_at_s`, else the newest event time seen),
one whose sequence id is reused before it completed, and whatever is left at `flush()`.

Normalisation: lat 91 / lon 181 -> the report is ignored (`position_not_available`); SOG 102.3,
COG >= 360, heading 511 (and 360..510), nav status 15 -> None; ROT -128 (no information) and
+-127 (turning > 5 deg/30 s, rate unknown) -> None, otherwise pyais' deg/min; IMO 0, ship type 0,
zero dimensions/draught and empty strings -> None. ais_class is "A" for types 1/2/3/5 and "B" for
18/19/24. Types other than 1, 2, 3, 5, 18, 19, 24 are ignored as `ais_type_<n>`.

Bit counts accepted (ITU-R M.1371; a little slack for receivers that pad a character): types
1/2/3/18: 168..174; type 5: 420..430 (420-bit type 5 from some transponders); type 19: 312..318;
type 24: part A 160..174, part B 168..174. Anything else is a `decode_error`.

Limitation: a line holding several concatenated sentences (seen in some aggregator exports) is
dead-lettered `malformed_sentence`; split such lines upstream.
"""

from __future__ import annotations

from datetime import datetime, timezone

from pyais.bit_vector import bit_vector
from pyais.messages import ANY_MESSAGE, MAX_PAYLOAD_LEN, MSG_CLASS, AISSentence, TagBlock, TagBlockGroup
from pyais.util import checksum, compute_checksum

from streams.config import IngestConfig
from streams.domain.events import DeadLetter, StaticReport
from streams.domain.fast_events import new_position
from streams.ingest.result import (
    AIS_TYPE_PREFIX,
    BAD_CHECKSUM,
    BLANK,
    COMMENT,
    DECODE_ERROR,
    EMPTY_PAYLOAD,
    MALFORMED_SENTENCE,
    MULTIPART_INCOMPLETE,
    NO_TIMESTAMP,
    OUT_OF_RANGE,
    PGHP_TIMESTAMP,
    POSITION_NOT_AVAILABLE,
    STATIC_EMPTY,
    UNKNOWN_SENTENCE,
    DecodeResult,
)

TAG_CACHE_SIZE = 4096
"""Distinct tag blocks remembered per decoder: one per receiver and second is typical."""
_MISSING = object()

MS_EPOCH_THRESHOLD = 1e11
"""Epoch values above this are milliseconds (1e11 s is the year 5138; 1e11 ms is 1973)."""

_SENTENCE_TYPES = frozenset(("VDM,", "VDO,"))
# Bits accepted per message type: (min, max).
_BITS = {1: (168, 174), 2: (168, 174), 3: (168, 174), 18: (168, 174), 5: (420, 430), 19: (312, 318), 24: (160, 174)}
_TYPE_REASON = {n: f"{AIS_TYPE_PREFIX}{n}" for n in range(64)}
# Payload characters of the AIS 6-bit armour: '0'..'W' and '`'..'w'. pyais maps any other byte to 0.
_ARMOUR = bytes(range(48, 88)) + bytes(range(96, 120))

_LAT_NA = 91.0
_LON_NA = 181.0
_SOG_NA_KN = 102.3
_HEADING_NA_DEG = 511
_NAV_STATUS_NA = 15


class _Pending:
    """Fragments of one multi-part message, in arrival order."""

    __slots__ = ("frag_cnt", "first_seen_s", "frags", "raws", "epoch_s", "station")

    def __init__(self, frag_cnt: int, first_seen_s: float | None) -> None:
        self.frag_cnt = frag_cnt
        self.first_seen_s = first_seen_s
        self.frags: dict[int, AISSentence] = {}
        self.raws: list[str] = []
        self.epoch_s: float | None = None
        self.station: str | None = None


def _epoch(text: str | None) -> float | None:
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    if value != value or value <= 0:
        return None
    return value / 1000.0 if value > MS_EPOCH_THRESHOLD else value


def _suffix_epoch(rest: str) -> float | None:
    """The first purely numeric field of `,<f1>,<f2>...` after the checksum, as epoch seconds."""
    for part in rest.split(","):
        if part and part.replace(".", "", 1).isdigit():
            return _epoch(part)
    return None


def _hex_or_minus_one(text: str) -> int:
    try:
        return int(text, 16)
    except ValueError:
        return -1


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.rstrip("@ ").strip()
    return value or None


def _dimension_m(a: int | None, b: int | None) -> float | None:
    if a is None or b is None:
        return None
    total = a + b
    return float(total) if total > 0 else None


def _positive_int(value: object) -> int | None:
    if value is None:
        return None
    number = int(value)  # type: ignore[call-overload]  # IntEnum or int
    return number if number > 0 else None


class NmeaDecoder:
    """Stateful for one source: the multi-part buffer and the pending `$PGHP` time."""

    def __init__(self, config: IngestConfig, source: str) -> None:
        self.source = source
        self._max_groups = config.multipart_buffer_size
        self._timeout_s = config.multipart_timeout_s
        self._pending: dict[tuple[object, ...], _Pending] = {}
        self._pghp_epoch_s: float | None = None
        self._clock_s: float | None = None
        self._tags: dict[str, tuple[float | None, str | None, TagBlockGroup | None] | None] = {}
        self._day_cache: dict[tuple[str, str, str], float] = {}

    header: str | None = None  # NMEA has no header; the attribute mirrors the CSV decoder's.

    @property
    def buffered_lines(self) -> int:
        """Fragments currently held, waiting for the rest of their message."""
        return sum(len(p.frags) for p in self._pending.values())

    def decode(self, lines: object, received_at_s: float | None = None, header: str | None = None) -> DecodeResult:
        out = DecodeResult()
        line_fn = self._line
        sentence_fn = self._sentence
        count = 0
        for line in lines:  # type: ignore[attr-defined]
            count += 1
            try:
                s = line.strip()
                if s[:1] == "!":  # the common case, straight to the sentence
                    sentence_fn(s, s, None, received_at_s, out)
                else:
                    line_fn(s, received_at_s, out)
            except Exception as error:  # noqa: BLE001 -- nothing may escape decode()
                out.dead(DeadLetter(DECODE_ERROR, str(line), self.source, f"unexpected {type(error).__name__}: {error}"))
        out.lines_in = count
        if self._pending:
            self._expire(received_at_s if received_at_s is not None else self._clock_s, out)
        return out

    def flush(self) -> DecodeResult:
        """End of input: every incomplete multi-part message becomes a dead letter."""
        out = DecodeResult()
        pending, self._pending = self._pending, {}
        for group in pending.values():
            self._dead_group(group, "end of input", out)
        self._pghp_epoch_s = None
        return out

    # -- one line ----------------------------------------------------------------------------

    def _line(self, s: str, received_at_s: float | None, out: DecodeResult) -> None:
        if not s:
            out.ignore(BLANK)
            return
        first = s[0]
        tag = None
        body = s
        if first == "\\":
            end = s.find("\\", 1)
            if end < 0:
                self._reject(out, MALFORMED_SENTENCE, s, "tag block not closed by '\\'")
                return
            tag = s[1:end]
            body = s[end + 1:]
            if not body:
                self._reject(out, MALFORMED_SENTENCE, s, "tag block without a sentence")
                return
            first = body[0]
        if first == "!":
            self._sentence(s, body, tag, received_at_s, out)
        elif first == "$":
            if body.startswith("$PGHP,"):
                self._pghp(s, body, out)
            else:
                self._reject(out, UNKNOWN_SENTENCE, s, f"unsupported sentence {body.split(',', 1)[0]!r}")
        elif first == "#" and tag is None:
            out.ignore(COMMENT)
        else:
            self._reject(out, UNKNOWN_SENTENCE, s, "not an NMEA sentence (expected '!', '$' or a tag block)")

    def _sentence(self, raw: str, body: str, tag: str | None, received_at_s: float | None, out: DecodeResult) -> None:
        pghp_epoch_s = self._pghp_epoch_s
        self._pghp_epoch_s = None  # a $PGHP line dates only the sentence right after it
        star = body.find("*")
        if star < 0:
            self._reject(out, MALFORMED_SENTENCE, raw, "no '*hh' checksum")
            return
        end = star + 3
        suffix_epoch_s = None
        if len(body) != end:
            if len(body) < end:
                self._reject(out, MALFORMED_SENTENCE, raw, "truncated checksum")
                return
            rest = body[end:]
            if rest[0] != ",":
                detail = "several sentences on one line" if rest[0] in "\\!" else f"unexpected {rest[:10]!r} after the checksum"
                self._reject(out, MALFORMED_SENTENCE, raw, detail)
                return
            suffix_epoch_s = _suffix_epoch(rest)
            body = body[:end]
        if body[3:7] not in _SENTENCE_TYPES:
            self._reject(out, UNKNOWN_SENTENCE, raw, f"unsupported sentence {body.split(',', 1)[0]!r}")
            return
        sentence: AISSentence | _SinglePart | None = _single_part(body, star)
        if sentence is None:
            try:
                sentence = AISSentence(body.encode())
            except Exception as error:  # noqa: BLE001 -- pyais raises several types for bad fields
                self._reject(out, MALFORMED_SENTENCE, raw, f"{type(error).__name__}: {error}")
                return
        if not sentence.is_valid:
            self._reject(
                out, BAD_CHECKSUM, raw,
                f"sentence checksum {body[star + 1:end]!r}, computed {compute_checksum(sentence.raw):02X}",
            )
            return
        epoch_s = None
        station = None
        group = None
        if tag is not None:
            parsed = self._tag(tag)
            if parsed is None:
                self._reject(out, BAD_CHECKSUM, raw, f"tag block checksum does not match: {tag!r}")
                return
            epoch_s, station, group = parsed
        if epoch_s is None:
            epoch_s = suffix_epoch_s
            if epoch_s is None:
                epoch_s = pghp_epoch_s if pghp_epoch_s is not None else received_at_s
        if sentence.frag_cnt == 1:
            self._message(sentence, raw, 1, epoch_s, station, out)
        else:
            self._fragment(sentence, raw, epoch_s, station, group, received_at_s, out)

    def _tag(self, tag: str) -> tuple[float | None, str | None, TagBlockGroup | None] | None:
        """(epoch_s, station, group) of a tag block, None if its checksum is bad. Cached: each
        receiver of a merged feed repeats the same block for every sentence of a second."""
        cached = self._tags.get(tag, _MISSING)
        if cached is not _MISSING:
            return cached  # type: ignore[return-value]
        value = _plain_tag(tag)
        if value is _MISSING:
            block = TagBlock(tag.encode())
            block.init()
            value = None
            if block.is_valid:
                value = (_epoch(block.receiver_timestamp), block.source_station or None, block.group)
        if len(self._tags) >= TAG_CACHE_SIZE:
            self._tags.clear()
        self._tags[tag] = value
        return value

    def _pghp(self, raw: str, body: str, out: DecodeResult) -> None:
        """`$PGHP,1,<yyyy>,<m>,<d>,<h>,<mi>,<s>,<ms>,<country>,<region>,<pss>,<online>,<chk>*hh`."""
        star = body.find("*")
        fields = body[:star].split(",")
        if star < 0 or len(body) != star + 3 or len(fields) < 9 or fields[1] != "1":
            self._reject(out, MALFORMED_SENTENCE, raw, "not a $PGHP,1 timestamp line")
            return
        if checksum(body[1:star].encode()) != _hex_or_minus_one(body[star + 1:]):
            self._reject(out, BAD_CHECKSUM, raw, "$PGHP checksum does not match")
            return
        try:
            day_s = self._day_start_s(fields[2], fields[3], fields[4])
            hour, minute, second, millisecond = int(fields[5]), int(fields[6]), int(fields[7]), int(fields[8])
        except ValueError as error:
            self._reject(out, MALFORMED_SENTENCE, raw, f"bad $PGHP date: {error}")
            return
        if not (0 <= hour < 24 and 0 <= minute < 60 and 0 <= second <= 60 and 0 <= millisecond < 1000):
            self._reject(out, MALFORMED_SENTENCE, raw, "bad $PGHP time of day")
            return
        self._pghp_epoch_s = day_s + hour * 3600 + minute * 60 + second + millisecond / 1000.0
        out.ignore(PGHP_TIMESTAMP)

    def _day_start_s(self, year: str, month: str, day: str) -> float:
        key = (year, month, day)
        start = self._day_cache.get(key)
        if start is None:
            start = datetime(int(year), int(month), int(day), tzinfo=timezone.utc).timestamp()
            if len(self._day_cache) >= 1024:
                self._day_cache.clear()
            self._day_cache[key] = start
        return start

    # -- multi-part --------------------------------------------------------------------------

    def _fragment(
        self, sentence: AISSentence, raw: str, epoch_s: float | None, station: str | None,
        group: TagBlockGroup | None, received_at_s: float | None, out: DecodeResult,
    ) -> None:
        now = received_at_s if received_at_s is not None else epoch_s
        if now is not None and (self._clock_s is None or now > self._clock_s):
            self._clock_s = now
        pending = self._pending
        if pending:
            self._expire(now, out)
        if group is not None and group.sentence_tot > 1:
            key: tuple[object, ...] = ("g", group.group_id)
        else:
            key = (station, sentence.seq_id, sentence.channel)
        entry = pending.get(key)
        if entry is not None:
            why = None
            if sentence.frag_num in entry.frags or entry.frag_cnt != sentence.frag_cnt:
                why = "sequence id reused before the message completed"
            elif now is not None and entry.first_seen_s is not None and now - entry.first_seen_s > self._timeout_s:
                why = f"no missing fragment within {self._timeout_s:g} s"
            if why is not None:
                del pending[key]
                self._dead_group(entry, why, out)
                entry = None
        if entry is None:
            if len(pending) >= self._max_groups:
                oldest = next(iter(pending))
                self._dead_group(pending.pop(oldest), f"buffer full ({self._max_groups} messages)", out)
            entry = pending[key] = _Pending(sentence.frag_cnt, now)
        entry.frags[sentence.frag_num] = sentence
        entry.raws.append(raw)
        if entry.epoch_s is None:
            entry.epoch_s = epoch_s
        if entry.station is None:
            entry.station = station
        out.buffered_delta += 1
        count = entry.frag_cnt
        if len(entry.frags) < count:
            return
        del pending[key]
        out.buffered_delta -= count
        joined = "\n".join(entry.raws)
        try:
            message = AISSentence.assemble_from_iterable([entry.frags[n] for n in range(1, count + 1)])
        except Exception as error:  # noqa: BLE001
            out.dead(DeadLetter(DECODE_ERROR, joined, self.source, f"cannot assemble: {error}", entry.epoch_s), count)
            return
        self._message(message, joined, count, entry.epoch_s, entry.station, out)

    def _expire(self, now: float | None, out: DecodeResult) -> None:
        """Dead-letter the oldest incomplete messages whose first fragment is older than the timeout."""
        if now is None:
            return
        pending = self._pending
        limit = now - self._timeout_s
        while pending:
            key = next(iter(pending))
            entry = pending[key]
            if entry.first_seen_s is None or entry.first_seen_s >= limit:
                return
            del pending[key]
            self._dead_group(entry, f"no missing fragment within {self._timeout_s:g} s", out)

    def _dead_group(self, entry: _Pending, why: str, out: DecodeResult) -> None:
        have = len(entry.frags)
        detail = f"{have} of {entry.frag_cnt} fragments: {why}"
        out.dead(DeadLetter(MULTIPART_INCOMPLETE, "\n".join(entry.raws), self.source, detail, entry.epoch_s), have)
        out.buffered_delta -= have

    # -- one complete message ----------------------------------------------------------------

    def _message(
        self, sentence: AISSentence | _SinglePart, raw: str, lines: int, epoch_s: float | None, station: str | None,
        out: DecodeResult,
    ) -> None:
        payload = sentence.payload
        if not payload:
            out.ignore(EMPTY_PAYLOAD, lines)
            return
        msg_type = sentence.ais_id
        bits = _BITS.get(msg_type)
        if bits is None:
            out.ignore(_TYPE_REASON[msg_type], lines)
            return
        nbits = len(sentence.bv)
        if not bits[0] <= nbits <= bits[1] or payload.translate(None, _ARMOUR):
            detail = (
                f"type {msg_type} payload of {nbits} bits, expected {bits[0]}..{bits[1]}"
                if not bits[0] <= nbits <= bits[1] else "payload characters outside the AIS 6-bit alphabet"
            )
            out.dead(DeadLetter(DECODE_ERROR, raw, self.source, detail, epoch_s), lines)
            return
        try:
            msg = sentence.decode()
        except Exception as error:  # noqa: BLE001
            out.dead(DeadLetter(DECODE_ERROR, raw, self.source, f"{type(error).__name__}: {error}", epoch_s), lines)
            return
        if epoch_s is None:
            out.dead(DeadLetter(NO_TIMESTAMP, raw, self.source, "no tag block time, trailing epoch, $PGHP or receive time"), lines)
            return
        if self._clock_s is None or epoch_s > self._clock_s:
            self._clock_s = epoch_s
        mmsi = msg.mmsi
        if not 0 < mmsi <= 999_999_999:
            out.dead(DeadLetter(OUT_OF_RANGE, raw, self.source, f"mmsi {mmsi} outside 1..999999999", epoch_s), lines)
            return
        source = station or self.source

        if msg_type <= 3 or msg_type == 18 or msg_type == 19:
            lat = msg.lat
            lon = msg.lon
            position = None
            if lat != _LAT_NA and lon != _LON_NA:
                if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
                    out.dead(DeadLetter(OUT_OF_RANGE, raw, self.source, f"lat {lat} / lon {lon} outside -90..90 / -180..180", epoch_s), lines)
                    return
                sog = msg.speed
                cog = msg.course
                heading = msg.heading
                if msg_type <= 3:
                    turn = msg.turn
                    status = int(msg.status)
                    position = new_position(
                        mmsi, epoch_s, lat, lon,
                        None if sog == _SOG_NA_KN else sog,
                        cog if cog < 360.0 else None,
                        heading if heading < 360 else None,
                        None if status == _NAV_STATUS_NA else status,
                        turn + 0.0 if type(turn) is float else None,  # TurnRate members for -128/+-127; no -0.0
                        msg_type, "A", source,
                    )
                else:
                    position = new_position(
                        mmsi, epoch_s, lat, lon,
                        None if sog == _SOG_NA_KN else sog,
                        cog if cog < 360.0 else None,
                        heading if heading < 360 else None,
                        None, None, msg_type, "B", source,
                    )
                out.events.append(position)
            static = None
            if msg_type == 19:
                static = self._static(
                    mmsi, epoch_s, 19, "B", source, name=_text(msg.shipname), ship_type=_positive_int(msg.ship_type),
                    length_m=_dimension_m(msg.to_bow, msg.to_stern), beam_m=_dimension_m(msg.to_port, msg.to_starboard),
                )
                if static is not None:
                    out.events.append(static)
            if position is None and static is None:
                out.ignore(POSITION_NOT_AVAILABLE, lines)
            else:
                out.lines_used += lines
            return

        if msg_type == 5:
            draught = msg.draught
            static = self._static(
                mmsi, epoch_s, 5, "A", source, name=_text(msg.shipname), imo=_positive_int(msg.imo),
                callsign=_text(msg.callsign), ship_type=_positive_int(msg.ship_type),
                length_m=_dimension_m(msg.to_bow, msg.to_stern), beam_m=_dimension_m(msg.to_port, msg.to_starboard),
                draught_m=draught if draught else None, destination=_text(msg.destination),
            )
        else:  # 24
            if msg.partno == 0:
                static = self._static(mmsi, epoch_s, 24, "B", source, name=_text(msg.shipname))
            else:
                if nbits < 168:
                    out.dead(DeadLetter(DECODE_ERROR, raw, self.source, f"type 24 part B payload of {nbits} bits, expected 168", epoch_s), lines)
                    return
                static = self._static(
                    mmsi, epoch_s, 24, "B", source, callsign=_text(msg.callsign), ship_type=_positive_int(msg.ship_type),
                    length_m=_dimension_m(getattr(msg, "to_bow", None), getattr(msg, "to_stern", None)),
                    beam_m=_dimension_m(getattr(msg, "to_port", None), getattr(msg, "to_starboard", None)),
                )
        if static is None:
            out.ignore(STATIC_EMPTY, lines)
        else:
            out.events.append(static)
            out.lines_used += lines

    @staticmethod
    def _static(mmsi: int, epoch_s: float, msg_type: int, ais_class: str, source: str, **fields: object) -> StaticReport | None:
        if all(value is None for value in fields.values()):
            return None
        return StaticReport(mmsi=mmsi, epoch_s=epoch_s, msg_type=msg_type, ais_class=ais_class, source=source, **fields)  # type: ignore[arg-type]

    def _reject(self, out: DecodeResult, reason: str, raw: str, detail: str) -> None:
        out.dead(DeadLetter(reason, raw, self.source, detail))


class _SinglePart:
    """What `_message` needs of a single-part sentence, parsed without pyais's general NMEA
    sentence parser: on a national feed that parser cost a third of the whole decode, and single
    fragments with a good checksum are almost every line. pyais still decodes the payload."""

    __slots__ = ("payload", "bv", "ais_id")
    frag_cnt = 1
    is_valid = True

    def __init__(self, payload: bytes, fill_bits: int) -> None:
        self.payload = payload
        self.bv = bit_vector(payload, fill_bits)
        self.ais_id = self.bv.get(0, 6) if payload else 0

    def decode(self) -> ANY_MESSAGE:
        return MSG_CLASS[self.ais_id].from_vector(self.bv)


def _single_part(body: str, star: int) -> _SinglePart | None:
    """`!xxVDM,1,1,,<channel>,<payload>,<fill>*hh` with a good checksum, else None: anything less
    plain (fragments, bad checksums, odd fields) takes pyais's general path and its errors."""
    fields = body.split(",")
    if len(fields) != 7 or fields[1] != "1" or fields[2] != "1" or fields[3]:
        return None
    fill = fields[6]
    if len(fill) != 4 or fill[0] not in "012345" or fill[1] != "*":
        return None
    try:
        expected = int(body[star + 1:star + 3], 16)
    except ValueError:
        return None
    if checksum(body[1:star].encode()) != expected or len(fields[5]) > MAX_PAYLOAD_LEN:
        return None
    return _SinglePart(fields[5].encode(), int(fill[0]))


def _plain_tag(tag: str) -> tuple[float | None, str | None, None] | None | object:
    """(epoch_s, station, None) of a tag block holding only `c:` and `s:` (and other fields we do
    not use), None when its checksum is bad, `_MISSING` when pyais's parser must read it (a
    group `g:`, odd syntax). Receive times change every second, so most blocks of a merged feed
    miss the cache, and pyais's general tag parser took a tenth of the decode."""
    star = tag.rfind("*")
    if star < 0 or len(tag) != star + 3:
        return _MISSING
    try:
        expected = int(tag[star + 1:], 16)
    except ValueError:
        return _MISSING
    if checksum(tag[:star].encode()) != expected:
        return None
    epoch_s = None
    station = None
    for field in tag[:star].split(","):
        key, colon, value = field.partition(":")
        if not colon or key == "g":
            return _MISSING
        if key == "c":
            epoch_s = _epoch(value)
        elif key == "s":
            station = value or None
    return epoch_s, station, None
