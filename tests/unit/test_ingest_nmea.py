"""NMEA ingest on real sentences (tests/data/nmea, see tests/data/PROVENANCE.md)."""

from __future__ import annotations

import ast
import dataclasses
from datetime import datetime, timezone
from pathlib import Path

import pyais
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyais.messages import TagBlock
from pyais.util import compute_checksum

from streams.config import IngestConfig
from streams.domain.events import DeadLetter, PositionReport, StaticReport
from streams.ingest import DEAD_LETTER_REASONS, AisDecoder, DecodeResult
from streams.domain.fast_events import new_position, positional_constructor

DATA = Path(__file__).resolve().parents[1] / "data" / "nmea"
NMEA_FILES = sorted(p for p in DATA.rglob("*") if p.is_file())
RX_S = 1_600_000_000.0  # a receive time for lines that carry none

# gpsd's AIVDM documentation decodes this sentence by hand: MMSI 477553000, moored,
# lon -122.345833, lat 47.582833, SOG 0, COG 51.0, true heading 181.
GPSD_EXAMPLE = "!AIVDM,1,1,,B,177KQJ5000G?tO`K>RA1wUbN0TKH,0*5C"
# Type 5 pairs from dma-aislib stream_example: sequence id 3 on channel A (twice) and on channel B.
NB418 = ("!AIVDM,2,1,3,A,539bE<P2?e`T@l<l000p:3C7P00000000000001633<?A5aV0CPE84i@,0*1B", "!AIVDM,2,2,3,A,E4PBC8??`2jAC08,2*3D")
PINTA = ("!AIVDM,2,1,3,A,533bpn02:VG4u9Lf2210Tq@6222222222222220Q8h?<65F`0=UiDm1DT,0*58", "!AIVDM,2,2,3,A,hj1C11H8888880,2*1F")
STARKAD = ("!BSVDM,2,1,3,B,53@nfph00001Q0;W;?50ThuB1=@58d4B2222220j185224lgN3j0C4ok2CAR,0*50", "!BSVDM,2,2,3,B,SlQC`888880,2*48")
TYPE1 = "!AIVDM,1,1,,A,14S:lr02j>1Tv?LDi:;5:D8F0H6L,0*79"  # pyais nmea_data_sample


def decoder(**config: float) -> AisDecoder:
    return AisDecoder(IngestConfig(**config), "test-source", "nmea")  # type: ignore[arg-type]


def decode(lines: list[str], received_at_s: float | None = RX_S, **config: float) -> DecodeResult:
    d = decoder(**config)
    result = d.decode(lines, received_at_s)
    result.extend(d.flush())
    return result


def only(result: DecodeResult, kind: type) -> object:
    found = [e for e in result.events if isinstance(e, kind)]
    assert len(found) == 1, result
    return found[0]


def tagged(sentence: str, **fields: object) -> str:
    return "\\" + TagBlock.create_str(**fields) + "\\" + sentence  # type: ignore[arg-type]


def with_checksum(body: str) -> str:
    """A hand-corrupted sentence with its checksum recomputed, so that only the corruption shows."""
    return f"{body}*{compute_checksum(body):02X}"


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8", errors="replace").splitlines()


# -- decoded values ------------------------------------------------------------------------------

@pytest.mark.parametrize(("line", "expected"), [
    pytest.param(GPSD_EXAMPLE, PositionReport(
        477553000, RX_S, 47.582833, -122.345833, 0.0, 51.0, 181, 5, 0.0, 1, "A", "test-source"), id="gpsd-hand-decoded"),
    pytest.param(TYPE1, PositionReport(
        305313000, RX_S, 36.2949, 22.057783, 14.2, 132.1, 132, 0, 5.0, 1, "A", "test-source"), id="type1-turning"),
    # All sentinels at once: SOG 102.3, COG 360, heading 511, ROT -128, nav status 15 -> None,
    # and lat 91 / lon 181 means there is no position at all.
    pytest.param("!AIVDM,1,1,,A,13cc3o?P?w<tSF0l4Q@>4?wv0PRr,0*0F", None, id="no-position"),
    pytest.param("!AIVDM,1,1,,B,13RlIW?OlF1beJ0EFL39bBvL087M,0*3C", PositionReport(
        237836700, RX_S, 37.312873, 23.31104, 27.8, 247.3, 95, None, None, 1, "A", "test-source"), id="rot-127-no-rate"),
    pytest.param("!AIVDM,1,1,,B,100h00PP0@PHFV`Mg5gTH?vNPUIp,0*3B", PositionReport(
        786434, RX_S, 51.967037, 5.320033, 1.6, 112.0, None, 0, None, 1, "A", "test-source"), id="short-mmsi-heading-511-rot-128"),
    pytest.param("!AIVDM,1,1,,A,23`fLEEP00PCU10MGvnN4?v020S8,0*02", PositionReport(
        244030549, RX_S, 51.336042, 4.27696, 0.0, None, None, 5, None, 2, "A", "test-source"), id="type2-cog-360"),
    pytest.param("!AIVDM,1,1,,B,B39H9GP0;@H136UI3ijEowU5oP06,0*14", PositionReport(
        211159390, RX_S, 37.689647, 20.985835, 4.5, 239.7, None, None, None, 18, "B", "test-source"), id="type18-class-b"),
])
def test_position_values(line: str, expected: PositionReport | None) -> None:
    result = decode([line])
    if expected is None:
        assert result.events == [] and result.ignored_by_reason == {"position_not_available": 1}
    else:
        assert result.events == [expected]
        assert result.lines_used == 1


def test_positions_agree_with_pyais_on_a_whole_sample_file() -> None:
    """Every valid single-part class A/B position of pyais' sample, against pyais' own decode."""
    lines = [line for line in read_lines(DATA / "pyais" / "nmea_data_sample.txt") if ",1,1," in line]
    positions = {e.mmsi: e for e in decode(lines).events if isinstance(e, PositionReport)}
    checked = 0
    for line in lines:
        try:
            msg = pyais.decode(line, error_if_checksum_invalid=True)
        except Exception:  # noqa: BLE001 -- empty payloads and broken lines are tested elsewhere
            continue
        if msg.msg_type not in (1, 2, 3, 18) or msg.lat == 91.0 or msg.mmsi not in positions:
            continue
        mine = [e for e in decode([line]).events if isinstance(e, PositionReport)][0]
        assert (mine.mmsi, mine.lat, mine.lon, mine.msg_type) == (msg.mmsi, msg.lat, msg.lon, msg.msg_type)
        assert mine.sog_kn == (None if msg.speed == 102.3 else msg.speed)
        assert mine.cog_deg == (None if msg.course >= 360 else msg.course)
        assert mine.heading_deg == (None if msg.heading >= 360 else msg.heading)
        checked += 1
    assert checked > 300


def test_type5_static_and_voyage_reassembled() -> None:
    result = decode(list(NB418))
    assert result.events == [StaticReport(
        211457330, RX_S, 5, "A", "test-source", name="NB 418", imo=9418377, callsign="DMCM", ship_type=70,
        length_m=228.0, beam_m=32.0, draught_m=7.8, destination="AT SEATRAIL <> KIEL")]
    assert result.lines_used == 2 and result.balanced


def test_type5_imo_zero_is_none() -> None:
    static = only(decode(list(STARKAD)), StaticReport)
    assert (static.name, static.imo, static.callsign, static.ship_type) == ("PILOT STARKAD", None, "XPB9231", 50)


def test_type5_interleaved_with_other_messages_and_separated_by_channel() -> None:
    """Same sequence id 3 on channels A and B, fragments interleaved with a position report."""
    lines = [NB418[0], STARKAD[0], TYPE1, NB418[1], STARKAD[1]]
    result = decode(lines)
    names = [e.name for e in result.events if isinstance(e, StaticReport)]
    assert names == ["NB 418", "PILOT STARKAD"]
    assert len(result.events) == 3 and result.dead_letters == [] and result.lines_used == 5


def test_type19_gives_position_and_static() -> None:
    line = "!AIVDM,1,1,,A,C3mVBAP00@@Ncu9`5h?4NM00V:28T:2J000000000000B0`1Q120,0*5B"  # gfw mixed_types
    result = decode([line])
    assert result.events == [
        PositionReport(257528390, RX_S, 67.293445, 14.39999, 0.1, 314.3, 314, None, None, 19, "B", "test-source"),
        StaticReport(257528390, RX_S, 19, "B", "test-source", name="SEADREAM", ship_type=36, length_m=13.0, beam_m=4.0),
    ]
    assert result.lines_used == 1


@pytest.mark.parametrize(("line", "expected"), [
    ("!BSVDM,1,1,,A,H3@oHD@LUA@D000000000000000,2*49",
     StaticReport(219011153, RX_S, 24, "B", "test-source", name="GITTE")),
    ("!BSVDM,1,1,,A,H3@oHDDUB1I0000H@4pkon0h5220,0*37",
     StaticReport(219011153, RX_S, 24, "B", "test-source", callsign="XPD8376", ship_type=37, length_m=11.0, beam_m=4.0)),
    ("!BSVDM,1,1,,B,H3@oOMDU3?=1B00H@4qmln000000,0*1B",  # zero dimensions -> None
     StaticReport(219012981, RX_S, 24, "B", "test-source", callsign="XPD9546", ship_type=37)),
])
def test_type24_parts(line: str, expected: StaticReport) -> None:
    assert decode([line]).events == [expected]


# -- event time and source -----------------------------------------------------------------------

PGHP_LINE = "$PGHP,1,2013,3,18,9,19,9,499,219,,2190048,1,28*23"  # dma-aislib replay_dump
PGHP_SENTENCE = "!BSVDM,1,1,,B,14VliT002O0q2DBP:dAu7JRD0<0s,0*28"
PGHP_TIME_S = datetime(2013, 3, 18, 9, 19, 9, 499000, tzinfo=timezone.utc).timestamp()


@pytest.mark.parametrize(("lines", "received_at_s", "epoch_s"), [
    pytest.param([PGHP_LINE, tagged(PGHP_SENTENCE + ",1357134218", receiver_timestamp=1700000000)], 5.0, 1700000000.0, id="tag-wins"),
    pytest.param([tagged(PGHP_SENTENCE, receiver_timestamp=1700000000123)], None, 1700000000.123, id="tag-ms"),
    pytest.param([PGHP_LINE, PGHP_SENTENCE + ",1357134218"], 5.0, 1357134218.0, id="suffix-beats-pghp"),
    pytest.param([PGHP_LINE, PGHP_SENTENCE], 5.0, PGHP_TIME_S, id="pghp-beats-receive-time"),
    pytest.param([PGHP_SENTENCE], 5.0, 5.0, id="receive-time"),
    pytest.param([PGHP_LINE, "", PGHP_SENTENCE], None, PGHP_TIME_S, id="pghp-across-blank"),
])
def test_event_time_priority(lines: list[str], received_at_s: float | None, epoch_s: float) -> None:
    result = decode(lines, received_at_s)
    assert [e.epoch_s for e in result.events] == [pytest.approx(epoch_s)]


def test_pghp_dates_only_the_next_sentence() -> None:
    result = decode([PGHP_LINE, PGHP_SENTENCE, TYPE1], received_at_s=5.0)
    assert [e.epoch_s for e in result.events] == [pytest.approx(PGHP_TIME_S), 5.0]
    assert result.ignored_by_reason == {"pghp_timestamp": 1}


def test_replay_dump_times_come_from_pghp_lines() -> None:
    result = decode(read_lines(DATA / "dma-aislib" / "replay_dump.txt"), received_at_s=None)
    times = [e.epoch_s for e in result.events]
    assert len(times) == 48 and result.dead_letters == []
    assert min(times) == pytest.approx(PGHP_TIME_S)
    assert max(times) - min(times) < 30


@pytest.mark.parametrize(("line", "epoch_s"), [
    ("!AIVDM,1,1,,B,14pWHb?P03rwO<F:RQOnROw<25bd,0*3E,1357134218", 1357134218.0),  # dma small_cb_example
    ("!AIVDM,1,1,,B,14pWHb?P03rwO<F:RQOnROw<25bd,0*3E,1daasd4218,,1357134222", 1357134222.0),
    ("!AIVDM,1,1,,B,14pWHb?P03rwO<F:RQOnROw<25bd,0*3E,s19,d-104,T12.5,1357134218123", 1357134218.123),
])
def test_trailing_epoch_after_checksum(line: str, epoch_s: float) -> None:
    assert [e.epoch_s for e in decode([line], received_at_s=None).events] == [pytest.approx(epoch_s)]


def test_tag_block_time_and_source_from_real_groups() -> None:
    """gfw ee-multiline: `g:` groups, station in `s:`, time `c:` on the first fragment only."""
    result = decode(read_lines(DATA / "gfw-ais-tools" / "ee-multiline.nmea"), received_at_s=None)
    statics = [e for e in result.events if isinstance(e, StaticReport)]
    assert [(s.epoch_s, s.source, s.name) for s in statics] == [
        (1661782369.0, "66", "IMULA 1781 MTR"), (1661782458.0, "66", "MARAN FRIENDSHIP")]
    assert all(e.source == "66" for e in result.events) and result.dead_letters == []


def test_tag_block_milliseconds_and_source() -> None:
    """gfw sample.nmea: `c:` in milliseconds, `s:` a station name; type 24 of an auxiliary craft."""
    lines = read_lines(DATA / "gfw-ais-tools" / "sample.nmea")[1:]
    assert decode(lines, received_at_s=None).events == [
        StaticReport(985200250, 1599239587.658, 24, "B", "sdr-experiments", name="DAKUWAQA"),
        StaticReport(985200250, 1599239644.72, 24, "B", "sdr-experiments", callsign="H985200", ship_type=37)]


def test_tag_block_groups_keep_fragments_with_the_same_sequence_id_apart() -> None:
    """Two messages both on sequence id 3 / channel A, interleaved: only the g: group tells them apart."""
    lines = [
        tagged(NB418[0], group="1-2-101", receiver_timestamp=1700000000),
        tagged(PINTA[0], group="1-2-102", receiver_timestamp=1700000001),
        tagged(NB418[1], group="2-2-101"),
        tagged(PINTA[1], group="2-2-102"),
    ]
    result = decode(lines, received_at_s=None)
    assert [(e.name, e.epoch_s) for e in result.events] == [("NB 418", 1700000000.0), ("PINTA", 1700000001.0)]


def test_no_time_at_all_is_a_dead_letter() -> None:
    result = decode([GPSD_EXAMPLE], received_at_s=None)
    assert [d.reason for d in result.dead_letters] == ["no_timestamp"] and result.events == []


# -- multi-part buffer ---------------------------------------------------------------------------

def test_reused_sequence_id_dead_letters_the_unfinished_message() -> None:
    result = decode([NB418[0], PINTA[0], PINTA[1]])
    assert [e.name for e in result.events] == ["PINTA"]
    assert [(d.reason, d.raw) for d in result.dead_letters] == [("multipart_incomplete", NB418[0])]
    assert "reused" in result.dead_letters[0].detail and result.balanced


def test_full_buffer_evicts_the_oldest_message() -> None:
    d = decoder(multipart_buffer_size=2)
    first = d.decode([NB418[0], STARKAD[0]], RX_S)
    assert first.buffered_delta == 2 and d.buffered_lines == 2 and first.balanced
    second = d.decode(["!ABVDM,2,1,1,A,544i?LP28?iAD4lT001=0:10Thu@00000000000j3`N6640009Dm;D1E0000,0*63"], RX_S)
    assert [(x.reason, x.raw) for x in second.dead_letters] == [("multipart_incomplete", NB418[0])]
    assert "buffer full" in second.dead_letters[0].detail
    assert second.buffered_delta == 0 and second.lines_dead == 1 and second.balanced
    third = d.decode([STARKAD[1]], RX_S)  # the survivor still completes
    assert [e.name for e in third.events] == ["PILOT STARKAD"] and third.buffered_delta == -1 and third.balanced


@pytest.mark.parametrize(("second_at_s", "completes"), [(1059.0, True), (1061.0, False)])
def test_fragments_older_than_the_timeout_are_dead_lettered(second_at_s: float, completes: bool) -> None:
    d = decoder(multipart_timeout_s=60.0)
    first = d.decode([NB418[0]], received_at_s=1000.0)
    second = d.decode([NB418[1]], received_at_s=second_at_s)
    rest = d.flush()
    assert first.balanced and second.balanced and rest.balanced
    if completes:
        assert len(second.events) == 1 and second.dead_letters == [] and rest.dead_letters == []
    else:
        assert second.events == [] and [x.raw for x in second.dead_letters] == [NB418[0]]
        assert "within 60 s" in second.dead_letters[0].detail
        assert [x.raw for x in rest.dead_letters] == [NB418[1]]  # the orphan second half, at the end


def test_timeout_also_checked_at_the_end_of_a_chunk() -> None:
    d = decoder(multipart_timeout_s=60.0)
    d.decode([NB418[0]], received_at_s=1000.0)
    later = d.decode([TYPE1], received_at_s=1100.0)
    assert [x.reason for x in later.dead_letters] == ["multipart_incomplete"] and d.buffered_lines == 0
    assert later.buffered_delta == -1 and later.balanced


def test_flush_dead_letters_what_is_left() -> None:
    d = decoder()
    d.decode([NB418[0]], RX_S)
    rest = d.flush()
    assert [(x.reason, x.raw, x.epoch_s) for x in rest.dead_letters] == [("multipart_incomplete", NB418[0], RX_S)]
    assert rest.lines_in == 0 and rest.buffered_delta == -1 and rest.balanced and d.buffered_lines == 0


# -- malformed input -----------------------------------------------------------------------------

OUT_OF_RANGE_LAT = pyais.encode_dict({"type": 1, "mmsi": 211457330, "lat": 95.0, "lon": 10.0}, talker_id="AI")[0]


@pytest.mark.parametrize(("line", "reason", "detail"), [
    # gfw errors.nmea: a payload truncated without fixing the checksum
    ("\\s:rMT6214,t:marinetraffic,c:1699401684*4D\\!AIVDM,1,1,,A,33`d`fEP00PCaVFMFM?I@gvf2D=r,0*77", "bad_checksum", "computed 6D"),
    ("\\g:1-2-73874*A\\!AIVDM,1,1,,A,15MrVH0000KH<:V:NtBLoqFP2H9:,0*2F", "bad_checksum", "tag block"),  # pyais mixed.txt
    ("$PGHP,1,2009,5,9,0,0,0,10,338,2,,1,09*17", "bad_checksum", "$PGHP"),  # pyais timestamped.ais
    ("\\c:1354719388*56\\", "malformed_sentence", "without a sentence"),  # dma small_cb_example
    ("\\g:1-2-73874,n:157036,s:r003669945,c:12415440354*A\\!AIVDM,1,1,,B,15N4cJ005Jrek0H@9nDW5608EP,013", "malformed_sentence", "checksum"),
    ("\\1G2:0125,c:1354719387*0D\\!AIVDM,2,1,4,A,539LiHP2;42`@pE<000<tq@V1<TpL4000000001?1SV@@73R0J0TQCAD,0*", "malformed_sentence", "truncated"),
    ("\\c:1599239526500,s:sdr-experiments,T:2020-09-04 18.12.06*5D\\!AIVDM,1,1,,A,B>cSnNP00FVur7UaC7WQ3wS1jCJJ,0*73'", "malformed_sentence", "after the checksum"),
    (read_lines(DATA / "gfw-ais-tools" / "spire-test.nmea")[0], "malformed_sentence", "several sentences"),
    # pyais' README sentence, cut or corrupted by hand:
    ("!AIVDM,1,1,,A,15M67FC000G?ufbE`FepT@3n00Sa,0", "malformed_sentence", "checksum"),
    ("!AIVDM,3,4,,A,15M67FC000G?ufbE`FepT@3n00Sa,0*7F", "malformed_sentence", "fragment number"),
    ("!AIVDM,1,1,,A,15M67FC000G?ufbE`Fé,0*5C", "malformed_sentence", "ASCII"),
    # gfw type1-bad-bitcount: 31 characters, 186 bits, valid checksum
    ("\\s:rMT4097,t:ais-listener,c:1697012399*7E\\!AIVDM,1,1,,A,13UuUj0P00QgDCLEiGAcOOwl2<0Igw;,0*28", "decode_error", "186 bits"),
    (with_checksum("!AIVDM,1,1,,A,1{M67FC000G?ufbE`FepT@3n00Sa,0"), "decode_error", "6-bit alphabet"),
    ("$GPGGA,184353.07,1929.045,S,02410.506,E,1,04,2.6,100.00,M,-33.9,M,,0000*6D", "unknown_sentence", "$GPGGA"),
    ("$PFOO,INVALID", "unknown_sentence", "$PFOO"),
    ("!AIALR,120044,001,A,V,AIS: general failure*1A", "unknown_sentence", "!AIALR"),  # hand-written alarm
    ("53l3sj42A590=5Q2220UHE:04=@Ttr222222221@9HH>46ii0=D532Dp?`1D888888888888880", "unknown_sentence", "not an NMEA"),
    ("foobar", "unknown_sentence", "not an NMEA"),
    # dma stream_example: a real position report from MMSI 0
    ("!BSVDM,1,1,,A,1000005P?w<tSF0l4Q@>4?wv0UJp,0*5C", "out_of_range", "mmsi 0"),
    (OUT_OF_RANGE_LAT, "out_of_range", "lat 95.0"),  # encoded with pyais: no real feed sent us one
])
def test_every_malformed_line_gets_its_reason(line: str, reason: str, detail: str) -> None:
    result = decode([line])
    assert [(d.reason, d.raw, d.source) for d in result.dead_letters] == [(reason, line, "test-source")]
    assert detail in result.dead_letters[0].detail
    assert result.events == [] and result.lines_dead == 1 and result.balanced


@pytest.mark.parametrize(("line", "reason"), [
    ("", "blank"),
    ("   ", "blank"),
    ("# Sample file with comments and random text", "comment"),
    ("!AIVDM,1,1,,B,,0*25", "empty_payload"),
    ("!AIVDM,1,1,,A,402M??AvAPP000h0MJR07Ug02H0I,0*10", "ais_type_4"),
    ("!AIVDM,1,1,,B,8Nj<9D0000ttt0<D04@<tt<8`H0H@@l44L`<40<@tT`<4T0`=h0,2*47", "ais_type_8"),
    (PGHP_LINE, "pghp_timestamp"),
    ("!AIVDM,1,1,,A,13cc3o?P?w<tSF0l4Q@>4?wv0PRr,0*0F", "position_not_available"),
])
def test_valid_but_unused_lines_are_ignored_by_reason(line: str, reason: str) -> None:
    result = decode([line])
    assert result.ignored_by_reason == {reason: 1} and result.dead_letters == [] and result.events == []


def test_non_string_items_do_not_escape() -> None:
    result = decode([None, 42, GPSD_EXAMPLE])  # type: ignore[list-item]
    assert [d.reason for d in result.dead_letters] == ["decode_error", "decode_error"]
    assert len(result.events) == 1 and result.balanced


# -- accounting ----------------------------------------------------------------------------------

@pytest.mark.parametrize("chunk_lines", [1, 7, 1000])
@pytest.mark.parametrize("path", NMEA_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_line_of_every_sample_is_accounted_for(path: Path, chunk_lines: int) -> None:
    lines = read_lines(path)
    d = decoder()
    total = DecodeResult()
    for start in range(0, len(lines), chunk_lines):
        result = d.decode(lines[start:start + chunk_lines], RX_S)
        assert result.balanced, result
        assert d.buffered_lines == total.buffered_delta + result.buffered_delta
        total.extend(result)
    tail = d.flush()
    assert tail.balanced
    total.extend(tail)
    assert total.lines_in == len(lines)
    assert total.lines_in == total.lines_used + total.lines_ignored + total.lines_dead and total.buffered_delta == 0
    assert total.lines_dead == sum(x.raw.count("\n") + 1 for x in total.dead_letters)
    assert {x.reason for x in total.dead_letters} <= set(DEAD_LETTER_REASONS)


def test_stream_example_head_decodes_mostly_to_events() -> None:
    result = decode(read_lines(DATA / "dma-aislib" / "stream_example_head600.txt"), received_at_s=None)
    assert result.ignored_by_reason["pghp_timestamp"] > 250
    assert len(result.events) > 200
    assert all(1276256700 < e.epoch_s < 1276256800 for e in result.events)  # 2010-06-11 11:46 UTC
    assert {x.reason for x in result.dead_letters} <= {"out_of_range", "multipart_incomplete"}


# -- robustness ----------------------------------------------------------------------------------

REAL_LINES = [line for path in NMEA_FILES for line in read_lines(path) if line][:400]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(max_size=100), max_size=10))
def test_random_text_never_raises(lines: list[str]) -> None:
    assert decode(lines).balanced


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(REAL_LINES), st.integers(0, 200), st.characters(max_codepoint=0x7F)), max_size=12))
def test_corrupted_real_lines_never_raise(edits: list[tuple[str, int, str]]) -> None:
    lines = []
    for line, at, char in edits:
        at = at % (len(line) + 1)
        lines.append(line[:at] + char + line[at + 1:])
    d = decoder(multipart_buffer_size=3)
    result = d.decode(lines, RX_S)
    result.extend(d.flush())
    assert result.balanced and result.buffered_delta == 0


# -- architecture and helpers --------------------------------------------------------------------

def test_ingest_is_pure() -> None:
    forbidden = {"faust", "kafka", "aiokafka", "prometheus_client"}
    package = Path(__file__).resolve().parents[2] / "streams" / "ingest"
    for source in package.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not {n.split(".")[0] for n in names} & forbidden, source.name


def test_fast_position_constructor_builds_equal_frozen_objects() -> None:
    values = (477553000, 1.0, 47.5, -122.3, 0.0, None, 181, 5, None, 1, "A", "src")
    fast, slow = new_position(*values), PositionReport(*values)
    assert fast == slow and hash(fast) == hash(slow) and type(fast) is PositionReport
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.lat = 0.0  # type: ignore[misc]


def test_fast_constructor_falls_back_when_the_class_validates() -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class Checked:
        value: int

        def __post_init__(self) -> None:
            if self.value < 0:
                raise ValueError("negative")

    assert positional_constructor(Checked) is Checked
    assert positional_constructor(DeadLetter) is not DeadLetter
