"""Decoded-AIS CSV archives -> PositionReport / StaticReport / DeadLetter.

Two formats, both UTC, one row per AIS message with the vessel's static columns repeated:

* NOAA MarineCadastre (`marinecadastre`), header
  `MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,Length,Width,Draft,Cargo,TransceiverClass`;
  times `2023-01-01T00:00:00`; IMO `IMO9234567` (`IMO0000000` or empty = none); VesselType and
  Status are AIS codes. Older files without `TransceiverClass` are read as class A.
* Danish Maritime Authority (`dma`), header
  `# Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational status,ROT,SOG,COG,Heading,IMO,Callsign,Name,Ship type,Cargo type,Width,Length,Type of position fixing device,Draught,Destination,ETA,Data source type,A,B,C,D`;
  times `27/02/2024 00:00:00` (dd/mm/yyyy); texts for navigational status and ship type;
  "Unknown"/"Undefined"/"Unknown value" = none. When Length/Width are empty, A+B / C+D are used.

Columns are found by header name, so column order does not matter. The header may come as a line
of the chunk or through `header=` (Kafka records carry it separately); until one is seen the
canonical header above is assumed. `header` exposes the last header seen.

Each row gives a PositionReport (msg_type 1 for class A, 18 for class B) and, when its static
columns differ from the last ones emitted for that MMSI, a StaticReport (msg_type 5 for class A,
24 for class B), placed before the position. The last statics are remembered per MMSI for the
decoder's lifetime (a few hundred bytes per vessel).

Normalisation is that of the NMEA decoder: lat 91 / lon 181 / empty position -> no position;
SOG 102.3 -> None; COG outside 0..<360 -> None; heading outside 0..359 (511) -> None; nav status
15 -> None; ship type 0, IMO 0, zero dimensions and draught -> None.

DMA ship type texts -> AIS codes (first digit of the AIS category; "Undefined", "Reserved",
"Spare 1/2" -> None):
    WIG 20, Fishing 30, Towing 31, Towing long/wide 32, Dredging 33, Diving 34, Military 35,
    Sailing 36, Pleasure 37, HSC 40, Pilot 50, SAR 51, Tug 52, Port tender 53, Anti-pollution 54,
    Law enforcement 55, Medical 58, Not party to conflict 59, Passenger 60, Cargo 70, Tanker 80,
    Other 90.
DMA "Type of mobile": Class A / Class B are decoded; Base Station -> ignored `base_station`;
AtoN -> `aton`; anything else (SAR aircraft, SART, ...) -> `other_mobile_type`.

Bad rows (wrong column count, unparseable number or time) -> dead letter `bad_csv_row`, the
detail naming the column; values out of range -> `out_of_range`.
"""

from __future__ import annotations

import csv
import math
from datetime import datetime, timezone

from streams.domain.events import DeadLetter, StaticReport
from streams.domain.fast_events import new_position
from streams.ingest.result import (
    ATON,
    BASE_STATION,
    BAD_CSV_ROW,
    BLANK,
    COMMENT,
    CSV_HEADER,
    DECODE_ERROR,
    OTHER_MOBILE_TYPE,
    OUT_OF_RANGE,
    POSITION_NOT_AVAILABLE,
    DecodeResult,
)

MARINECADASTRE_HEADER = (
    "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,Length,Width,Draft,"
    "Cargo,TransceiverClass"
)
DMA_HEADER = (
    "# Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational status,ROT,SOG,COG,Heading,IMO,Callsign,"
    "Name,Ship type,Cargo type,Width,Length,Type of position fixing device,Draught,Destination,ETA,"
    "Data source type,A,B,C,D"
)

DMA_SHIP_TYPES: dict[str, int] = {
    "wig": 20, "fishing": 30, "towing": 31, "towing long/wide": 32, "dredging": 33, "diving": 34,
    "military": 35, "sailing": 36, "pleasure": 37, "hsc": 40, "pilot": 50, "sar": 51, "tug": 52,
    "port tender": 53, "anti-pollution": 54, "law enforcement": 55, "medical": 58,
    "not party to conflict": 59, "passenger": 60, "cargo": 70, "tanker": 80, "other": 90,
}
DMA_NAV_STATUS: dict[str, int] = {
    "under way using engine": 0, "at anchor": 1, "not under command": 2,
    "restricted maneuverability": 3, "restricted manoeuverability": 3, "restricted manoeuvrability": 3,
    "constrained by her draught": 4, "moored": 5, "aground": 6, "engaged in fishing": 7,
    "under way sailing": 8, "reserved for future amendment [hsc]": 9, "reserved for future amendment [wig]": 10,
    "power-driven vessel towing astern": 11, "power-driven vessel pushing ahead or towing alongside": 12,
    "reserved for future use": 13, "ais-sart": 14,
}
_DMA_NONE = frozenset(("", "unknown", "undefined", "unknown value", "not available"))

_REQUIRED = {
    "marinecadastre": ("MMSI", "BaseDateTime", "LAT", "LON"),
    "dma": ("Timestamp", "Type of mobile", "MMSI", "Latitude", "Longitude"),
}
_HEADER_STARTS = {"marinecadastre": ("MMSI,",), "dma": ("# Timestamp", "#Timestamp", "Timestamp,")}
_DEFAULT_HEADERS = {"marinecadastre": MARINECADASTRE_HEADER, "dma": DMA_HEADER}
_MAX_DAY_CACHE = 4096


class _RowError(ValueError):
    pass


class CsvDecoder:
    """One source's CSV rows; remembers the header and the last statics emitted per MMSI."""

    def __init__(self, source: str, ais_format: str) -> None:
        if ais_format not in _REQUIRED:
            raise ValueError(f"not a CSV AIS format: {ais_format!r}")
        self.source = source
        self.ais_format = ais_format
        self.header: str | None = None
        self._columns = _columns(_DEFAULT_HEADERS[ais_format], ais_format)
        self._starts = _HEADER_STARTS[ais_format]
        self._last_static: dict[int, tuple[object, ...]] = {}
        self._day_epoch_s: dict[str, float] = {}
        self._row = self._marinecadastre_row if ais_format == "marinecadastre" else self._dma_row

    @property
    def buffered_lines(self) -> int:
        return 0

    def flush(self) -> DecodeResult:
        return DecodeResult()

    def decode(self, lines: object, received_at_s: float | None = None, header: str | None = None) -> DecodeResult:
        out = DecodeResult()
        if header is not None and header.strip() and header.strip() != self.header:
            problem = self._set_header(header.strip())
            if problem:  # not a line of this chunk: reported, but counts no line
                out.dead(DeadLetter(BAD_CSV_ROW, header, self.source, problem), 0)
        for line in lines:  # type: ignore[attr-defined]
            out.lines_in += 1
            try:
                self._line(line, out)
            except Exception as error:  # noqa: BLE001 -- nothing may escape decode()
                out.dead(DeadLetter(DECODE_ERROR, str(line), self.source, f"unexpected {type(error).__name__}: {error}"))
        return out

    def _set_header(self, header: str) -> str | None:
        try:
            columns = _columns(header, self.ais_format)
        except _RowError as error:
            return str(error)
        self._columns = columns
        self.header = header
        return None

    def _line(self, line: str, out: DecodeResult) -> None:
        s = line.strip().lstrip("\ufeff")
        if not s:
            out.ignore(BLANK)
            return
        if s.startswith(self._starts):
            problem = self._set_header(s)
            if problem:
                out.dead(DeadLetter(BAD_CSV_ROW, s, self.source, problem))
            else:
                out.ignore(CSV_HEADER)
            return
        if s[0] == "#":
            out.ignore(COMMENT)
            return
        fields = s.split(",") if '"' not in s else next(csv.reader([s]))
        columns = self._columns
        if len(fields) != columns.count:
            out.dead(DeadLetter(BAD_CSV_ROW, s, self.source, f"expected {columns.count} columns, got {len(fields)}"))
            return
        self._row(s, fields, columns, out)

    # -- the two formats ---------------------------------------------------------------------

    def _marinecadastre_row(self, raw: str, f: list[str], c: _Columns, out: DecodeResult) -> None:
        name = "MMSI"
        try:
            mmsi = _mmsi(f[c.index["MMSI"]])
            name = "BaseDateTime"
            epoch_s = self._iso_epoch_s(f[c.index["BaseDateTime"]].strip())
            name = "LAT"
            lat = _number(f, c, name)
            name = "LON"
            lon = _number(f, c, name)
            name = "SOG"
            sog = _number(f, c, name)
            name = "COG"
            cog = _number(f, c, name)
            name = "Heading"
            heading = _number(f, c, name)
            name = "Status"
            status = _number(f, c, name)
            name = "IMO"
            imo = _imo(_cell(f, c, name))
            name = "VesselType"
            ship_type = _number(f, c, name)
            name = "Length"
            length = _number(f, c, name)
            name = "Width"
            width = _number(f, c, name)
            name = "Draft"
            draught = _number(f, c, name)
            name = "TransceiverClass"
            ais_class = _cell(f, c, name).strip() or "A"
            if ais_class not in ("A", "B"):
                raise _RowError(f"expected A or B, got {ais_class!r}")
        except ValueError as error:
            out.dead(DeadLetter(BAD_CSV_ROW, raw, self.source, f"column {name!r}: {error}"))
            return
        statics = (
            _str_or_none(_cell(f, c, "VesselName")), imo, _str_or_none(_cell(f, c, "CallSign")),
            _positive_int(ship_type), _positive(length), _positive(width), _positive(draught), None,
        )
        self._emit(raw, mmsi, epoch_s, ais_class, lat, lon, sog, cog, heading, status, None, statics, out)

    def _dma_row(self, raw: str, f: list[str], c: _Columns, out: DecodeResult) -> None:
        mobile = _cell(f, c, "Type of mobile").strip()
        if mobile == "Class A":
            ais_class = "A"
        elif mobile == "Class B":
            ais_class = "B"
        else:
            out.ignore(BASE_STATION if mobile == "Base Station" else ATON if mobile == "AtoN" else OTHER_MOBILE_TYPE)
            return
        name = "MMSI"
        try:
            mmsi = _mmsi(f[c.index["MMSI"]])
            name = "Timestamp"
            epoch_s = self._dmy_epoch_s(f[c.index["Timestamp"]].strip())
            name = "Latitude"
            lat = _number(f, c, name)
            name = "Longitude"
            lon = _number(f, c, name)
            name = "ROT"
            rot = _number(f, c, name)
            name = "SOG"
            sog = _number(f, c, name)
            name = "COG"
            cog = _number(f, c, name)
            name = "Heading"
            heading = _number(f, c, name)
            name = "IMO"
            imo = _imo(_dma_text(_cell(f, c, name)) or "")
            name = "Width"
            width = _number(f, c, name)
            name = "Length"
            length = _number(f, c, name)
            name = "Draught"
            draught = _number(f, c, name)
            if length is None or width is None:
                name = "A"
                a = _number(f, c, "A")
                name = "B"
                b = _number(f, c, "B")
                name = "C"
                cc = _number(f, c, "C")
                name = "D"
                d = _number(f, c, "D")
                if length is None and a is not None and b is not None:
                    length = a + b
                if width is None and cc is not None and d is not None:
                    width = cc + d
        except ValueError as error:
            out.dead(DeadLetter(BAD_CSV_ROW, raw, self.source, f"column {name!r}: {error}"))
            return
        status_text = _dma_text(_cell(f, c, "Navigational status"))
        ship_text = _dma_text(_cell(f, c, "Ship type"))
        statics = (
            _dma_text(_cell(f, c, "Name")), imo, _dma_text(_cell(f, c, "Callsign")),
            DMA_SHIP_TYPES.get(ship_text.lower()) if ship_text else None,
            _positive(length), _positive(width), _positive(draught), _dma_text(_cell(f, c, "Destination")),
        )
        status = DMA_NAV_STATUS.get(status_text.lower()) if status_text else None
        self._emit(raw, mmsi, epoch_s, ais_class, lat, lon, sog, cog, heading, status, rot, statics, out)

    # -- shared ------------------------------------------------------------------------------

    def _emit(
        self, raw: str, mmsi: int, epoch_s: float, ais_class: str, lat: float | None, lon: float | None,
        sog: float | None, cog: float | None, heading: float | None, status: float | int | None,
        rot: float | None, statics: tuple[object, ...], out: DecodeResult,
    ) -> None:
        if not 0 < mmsi <= 999_999_999:
            out.dead(DeadLetter(OUT_OF_RANGE, raw, self.source, f"mmsi {mmsi} outside 1..999999999", epoch_s))
            return
        position = None
        if lat is not None and lon is not None and lat != 91.0 and lon != 181.0:
            if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
                out.dead(DeadLetter(OUT_OF_RANGE, raw, self.source, f"lat {lat} / lon {lon} outside -90..90 / -180..180", epoch_s))
                return
            if sog is not None:
                if sog == 102.3:
                    sog = None
                elif not 0.0 <= sog <= 102.3:
                    out.dead(DeadLetter(OUT_OF_RANGE, raw, self.source, f"sog {sog} kn outside 0..102.3", epoch_s))
                    return
            nav = int(status) if status is not None and 0 <= status < 15 else None
            position = new_position(
                mmsi, epoch_s, lat, lon, sog,
                cog if cog is not None and 0.0 <= cog < 360.0 else None,
                int(heading) if heading is not None and 0 <= heading < 360 else None,
                nav, rot, 1 if ais_class == "A" else 18, ais_class, self.source,
            )
        used = position is not None
        if any(value is not None for value in statics) and self._last_static.get(mmsi) != statics:
            self._last_static[mmsi] = statics
            name, imo, callsign, ship_type, length_m, beam_m, draught_m, destination = statics
            out.events.append(StaticReport(
                mmsi, epoch_s, 5 if ais_class == "A" else 24, ais_class, self.source, name, imo, callsign,  # type: ignore[arg-type]
                ship_type, length_m, beam_m, draught_m, destination,  # type: ignore[arg-type]
            ))
            used = True
        if position is not None:
            out.events.append(position)
        if used:
            out.lines_used += 1
        else:
            out.ignore(POSITION_NOT_AVAILABLE)

    def _day_start_s(self, key: str, year: str, month: str, day: str) -> float:
        start = self._day_epoch_s.get(key)
        if start is None:
            start = datetime(int(year), int(month), int(day), tzinfo=timezone.utc).timestamp()
            if len(self._day_epoch_s) >= _MAX_DAY_CACHE:
                self._day_epoch_s.clear()
            self._day_epoch_s[key] = start
        return start

    def _iso_epoch_s(self, text: str) -> float:
        """`2023-01-01T00:00:00` (UTC); other ISO 8601 forms through datetime.fromisoformat."""
        try:
            if len(text) == 19 and text[4] == "-" and text[7] == "-" and text[10] in "T " and text[13] == ":" and text[16] == ":":
                return self._day_start_s(text[:10], text[0:4], text[5:7], text[8:10]) + _seconds_of_day(text[11:])
            moment = datetime.fromisoformat(text)
        except ValueError as error:
            raise _RowError(f"{text!r} is not a time like 2023-01-01T00:00:00 ({error})") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return moment.timestamp()

    def _dmy_epoch_s(self, text: str) -> float:
        """`27/02/2024 00:00:00` (UTC)."""
        if len(text) != 19 or text[2] != "/" or text[5] != "/" or text[10] != " " or text[13] != ":" or text[16] != ":":
            raise _RowError(f"{text!r} is not a time like 27/02/2024 00:00:00")
        try:
            return self._day_start_s(text[:10], text[6:10], text[3:5], text[0:2]) + _seconds_of_day(text[11:])
        except ValueError as error:
            raise _RowError(f"{text!r} is not a valid dd/mm/yyyy HH:MM:SS time ({error})") from None


class _Columns:
    __slots__ = ("index", "count")

    def __init__(self, index: dict[str, int], count: int) -> None:
        self.index = index
        self.count = count


def _columns(header: str, ais_format: str) -> _Columns:
    names = [name.strip() for name in header.strip().lstrip("\ufeff").lstrip("#").split(",")]
    index = {name: i for i, name in enumerate(names)}
    missing = [name for name in _REQUIRED[ais_format] if name not in index]
    if missing:
        raise _RowError(f"{ais_format} header lacks column(s) {', '.join(missing)}")
    return _Columns(index, len(names))


def _cell(f: list[str], c: _Columns, name: str) -> str:
    i = c.index.get(name)
    return "" if i is None else f[i]


def _number(f: list[str], c: _Columns, name: str) -> float | None:
    i = c.index.get(name)
    if i is None:
        return None
    text = f[i].strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise _RowError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise _RowError(f"{text!r} is not a finite number")
    return value


def _seconds_of_day(text: str) -> float:
    hour, minute, second = int(text[0:2]), int(text[3:5]), int(text[6:8])
    if not (0 <= hour < 24 and 0 <= minute < 60 and 0 <= second <= 60):
        raise _RowError(f"{text!r} is not a time of day")
    return hour * 3600 + minute * 60 + second


def _mmsi(text: str) -> int:
    text = text.strip()
    if not text.isdigit():
        raise _RowError(f"{text!r} is not an MMSI")
    return int(text)


def _imo(text: str) -> int | None:
    text = text.strip()
    if text[:3].upper() == "IMO":
        text = text[3:]
    if not text:
        return None
    if not text.isdigit():
        raise _RowError(f"{text!r} is not an IMO number")
    value = int(text)
    return value if value > 0 else None


def _str_or_none(text: str) -> str | None:
    text = text.strip()
    return text or None


def _dma_text(text: str) -> str | None:
    text = text.strip()
    return None if text.lower() in _DMA_NONE else text


def _positive(value: float | None) -> float | None:
    return value if value is not None and value > 0 else None


def _positive_int(value: float | None) -> int | None:
    return int(value) if value is not None and value > 0 else None
