"""A deterministic, realistic NMEA feed for the benchmark: ~24 h of an aggregated East Asian feed.

    python -m bench.generate [--lines 1000000] [--seed 7] [--vessels 5000] [--out FILE] [--force]

What the feed holds (all seeded, so the same parameters give the same bytes):

- `--vessels` vessels (default 5,000) with MMSIs under realistic MIDs (China, Korea, Japan, Hong
  Kong, Panama, Liberia, Marshall Is., Singapore, Sierra Leone, ... and about 2 % DPRK, MID 445);
- about 85 % class A sending types 1 (and 3 for some) and 15 % class B sending type 18, each at
  its own reporting interval (class A 2-10 min, class B 5-15 min, as an aggregated shore feed
  that thins the 2-10 s transponder rate would deliver), moving along a straight course;
- type 5 static/voyage reports (two sentences each) from class A vessels, about 3 % of lines;
- a few hundred class A vessels going dark for 6-20 h (some still dark at the end), so the
  `ais_gap` detector raises real alerts; a few damaged sentences (bad checksum) for the
  dead-letter path;
- every line carries an IEC 62320-1 tag block `\\c:<epoch s>,s:<receiver>*hh\\`; lines are in
  event-time order; one of 24 receivers per vessel.

Positions are bit-packed here (types 1/3/18 are fixed 168-bit layouts), which is ~10x faster than
`pyais.encode_dict` per message; type 5 is encoded once per vessel with pyais. The generator checks
a sample of its own lines with the project's decoder before writing.

The file is cached as `.cache/bench/feed-<lines>.nmea` beside a `.json` of its parameters, and
regenerated only when missing or made with other parameters.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import sys
import time
from dataclasses import asdict, dataclass
from functools import reduce
from operator import xor
from pathlib import Path

GENERATOR_VERSION = 2  # 2: IMO numbers with valid check digits (version 1's tripped identity_change)
FEED_START_S = 1_709_251_200  # 2024-03-01T00:00:00Z
DEFAULT_LINES = 1_000_000
DEFAULT_VESSELS = 5_000
DEFAULT_SEED = 7
DEFAULT_HOURS = 24.0

# MID (ITU-R M.585) -> weight, roughly the mix of flags heard in the Yellow Sea and East China Sea.
MID_WEIGHTS = {
    412: 18, 413: 9, 414: 5, 440: 6, 441: 4, 431: 4, 432: 2, 477: 8, 445: 2, 352: 4, 353: 2,
    354: 2, 355: 2, 356: 1, 357: 1, 636: 6, 538: 5, 563: 3, 564: 2, 566: 2, 667: 2, 511: 1,
    572: 1, 312: 1, 457: 1, 341: 1, 620: 1, 273: 2, 574: 3, 533: 1, 525: 1, 548: 1,
}
RECEIVERS = [f"rx-{name}" for name in (
    "dalian", "yingkou", "qinhuangdao", "tianjin", "yantai", "weihai", "qingdao", "rizhao",
    "lianyungang", "nantong", "shanghai", "ningbo", "zhoushan", "wenzhou", "incheon", "gunsan",
    "mokpo", "busan", "jeju", "fukuoka", "nagasaki", "kaohsiung", "keelung", "hongkong",
)]
SHIP_NAMES = ("OCEAN", "GRACE", "LUCKY", "STAR", "SEA", "BRAVE", "HAI", "FENG", "MING", "HUA", "JIN",
              "SHENG", "PACIFIC", "GLORY", "ORIENT", "PEARL", "DRAGON", "HOPE", "NAMPO", "CHON")
DESTINATIONS = ("SHANGHAI", "NINGBO", "QINGDAO", "DALIAN", "BUSAN", "INCHEON", "TIANJIN", "NAMPO",
                "HONG KONG", "KAOHSIUNG", "YOKOHAMA", "ZHOUSHAN")

CLASS_B_SHARE = 0.15
TYPE3_SHARE_OF_A = 0.2
TYPE5_LINE_SHARE = 0.03
DARK_VESSELS_PER_5000 = 300
DAMAGED_PER_MILLION = 100
OVERSHOOT = 1.03  # schedule a little more than asked, then cut at exactly `lines`

# 6-bit armour: values 0..39 -> '0'..'W', 40..63 -> '`'..'w'.
_ARMOUR = [chr(v + 48) if v < 40 else chr(v + 56) for v in range(64)]
_SHIFTS_168 = tuple(range(162, -1, -6))


@dataclass(frozen=True)
class FeedParams:
    lines: int = DEFAULT_LINES
    vessels: int = DEFAULT_VESSELS
    seed: int = DEFAULT_SEED
    hours: float = DEFAULT_HOURS
    generator_version: int = GENERATOR_VERSION


@dataclass
class Vessel:
    rank: int
    mmsi: int
    ais_class: str
    msg_type: int
    receiver: str
    lat: float
    lon: float
    course_deg: float
    speed_kn: float
    heading_known: bool
    interval_s: float
    phase_s: float
    dark_from_s: float | None = None
    dark_until_s: float | None = None
    static_every: int = 0  # one type 5 per this many positions (0: never)


# -- encoding ----------------------------------------------------------------------------------

def valid_imo(first_six: int) -> int:
    """An IMO number whose seventh digit is the check digit of the first six (weights 7..2)."""
    digits = [int(d) for d in f"{first_six:06d}"]
    return first_six * 10 + sum(d * w for d, w in zip(digits, range(7, 1, -1))) % 10


def nmea_checksum(body: str) -> str:
    return f"{reduce(xor, body.encode(), 0):02X}"


def tag_block(epoch_s: int | float, receiver: str) -> str:
    body = f"c:{epoch_s},s:{receiver}"
    return f"\\{body}*{nmea_checksum(body)}\\"


def _armour_168(bits: int) -> str:
    return "".join([_ARMOUR[(bits >> s) & 63] for s in _SHIFTS_168])


def _signed(value: int, width: int) -> int:
    return value & ((1 << width) - 1)


def position_payload(msg_type: int, mmsi: int, lat: float, lon: float, sog_kn: float, cog_deg: float,
                     heading: int, second: int, status: int = 0) -> str:
    """168-bit type 1/2/3 or 18 payload (ITU-R M.1371-5 table 45 and 64), 6-bit armoured."""
    lon_i = _signed(round(lon * 600_000), 28)
    lat_i = _signed(round(lat * 600_000), 27)
    sog_i = min(1022, round(sog_kn * 10))
    cog_i = round(cog_deg * 10) % 3600
    if msg_type == 18:
        v = 18
        v = (v << 2) | 0            # repeat
        v = (v << 30) | mmsi
        v = (v << 8) | 0            # reserved
        v = (v << 10) | sog_i
        v = (v << 1) | 1            # accuracy
        v = (v << 28) | lon_i
        v = (v << 27) | lat_i
        v = (v << 12) | cog_i
        v = (v << 9) | heading
        v = (v << 6) | second
        v = (v << 2) | 0            # regional
        v = (v << 1) | 1            # CS unit
        v = (v << 1) | 0            # display
        v = (v << 1) | 1            # DSC
        v = (v << 1) | 1            # band
        v = (v << 1) | 1            # msg22
        v = (v << 1) | 0            # assigned
        v = (v << 1) | 0            # RAIM
        v = (v << 20) | 0b1100000000000000110  # radio
    else:
        v = msg_type
        v = (v << 2) | 0            # repeat
        v = (v << 30) | mmsi
        v = (v << 4) | status
        v = (v << 8) | 0            # turn: 0 deg/min
        v = (v << 10) | sog_i
        v = (v << 1) | 1            # accuracy
        v = (v << 28) | lon_i
        v = (v << 27) | lat_i
        v = (v << 12) | cog_i
        v = (v << 9) | heading
        v = (v << 6) | second
        v = (v << 2) | 0            # manoeuvre
        v = (v << 3) | 0            # spare
        v = (v << 1) | 0            # RAIM
        v = (v << 19) | 0b0000100000000000011  # radio
    return _armour_168(v)


def vdm_sentence(payload: str, channel: str, fill_bits: int = 0) -> str:
    body = f"AIVDM,1,1,,{channel},{payload},{fill_bits}"
    return f"!{body}*{nmea_checksum(body)}"


def static_sentences(vessel: Vessel, rng: random.Random) -> list[str]:
    """Two-part type 5 of a vessel, encoded once with pyais (names and voyage data fixed per vessel)."""
    from pyais.encode import encode_dict

    name = f"{rng.choice(SHIP_NAMES)} {rng.choice(SHIP_NAMES)} {rng.randint(1, 99)}"[:20]
    message = {
        "type": 5, "mmsi": vessel.mmsi, "ais_version": 0,
        "imo": valid_imo(rng.randint(900_000, 989_999)), "callsign": f"{rng.choice('BDHV3')}{rng.randint(1000, 9999)}",
        "shipname": name, "ship_type": rng.choice((70, 70, 70, 79, 80, 80, 84, 30, 52)),
        "to_bow": rng.randint(40, 200), "to_stern": rng.randint(10, 50), "to_port": rng.randint(5, 20),
        "to_starboard": rng.randint(5, 20), "epfd": 1, "month": 3, "day": rng.randint(1, 28),
        "hour": rng.randint(0, 23), "minute": rng.randint(0, 59), "draught": rng.randint(30, 150) / 10,
        "destination": rng.choice(DESTINATIONS), "dte": 0,
    }
    return encode_dict(message, radio_channel="A", talker_id="AI", sentence_type="VDM", seq_id=vessel.rank % 10)


# -- the fleet ---------------------------------------------------------------------------------

def make_fleet(params: FeedParams, rng: random.Random) -> list[Vessel]:
    mids = list(MID_WEIGHTS)
    weights = list(MID_WEIGHTS.values())
    used: set[int] = set()
    fleet: list[Vessel] = []
    span_s = params.hours * 3600
    for rank in range(params.vessels):
        while True:
            mid = rng.choices(mids, weights)[0]
            mmsi = mid * 1_000_000 + rng.randint(0, 999_999)
            if mmsi not in used:
                used.add(mmsi)
                break
        class_b = rng.random() < CLASS_B_SHARE
        anchored = rng.random() < 0.15
        # Relative reporting intervals; scaled to the requested line count in `schedule_intervals`.
        interval = rng.uniform(300, 900) if class_b else rng.uniform(120, 600)
        fleet.append(Vessel(
            rank=rank, mmsi=mmsi, ais_class="B" if class_b else "A",
            msg_type=18 if class_b else (3 if rng.random() < TYPE3_SHARE_OF_A else 1),
            receiver=rng.choice(RECEIVERS),
            lat=rng.uniform(22.0, 39.0), lon=rng.uniform(118.0, 131.0),
            course_deg=rng.uniform(0, 360), speed_kn=0.0 if anchored else rng.uniform(3.0, 18.0),
            heading_known=rng.random() > 0.1, interval_s=interval, phase_s=rng.uniform(0, interval),
        ))
    class_a = [v for v in fleet if v.ais_class == "A"]
    dark_count = min(len(class_a), round(DARK_VESSELS_PER_5000 * params.vessels / 5000))
    for vessel in rng.sample(class_a, dark_count):
        # After >= 4 h of regular reports (the detector wants 14 in the 12 h before the silence).
        start = rng.uniform(min(4 * 3600, span_s * 0.2), span_s * 0.85)
        vessel.dark_from_s = start
        vessel.dark_until_s = start + rng.uniform(6 * 3600, 20 * 3600)
    schedule_intervals(fleet, params)
    return fleet


def _position_count(vessel: Vessel, span_s: float) -> float:
    on_s = span_s - vessel.phase_s
    if vessel.dark_from_s is not None:
        on_s -= max(0.0, min(span_s, vessel.dark_until_s or span_s) - vessel.dark_from_s)
    return max(0.0, on_s) / vessel.interval_s


def schedule_intervals(fleet: list[Vessel], params: FeedParams) -> None:
    """Scale every interval so the positions plus type 5 lines come to about OVERSHOOT x lines."""
    span_s = params.hours * 3600
    target_positions = params.lines * OVERSHOOT * (1 - TYPE5_LINE_SHARE)
    for _ in range(3):  # phases depend on intervals: converge in a few passes
        scale = sum(_position_count(v, span_s) for v in fleet) / target_positions
        for vessel in fleet:
            vessel.interval_s *= scale
            vessel.phase_s *= scale
    class_a_positions = sum(_position_count(v, span_s) for v in fleet if v.ais_class == "A")
    statics_wanted = params.lines * OVERSHOOT * TYPE5_LINE_SHARE / 2
    every = max(1, round(class_a_positions / max(statics_wanted, 1)))
    for vessel in fleet:
        if vessel.ais_class == "A":
            vessel.static_every = every


def advance(lat: float, lon: float, course_deg: float, distance_nm: float) -> tuple[float, float]:
    dlat = distance_nm * math.cos(math.radians(course_deg)) / 60.0
    dlon = distance_nm * math.sin(math.radians(course_deg)) / (60.0 * math.cos(math.radians(lat)))
    return lat + dlat, lon + dlon


def vessel_lines(vessel: Vessel, params: FeedParams, rng: random.Random) -> list[tuple[int, int, int, str]]:
    """(epoch, rank, order, line) of one vessel; `order` keeps a type 5's two sentences together."""
    out: list[tuple[int, int, int, str]] = []
    span_s = params.hours * 3600
    statics = static_sentences(vessel, rng) if vessel.static_every else []
    heading = round(vessel.course_deg) % 360 if vessel.heading_known else 511
    channel = "A" if vessel.rank % 2 else "B"
    dlat_per_s = vessel.speed_kn * math.cos(math.radians(vessel.course_deg)) / 60.0 / 3600.0
    dlon_per_s = vessel.speed_kn * math.sin(math.radians(vessel.course_deg)) / 60.0 / 3600.0 / math.cos(math.radians(vessel.lat))
    receiver = vessel.receiver
    rank = vessel.rank
    t = vessel.phase_s
    step = 0
    jitter = vessel.interval_s * 0.1
    while t < span_s:
        if vessel.dark_from_s is None or not (vessel.dark_from_s <= t < vessel.dark_until_s):
            epoch = FEED_START_S + int(t)
            lat = vessel.lat + dlat_per_s * t
            lon = vessel.lon + dlon_per_s * t
            sog = vessel.speed_kn + (rng.uniform(-0.3, 0.3) if vessel.speed_kn else 0.0)
            payload = position_payload(vessel.msg_type, vessel.mmsi, lat, lon, max(sog, 0.0),
                                       vessel.course_deg, heading, epoch % 60, 1 if vessel.speed_kn == 0 else 0)
            out.append((epoch, rank, 0, tag_block(epoch, receiver) + vdm_sentence(payload, channel)))
            if statics and step % vessel.static_every == vessel.rank % vessel.static_every:
                tag = tag_block(epoch + 1, receiver)
                out.append((epoch + 1, rank, 1, tag + statics[0]))
                out.append((epoch + 1, rank, 2, tag + statics[1]))
            step += 1
        t += vessel.interval_s + rng.uniform(-jitter, jitter)
    return out


def damage(line: str, rng: random.Random) -> str:
    """A checksum that does not match (as a receiver's bit error would leave it)."""
    star = line.rfind("*")
    wrong = (int(line[star + 1:], 16) ^ rng.randint(1, 255)) & 0xFF
    return f"{line[:star + 1]}{wrong:02X}"


def build_feed(params: FeedParams, progress=print) -> tuple[list[str], dict]:
    rng = random.Random(params.seed)
    fleet = make_fleet(params, rng)
    progress(f"  fleet: {len(fleet)} vessels, {sum(v.ais_class == 'B' for v in fleet)} class B, "
             f"{sum(v.dark_from_s is not None for v in fleet)} going dark, "
             f"{sum(v.mmsi // 1_000_000 == 445 for v in fleet)} DPRK-flagged (MID 445)")
    rows: list[tuple[int, int, int, str]] = []
    started = time.monotonic()
    for i, vessel in enumerate(fleet):
        rows.extend(vessel_lines(vessel, params, random.Random(params.seed * 1_000_003 + vessel.rank)))
        if (i + 1) % 1000 == 0:
            progress(f"  encoded {i + 1}/{len(fleet)} vessels, {len(rows):,} lines ({time.monotonic() - started:.0f} s)")
    rows.sort()
    lines = [row[3] for row in rows[:params.lines]]
    if len(lines) < params.lines:
        progress(f"  warning: scheduled {len(rows):,} lines, fewer than the {params.lines:,} asked")
    # Never end on the first half of a type 5: swap it for the next single-sentence line.
    if lines and ",2,1," in lines[-1] and len(rows) > params.lines:
        for row in rows[params.lines:]:
            if row[2] == 0:
                lines[-1] = row[3]
                break
    damage_rng = random.Random(params.seed + 1)
    damaged = 0
    for index in sorted(damage_rng.sample(range(len(lines)), min(len(lines), DAMAGED_PER_MILLION * len(lines) // 1_000_000))):
        if ",1,1," in lines[index]:  # only single-sentence messages: a damaged fragment would orphan its partner
            lines[index] = damage(lines[index], damage_rng)
            damaged += 1
    stats = {
        "lines": len(lines),
        "type5_lines": sum(1 for line in lines if ",2," in line[line.find("!"):line.find("!") + 12]),
        "type18_vessels": sum(v.ais_class == "B" for v in fleet),
        "dark_vessels": sum(v.dark_from_s is not None for v in fleet),
        "damaged_lines": damaged,
        "first_epoch": rows[0][0] if rows else None,
        "last_epoch": rows[min(len(rows), params.lines) - 1][0] if rows else None,
    }
    return lines, stats


def self_check(lines: list[str], sample: int = 5000) -> None:
    """Decode a sample with the project's decoder: every line must decode (or be a damaged one)."""
    from streams.config import IngestConfig
    from streams.ingest import AisDecoder

    result = AisDecoder(IngestConfig(), "self-check", "nmea").decode(lines[:sample])
    bad = {reason: n for reason, n in (result.ignored_by_reason or {}).items()}
    dead = [letter for letter in result.dead_letters if letter.reason != "bad_checksum"]
    if dead or bad:
        raise SystemExit(f"generator self-check failed: ignored {bad}, dead {[(d.reason, d.detail) for d in dead[:3]]}")


# -- cache ---------------------------------------------------------------------------------------

def default_path(root: Path, lines: int) -> Path:
    return root / ".cache" / "bench" / f"feed-{lines}.nmea"


def ensure_feed(params: FeedParams, path: Path, force: bool = False, progress=print) -> tuple[Path, dict]:
    """The feed file for `params`, generated unless a cached one with the same parameters exists."""
    meta_path = path.with_suffix(".json")
    if not force and path.is_file() and meta_path.is_file():
        try:
            meta = json.loads(meta_path.read_text())
        except ValueError:
            meta = {}
        if meta.get("params") == asdict(params) and meta.get("bytes") == path.stat().st_size:
            progress(f"feed: cached {path} ({meta['stats']['lines']:,} lines)")
            return path, meta
    progress(f"feed: generating {params.lines:,} lines for {params.vessels:,} vessels over {params.hours:g} h "
             f"(seed {params.seed}) -> {path}")
    started = time.monotonic()
    lines, stats = build_feed(params, progress)
    self_check(lines)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    data = ("\n".join(lines) + "\n").encode("ascii")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    meta = {"params": asdict(params), "stats": stats, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    progress(f"feed: wrote {stats['lines']:,} lines ({len(data) / 1e6:.0f} MB) in {time.monotonic() - started:.0f} s: "
             f"{stats['type5_lines']:,} type 5 lines, {stats['dark_vessels']} dark vessels, "
             f"{stats['damaged_lines']} damaged lines")
    return path, meta


def main(argv: list[str] | None = None) -> int:
    from streams.adapters.local_kafka import find_project_root

    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=DEFAULT_LINES)
    parser.add_argument("--vessels", type=int, default=DEFAULT_VESSELS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--hours", type=float, default=DEFAULT_HOURS)
    parser.add_argument("--out", type=Path, help="output file (default .cache/bench/feed-<lines>.nmea)")
    parser.add_argument("--force", action="store_true", help="regenerate even when cached")
    args = parser.parse_args(argv)
    params = FeedParams(lines=args.lines, vessels=args.vessels, seed=args.seed, hours=args.hours)
    ensure_feed(params, args.out or default_path(find_project_root(), args.lines), force=args.force)
    return 0


if __name__ == "__main__":
    sys.exit(main())
