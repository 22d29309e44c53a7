"""Launch feeds -> `LaunchDetection` or `DeadLetter`: every record ends as exactly one of them.

Two formats:

- `jsonl`: one `launch.detection` record per line (schemas/launch.detection.v1.json); blank lines
  are skipped;
- `cns_csv`: the CNS North Korea Missile Test Database as flattened in
  `nk_missile_tests_1984_2026.csv` (columns date,time,series,missile,missile_name,missile_type,
  facility,facility_name,facility_lat,facility_lon,landing,apogee_km,distance_km,bearing_deg,
  outcome,glide,description; see examples/nk_missile_tests.csv).

Dead-letter reasons: `bad_launch_record` (not JSON, a missing or out-of-range field: the detail
names it) and `no_launch_point` (no coordinates and no known site). CNS specifics:

- `time` "HH:MM (UTC)" gives the launch time; "unknown" gives 00:00 UTC of the date with
  `time_precision` "day"; a `YYYY-MM` date (8 rows before 1993) gives the 1st of the month, "month";
- coordinates come from `facility_lat`/`facility_lon`, or the site table when they are missing;
  the facility `unknown` is dead-lettered `no_launch_point`: its coordinates are a placeholder
  (Pyongyang International Airport's, copied);
- "unknown", "na" and empty values are None (but `outcome` keeps "unknown", one of its values);
  `missile_name`/`missile_type` "Unknown" are None;
- `detection_id` is `cns-<date>-<series>`, with `-<n>` added from the second row with the same
  date and series (the database repeats some), so ids are unique within the file.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator

from streams.domain.events import DeadLetter
from streams.errors import UserError
from streams.launch.events import LaunchDetection, LaunchFieldError
from streams.launch.reference import SiteTable, date_start_s, load_sites
from streams.launch.wire import LaunchRecordError, detection_from_payload

FORMATS = ("jsonl", "cns_csv")
CNS_SOURCE = "CNS"
"""`source` of CNS detections: the James Martin Center for Nonproliferation Studies database."""
CNS_COLUMNS = (
    "date", "time", "series", "missile", "missile_name", "missile_type", "facility", "facility_name",
    "facility_lat", "facility_lon", "landing", "apogee_km", "distance_km", "bearing_deg", "outcome",
)
_UNKNOWN = {"", "unknown", "na", "n/a"}
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(?:\(UTC\))?", re.IGNORECASE)

LaunchRecord = LaunchDetection | DeadLetter


def parse_json_line(line: str, source: str, sites: SiteTable | None = None) -> LaunchRecord:
    """One JSON line -> a detection, or a dead letter saying which field is wrong."""
    text = line.strip()
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as error:
        return DeadLetter("bad_launch_record", line.rstrip("\r\n"), source, f"not JSON: {error}")
    try:
        return detection_from_payload(payload, sites)
    except LaunchRecordError as error:
        return DeadLetter(error.reason, line.rstrip("\r\n"), source, str(error), error.epoch_s)


def parse_json_lines(lines: Iterable[str], source: str, sites: SiteTable | None = None) -> Iterator[LaunchRecord]:
    for line in lines:
        if line.strip():
            yield parse_json_line(line, source, sites)


def _blank(value: str | None) -> bool:
    return value is None or value.strip().lower() in _UNKNOWN


def _number(row: dict[str, str], column: str, field: str) -> float | None:
    value = row.get(column)
    if _blank(value):
        return None
    assert value is not None
    try:
        return float(value)
    except ValueError:
        raise LaunchFieldError(field, f"column {column} is not a number: {value!r}") from None


def _text(row: dict[str, str], column: str) -> str | None:
    value = row.get(column)
    return None if _blank(value) else value.strip()  # type: ignore[union-attr]


def _cns_time(row: dict[str, str]) -> tuple[float, str]:
    date = (row.get("date") or "").strip()
    try:
        day_s = date_start_s(date)
    except ValueError as error:
        raise LaunchFieldError("detected_s", f"column date: {error}") from None
    precision = "day" if len(date) == 10 else "month"
    time = (row.get("time") or "").strip()
    if _blank(time):
        return day_s, precision
    match = _TIME.fullmatch(time)
    if match is None or precision == "month":
        raise LaunchFieldError("detected_s", f"column time is not 'HH:MM (UTC)' on a full date: {time!r}")
    hours, minutes, seconds = int(match[1]), int(match[2]), int(match[3] or 0)
    if hours > 23 or minutes > 59 or seconds > 59:
        raise LaunchFieldError("detected_s", f"column time out of range: {time!r}")
    return day_s + hours * 3600 + minutes * 60 + seconds, "second"


def _row_text(fields: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(fields)
    return out.getvalue()


def cns_row_detection(row: dict[str, str], detection_id: str, sites: SiteTable) -> LaunchDetection:
    """One CNS row -> a detection; raises `LaunchRecordError` naming the field at fault."""
    epoch_s: float | None = None
    try:
        epoch_s, precision = _cns_time(row)
        if (row.get("facility") or "").strip().lower() == "unknown":
            raise LaunchRecordError("no_launch_point", "facility", "'unknown' is a placeholder: its coordinates are Pyongyang International Airport's", epoch_s)
        facility = _text(row, "facility")
        lat, lon = _number(row, "facility_lat", "launch_lat"), _number(row, "facility_lon", "launch_lon")
        site = sites.get(facility) if facility else None
        if lat is None or lon is None:
            if site is None:
                raise LaunchRecordError("no_launch_point", "facility", f"no facility_lat/facility_lon and facility {facility!r} is not in the site table", epoch_s)
            lat, lon = site.lat, site.lon
        outcome = (row.get("outcome") or "").strip().lower() or None
        return LaunchDetection(
            detection_id=detection_id,
            detected_s=epoch_s,
            source=CNS_SOURCE,
            launch_lat=lat,
            launch_lon=lon,
            site=site.site_id if site is not None else facility,
            azimuth_deg=_number(row, "bearing_deg", "azimuth_deg"),
            apogee_km=_number(row, "apogee_km", "apogee_km"),
            range_km=_number(row, "distance_km", "range_km"),
            time_precision=precision,
            missile_name=_text(row, "missile_name"),
            reported_type=_text(row, "missile_type"),
            outcome=outcome,
            landing_area=_text(row, "landing"),
        )
    except LaunchFieldError as error:
        raise LaunchRecordError("bad_launch_record", error.field, str(error).split(": ", 1)[1], epoch_s) from None


def parse_cns_csv(lines: Iterable[str], source: str = "cns", sites: SiteTable | None = None) -> Iterator[LaunchRecord]:
    """Every data row of a CNS CSV -> a detection or a dead letter (raw: the row as CSV).
    Raises `UserError` if the header lacks the CNS columns."""
    sites = load_sites() if sites is None else sites
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        return
    missing = [c for c in CNS_COLUMNS if c not in header]
    if missing:
        raise UserError(f"not a CNS missile-test CSV: missing column(s) {', '.join(missing)}")
    seen: dict[str, int] = {}
    for fields in reader:
        if not any(f.strip() for f in fields):
            continue
        raw = _row_text(fields)
        if len(fields) != len(header):
            yield DeadLetter("bad_launch_record", raw, source, f"row: {len(fields)} fields, header has {len(header)}")
            continue
        row = dict(zip(header, fields))
        base = f"cns-{row['date'].strip()}-{row['series'].strip() or '0'}"
        seen[base] = seen.get(base, 0) + 1
        detection_id = base if seen[base] == 1 else f"{base}-{seen[base]}"
        try:
            yield cns_row_detection(row, detection_id, sites)
        except LaunchRecordError as error:
            yield DeadLetter(error.reason, raw, source, str(error), error.epoch_s)


def sniff_format(first_line: str) -> str:
    """`jsonl` if the first non-blank line is a JSON object, `cns_csv` if it is the CNS header."""
    text = first_line.strip()
    if text.startswith("{"):
        return "jsonl"
    header = next(csv.reader([text]), [])
    if all(c in header for c in CNS_COLUMNS):
        return "cns_csv"
    raise UserError("launch feed: expected JSON lines (launch.detection records) or the CNS missile-test CSV header")


def parse_launch_lines(lines: Iterable[str], source: str, fmt: str = "auto", sites: SiteTable | None = None) -> Iterator[LaunchRecord]:
    """Any supported launch feed; `fmt` "auto" sniffs the first non-blank line."""
    iterator = iter(lines)
    if fmt == "auto":
        buffered: list[str] = []
        for line in iterator:
            buffered.append(line)
            if line.strip():
                fmt = sniff_format(line)
                break
        else:
            return
        iterator = _chain(buffered, iterator)
    if fmt == "jsonl":
        yield from parse_json_lines(iterator, source, sites)
    elif fmt == "cns_csv":
        yield from parse_cns_csv(_skip_leading_blank(iterator), source, sites)
    else:
        raise UserError(f"unknown launch feed format {fmt!r} (formats: auto, {', '.join(FORMATS)})")


def _chain(first: list[str], rest: Iterator[str]) -> Iterator[str]:
    yield from first
    yield from rest


def _skip_leading_blank(lines: Iterator[str]) -> Iterator[str]:
    for line in lines:
        if line.strip():
            yield line
            break
    yield from lines
