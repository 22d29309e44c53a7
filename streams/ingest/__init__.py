"""AIS ingest: raw feed lines (NMEA 0183 or decoded CSV archives) -> typed events, pure.

No Kafka, Faust or Prometheus here: the producer and the worker call `AisDecoder.decode()` with
chunks of lines and publish what it returns.
"""

from streams.ingest.decoder import AisDecoder, detect_format
from streams.ingest.result import DEAD_LETTER_REASONS, DecodeResult

__all__ = ["AisDecoder", "DEAD_LETTER_REASONS", "DecodeResult", "detect_format"]
