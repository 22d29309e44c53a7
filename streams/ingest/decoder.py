"""`AisDecoder`: one source's lines, in successive chunks, -> events + dead letters + accounting.

    decoder = AisDecoder(settings.ingest, source="dma-stream", ais_format="auto")
    for chunk in chunks:                      # e.g. 1,000 lines at a time
        result = decoder.decode(chunk, received_at_s=record_time_s, header=record_header)
        ...result.events, result.dead_letters, result.ignored_by_reason...
    tail = decoder.flush()                    # incomplete multi-part messages -> dead letters

Pure: no I/O, no clock; the caller passes the receive time. `decode()` never raises: any input
ends as an event, an ignore count or a dead letter (see `streams.ingest.result` for the
accounting invariant and the reason vocabulary).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from streams.config import IngestConfig
from streams.domain.events import DeadLetter
from streams.ingest.csv_formats import CsvDecoder
from streams.ingest.nmea import NmeaDecoder
from streams.ingest.result import BLANK, COMMENT, DECODE_ERROR, UNKNOWN_FORMAT, DecodeResult
from streams.wire import AIS_FORMATS

AUTO = "auto"


def detect_format(first_line: str) -> str:
    """"nmea", "marinecadastre" or "dma" from the first line of a feed (or a CSV header).

    >>> detect_format("\\\\c:1700000000*00\\\\!AIVDM,1,1,,A,15M67FC000G?ufbE`FepT@3n00Sa,0*5C")
    'nmea'
    >>> detect_format("MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO")
    'marinecadastre'
    """
    line = first_line.strip().lstrip("\ufeff")
    if line[:1] in ("!", "\\", "$"):
        return "nmea"
    if line.startswith("MMSI,BaseDateTime"):
        return "marinecadastre"
    if line.startswith(("# Timestamp", "#Timestamp", "Timestamp,Type of mobile")):
        return "dma"
    raise ValueError(
        f"unknown AIS format for line {line[:60]!r}: expected NMEA (starting with '!', '\\' or '$'), "
        "a MarineCadastre header ('MMSI,BaseDateTime,...') or a DMA header ('# Timestamp,Type of mobile,...')"
    )


class AisDecoder:
    """Stateful per source (multi-part buffer, CSV header, last statics): one per source."""

    def __init__(self, config: IngestConfig, source: str, ais_format: str = AUTO) -> None:
        if ais_format != AUTO and ais_format not in AIS_FORMATS:
            raise ValueError(f"ais_format must be 'auto' or one of {', '.join(AIS_FORMATS)}, not {ais_format!r}")
        self.config = config
        self.source = source
        self._impl: NmeaDecoder | CsvDecoder | None = None
        if ais_format != AUTO:
            self._start(ais_format)

    @property
    def ais_format(self) -> str | None:
        """The format in use; None while "auto" has not yet seen a recognisable line."""
        if self._impl is None:
            return None
        return "nmea" if isinstance(self._impl, NmeaDecoder) else self._impl.ais_format

    @property
    def header(self) -> str | None:
        """The CSV header line once seen (in the lines or via `header=`); None for NMEA."""
        return None if self._impl is None else self._impl.header

    @property
    def buffered_lines(self) -> int:
        """Multi-part fragments held, waiting for the rest of their message."""
        return 0 if self._impl is None else self._impl.buffered_lines

    def decode(self, lines: Iterable[str], received_at_s: float | None = None, header: str | None = None) -> DecodeResult:
        """Decode the next chunk of lines. `received_at_s` is the event time of last resort (NMEA
        without tag block, trailing epoch or $PGHP) and the clock of the multi-part timeout;
        `header` is the CSV header when the chunk does not start with it."""
        if self._impl is not None:
            return self._impl.decode(lines, received_at_s, header)
        return self._decode_detecting(lines, received_at_s, header)

    def flush(self) -> DecodeResult:
        """End of input: incomplete multi-part messages become `multipart_incomplete` dead letters."""
        return DecodeResult() if self._impl is None else self._impl.flush()

    def _start(self, ais_format: str) -> None:
        if ais_format == "nmea":
            self._impl = NmeaDecoder(self.config, self.source)
        else:
            self._impl = CsvDecoder(self.source, ais_format)

    def _decode_detecting(self, lines: Iterable[str], received_at_s: float | None, header: str | None) -> DecodeResult:
        out = DecodeResult()
        if header is not None:
            try:
                self._start(detect_format(header))
            except ValueError:
                pass
        rest: Iterable[str] | None = None
        if self._impl is None:
            remaining = iter(lines)
            for line in remaining:
                try:
                    fmt = detect_format(line)
                except ValueError as error:
                    out.lines_in += 1
                    text = line.strip()
                    if not text:
                        out.ignore(BLANK)
                    elif text[0] == "#":
                        out.ignore(COMMENT)
                    else:
                        out.dead(DeadLetter(UNKNOWN_FORMAT, text, self.source, str(error)))
                    continue
                except Exception as error:  # noqa: BLE001 -- e.g. a non-str line
                    out.lines_in += 1
                    out.dead(DeadLetter(DECODE_ERROR, str(line), self.source, f"unexpected {type(error).__name__}: {error}"))
                    continue
                self._start(fmt)
                rest = itertools.chain((line,), remaining)
                break
        else:
            rest = lines
        if self._impl is not None and rest is not None:
            out.extend(self._impl.decode(rest, received_at_s, header))
        return out
