"""Read sanctions lists into `WatchlistEntry` objects; the format is detected from each file's content.

| format | detected by | vessels |
|---|---|---|
| `ofac_sdn_csv` | OFAC legacy `sdn.csv`: no header, 12 columns, a number first | rows whose SDN_Type is `vessel`; IMO and MMSI from the remarks |
| `ofac_alt_csv` | OFAC `alt.csv`: 5 columns, numbers, then `aka`/`fka`/`nka` | aliases added to the vessels of the sdn.csv files loaded with it |
| `un_sc_xml` | XML whose root is `CONSOLIDATED_LIST` | vessels named in the comments of listed entities (their owners, managers, operators) |
| `jsonl` | first line that is not blank or `#` starts with `{` | every record (our format, README.md) |
| `csv` | a header naming `name`, `imo` or `mmsi` | every row (our format, README.md) |

Files may be gzipped. An unreadable file, an unknown format or a bad record of our own formats is a
`UserError` that names the file (and the line).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

from streams.errors import UserError
from streams.watchlist.model import (
    RECORD_FIELDS,
    RecordError,
    WatchlistEntry,
    entry_from_record,
    imo_check_digit_ok,
)
from streams.watchlist.normalise import name_key

FORMATS = ("ofac_sdn_csv", "ofac_alt_csv", "un_sc_xml", "jsonl", "csv")
OFAC_SOURCE = "OFAC-SDN"
UN_SOURCE = "UN-SC"

PathLike = str | Path


# ---------------------------------------------------------------------------------------- files


def read_entries(paths: Iterable[PathLike]) -> list[WatchlistEntry]:
    """Every vessel entry of the files, in file order. OFAC alt.csv aliases apply to the sdn.csv
    entries of any of the files; an entry read twice (same `entry_id`) keeps its last version."""
    entries: dict[str, WatchlistEntry] = {}
    ofac_aliases: dict[str, list[str]] = {}
    for path in paths:
        data = _read_bytes(path)
        kind = detect_format(data)
        if kind is None:
            raise UserError(
                f"{path}: unknown watch-list format: expected OFAC sdn.csv or alt.csv, the UN Security Council "
                "consolidated list XML, or a JSON-lines or CSV list of our own (streams/watchlist/README.md)"
            )
        if kind == "ofac_alt_csv":
            for ent_num, alias in parse_ofac_alt(_decode(data), path):
                ofac_aliases.setdefault(ent_num, []).append(alias)
            continue
        for entry in _PARSERS[kind](data, path):
            entries.pop(entry.entry_id, None)
            entries[entry.entry_id] = entry
    if ofac_aliases:
        for entry_id, entry in entries.items():
            extra = ofac_aliases.get(entry.source_ref) if entry.source == OFAC_SOURCE else None
            if extra:
                aliases = tuple(dict.fromkeys((*entry.aliases, *extra)))
                entries[entry_id] = replace(entry, aliases=aliases)
    return list(entries.values())


def detect_format(data: bytes) -> str | None:
    """One of `FORMATS`, or None. `data` is the file's content (gzip already undone)."""
    text = _decode(data)
    stripped = text.lstrip()
    if stripped.startswith("<"):
        try:
            root = ET.fromstring(data)
        except ET.ParseError:
            return None
        return "un_sc_xml" if _local(root.tag) == "CONSOLIDATED_LIST" else None
    first = next((line for line in stripped.splitlines() if line.strip() and not line.startswith("#")), None)
    if first is None:
        return None
    if first.lstrip().startswith("{"):
        return "jsonl"
    row = [field.strip() for field in next(csv.reader([first]))]
    if len(row) == 12 and row[0].isdigit() and row[2] in ("individual", "vessel", "aircraft", "-0-", ""):
        return "ofac_sdn_csv"
    if len(row) == 5 and row[0].isdigit() and row[1].isdigit() and row[2].lower() in ("aka", "fka", "nka"):
        return "ofac_alt_csv"
    if {field.lower() for field in row} & {"name", "imo", "mmsi"}:
        return "csv"  # a column we do not know: parse_csv names it
    return None


def _read_bytes(path: PathLike) -> bytes:
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise UserError(f"{path}: cannot read the watch list: {error.strerror or error}") from None
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as error:
            raise UserError(f"{path}: cannot read the watch list: bad gzip data ({error})") from None
    if not data.strip():
        raise UserError(f"{path}: the watch list is empty")
    return data


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Latin-1 (OFAC's legacy CSV); DOS end-of-file marks dropped."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return text.replace("\x1a", "")


# ---------------------------------------------------------------------------------------- OFAC

_OFAC_EMPTY = "-0-"
_IMO = re.compile(r"\bIMO\s*(\d{7})\b")
_MMSI = re.compile(r"\bMMSI\s*(\d{9})\b")
_OFAC_ALIAS = re.compile(r"\b[afn]\.k\.a\.\s*'([^']+)'")
_REMARK_FLAG = re.compile(r"(?:^|;)\s*(?:Vessel\s+)?Flag\s+([^;]+?)\.?\s*(?=;|$)")


def parse_ofac_sdn(data: bytes, path: PathLike = "<sdn.csv>") -> Iterator[WatchlistEntry]:
    """Vessel rows of an OFAC sdn.csv (columns: ent_num, SDN_Name, SDN_Type, Program, Title,
    Call_Sign, Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks; `-0-` is empty).

    From the remarks: the IMO ("Vessel Registration Identification IMO 9187629", "Identification
    Number IMO ..."), the MMSI ("MMSI 572469210"), the aliases ("a.k.a./f.k.a./n.k.a. 'NAME'") and,
    when the flag column is empty, a "Vessel Flag X"/"Flag X" remark. Program "IRAN] [NPWMD" is
    two programmes. Registry numbers other than IMO ("RS 150443 (Russia)") are left in the remarks.
    """
    reader = csv.reader(io.StringIO(_decode(data)))
    for row in reader:
        if not any(field.strip() for field in row):
            continue
        if len(row) != 12:
            raise UserError(f"{path}:{reader.line_num}: expected the 12 columns of OFAC sdn.csv, found {len(row)}")
        fields = [None if field.strip() in ("", _OFAC_EMPTY) else field.strip() for field in row]
        if fields[2] != "vessel" or not fields[1]:
            continue
        remarks = fields[11] or ""
        imo = _IMO.search(remarks)
        mmsi = _MMSI.search(remarks)
        flag = fields[9]
        if flag is None:
            remark_flag = _REMARK_FLAG.search(remarks)
            flag = remark_flag.group(1).strip() if remark_flag else None
        yield WatchlistEntry(
            name=fields[1],
            source=OFAC_SOURCE,
            source_ref=fields[0] or "",
            imo=int(imo.group(1)) if imo else None,
            mmsi=int(mmsi.group(1)) if mmsi else None,
            aliases=tuple(dict.fromkeys(a.strip() for a in _OFAC_ALIAS.findall(remarks) if a.strip())),
            flag=flag,
            programmes=_ofac_programmes(fields[3]),
            call_sign=fields[5],
            vessel_type=fields[6],
            remarks=remarks,
        )


def _ofac_programmes(program: str | None) -> tuple[str, ...]:
    if not program:
        return ()
    return tuple(p.strip(" []") for p in re.split(r"\]\s*\[", program) if p.strip(" []"))


def parse_ofac_alt(text: str, path: PathLike = "<alt.csv>") -> Iterator[tuple[str, str]]:
    """(ent_num, alias) for every row of an OFAC alt.csv (ent_num, alt_num, alt_type, alt_name, alt_remarks)."""
    reader = csv.reader(io.StringIO(text))
    for row in reader:
        if not any(field.strip() for field in row):
            continue
        if len(row) != 5:
            raise UserError(f"{path}:{reader.line_num}: expected the 5 columns of OFAC alt.csv, found {len(row)}")
        name = row[3].strip()
        if name and name != _OFAC_EMPTY:
            yield row[0].strip(), name


# ---------------------------------------------------------------------------------------- UN

_VESSEL_WORDS = re.compile(r"\b(?:vessels?|tankers?|ships?)\b", re.IGNORECASE)
_CAPS_RUN = re.compile(r"\b[A-Z][A-Z0-9]*(?:[ -][A-Z0-9]+)*\b")
_TITLE_AFTER_VESSEL = re.compile(r"\b(?:vessel|tanker|ship),?\s+(?:the\s+)?([A-Z][a-z]+(?:\s+[A-Z][a-z]+){1,4})\b")
_TOKEN = re.compile(r"[A-Z0-9]+")
_EDGE_WORDS = frozenset({"THE", "DPRK", "UN", "UNSC", "ETA", "IMO", "MMSI", "US", "USD", "UTC", "ISIL"})
_COMPANY_WORDS = frozenset({
    "CO", "CORP", "CORPORATION", "COMPANY", "LTD", "LIMITED", "LLC", "INC", "JV", "PTE", "SHIPPING", "MARINE",
    "MARITIME", "MANAGEMENT", "TECHNOLOGY", "FREIGHT", "ENERGY", "INTERNATIONAL", "GROUP", "TRADING", "BANK",
})
_FLAG_BEFORE = re.compile(
    r"(?:([A-Z][\w.]*(?:[ -][A-Z][\w.]*)*)-flagged|\b(DPRK))\s+(?:(?:motor|oil|products|cargo)\s+)*"
    r"(?:vessels?|tankers?|ships?)?\s*$"
)
_FLAG_AFTER = re.compile(r"^,\s+(?:an?\s+)?([A-Z][\w.]*(?:[ -][A-Z][\w.]*)*)-flagged")
_SENTENCE = re.compile(r"[^.!?]*(?:[.!?]+|$)")


def parse_un_xml(data: bytes, path: PathLike = "<consolidated.xml>") -> Iterator[WatchlistEntry]:
    """Vessels of the UN Security Council consolidated list XML.

    The consolidated list holds individuals and entities only: the 1718 Committee's list of
    designated vessels is published apart from it. Vessels appear by name in the COMMENTS1 of listed
    entities ("Registered owner of DPRK tanker CHON MA SAN", "Ship and commercial manager of HAO FAN 2
    and HAO FAN 6, St Kitts-Nevis-flagged vessels"): each such name becomes a `named` entry with the
    entity's reference, list type (programme) and listing date, the flag the comment gives, and the
    sentence that names it. Names are the upper-case runs of a comment that mentions vessels, tankers
    or ships (leading/trailing "DPRK", "UN", "IMO"... dropped; runs with company words, in parentheses
    or equal to the entity's own name left out), plus capitalised names after "vessel"/"tanker"
    ("the vessel Chong Chon Gang"). IMO numbers in these comments are company numbers
    ("Company Number IMO 5434358"), not ships': they are not used.
    """
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        raise UserError(f"{path}: not well-formed XML: {error}") from None
    for element in root.iter():
        element.tag = _local(element.tag)
    for entity in root.iter("ENTITY"):
        ref = _child_text(entity, "REFERENCE_NUMBER")
        comments = _child_text(entity, "COMMENTS1")
        if not ref or not comments or not _VESSEL_WORDS.search(comments):
            continue
        own = {name_key(n) for n in (_child_text(entity, "FIRST_NAME"), *_alias_names(entity)) if n}
        entity_name = " ".join(_child_text(entity, "FIRST_NAME").split())
        programme = _child_text(entity, "UN_LIST_TYPE")
        listed_on = _parse_date(_child_text(entity, "LISTED_ON"))
        for name, start in _vessel_mentions(comments, own):
            yield WatchlistEntry(
                name=name,
                source=UN_SOURCE,
                source_ref=ref,
                flag=_mention_flag(comments, name),
                programmes=(programme,) if programme else (),
                listed_on=listed_on,
                basis="named",
                remarks=f"Named in the listing of {ref} {entity_name}: {_sentence_at(comments, start)}",
            )


def _vessel_mentions(comments: str, own_keys: set[str]) -> list[tuple[str, int]]:
    """(name, start) of the first mention of each vessel name in a comment, in order."""
    found: dict[str, tuple[str, int]] = {}
    candidates: list[tuple[str, int, int]] = []
    for run in _CAPS_RUN.finditer(comments):
        if comments[run.start() - 1:run.start()] == "(" and comments[run.end():run.end() + 1] == ")":
            continue
        tokens = [(m.group(), run.start() + m.start(), run.start() + m.end()) for m in _TOKEN.finditer(run.group())]
        while tokens and tokens[0][0] in _EDGE_WORDS:
            del tokens[0]
        while tokens and tokens[-1][0] in _EDGE_WORDS:
            del tokens[-1]
        words = [token for token, _, _ in tokens]
        if any(len(w) >= 2 and w.isalpha() for w in words) and not _COMPANY_WORDS.intersection(words):
            start, end = tokens[0][1], tokens[-1][2]
            candidates.append((comments[start:end], start, end))
    for match in _TITLE_AFTER_VESSEL.finditer(comments):
        candidates.append((match.group(1).upper(), match.start(1), match.end(1)))
    for name, start, end in sorted(candidates, key=lambda c: c[1]):
        key = name_key(name)
        if key and key not in own_keys and key not in found:
            found[key] = (" ".join(name.split()), start)
    return list(found.values())


def _mention_flag(comments: str, name: str) -> str | None:
    for match in re.finditer(re.escape(name), comments):
        before = _FLAG_BEFORE.search(comments[max(0, match.start() - 60):match.start()])
        if before:
            return before.group(1) or before.group(2)
        after = _FLAG_AFTER.search(comments[match.end():match.end() + 60])
        if after:
            return after.group(1)
    return None


def _sentence_at(text: str, start: int) -> str:
    for match in _SENTENCE.finditer(text):
        if match.start() <= start < match.end():
            return " ".join(match.group().split())
    return " ".join(text.split())


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child_text(element: ET.Element, tag: str) -> str:
    return (element.findtext(tag) or "").strip()


def _alias_names(entity: ET.Element) -> list[str]:
    return [(alias.findtext("ALIAS_NAME") or "").strip() for alias in entity.iter("ENTITY_ALIAS")]


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


# ---------------------------------------------------------------------------------------- our own formats


def parse_jsonl(data: bytes, path: PathLike = "<list.jsonl>") -> Iterator[WatchlistEntry]:
    """One JSON object per line (README.md); blank lines and lines starting with `#` are skipped."""
    source = _default_source(path)
    for lineno, line in enumerate(_decode(data).splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise UserError(f"{path}:{lineno}: not JSON: {error}") from None
        if not isinstance(record, dict):
            raise UserError(f"{path}:{lineno}: expected a JSON object")
        yield _user_entry(record, source, path, lineno)


def parse_csv(data: bytes, path: PathLike = "<list.csv>") -> Iterator[WatchlistEntry]:
    """A header row, then one vessel a row (README.md); `aliases`/`programmes` separated by `|`;
    lines starting with `#` are skipped."""
    source = _default_source(path)
    lines = [line if not line.startswith("#") else "" for line in _decode(data).splitlines()]
    reader = csv.reader(lines)
    header: list[str] | None = None
    for row in reader:
        if not any(field.strip() for field in row):
            continue
        if header is None:
            header = [field.strip().lower() for field in row]
            unknown = [h for h in header if h not in RECORD_FIELDS]
            if unknown:
                raise UserError(
                    f"{path}:{reader.line_num}: unknown column(s) {', '.join(unknown)} "
                    f"(known: {', '.join(RECORD_FIELDS)})"
                )
            continue
        if len(row) != len(header):
            raise UserError(f"{path}:{reader.line_num}: expected {len(header)} fields, found {len(row)}")
        record = {key: value for key, value in zip(header, row) if value.strip()}
        yield _user_entry(record, source, path, reader.line_num)


def _user_entry(record: dict[str, object], source: str, path: PathLike, lineno: int) -> WatchlistEntry:
    try:
        entry = entry_from_record(record, default_source=source)
    except RecordError as error:
        raise UserError(f"{path}:{lineno}: {error}") from None
    if entry.imo is not None and not imo_check_digit_ok(entry.imo):
        raise UserError(f"{path}:{lineno}: imo {entry.imo} fails the IMO check digit (a typing error?)")
    return entry


def _default_source(path: PathLike) -> str:
    return Path(path).name.split(".", 1)[0] or "user"


_PARSERS = {
    "ofac_sdn_csv": parse_ofac_sdn,
    "un_sc_xml": parse_un_xml,
    "jsonl": parse_jsonl,
    "csv": parse_csv,
}
