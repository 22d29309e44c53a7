"""Baseline A: a minimal Faust app whose agent does nothing per record.

    python -m bench.noop_faust --broker HOST:PORT --topic T --app-id ID --expect N --out FILE --data-dir DIR

It measures what Faust itself costs per record on this machine: the agent iterates the stream
(`async for _ in stream`), counting records, and writes `{"count", "first_s", "last_s", "rate"}` to
`--out` when the `--expect`-th record arrives (times are `time.perf_counter()` of the first and
last record). The benchmark then stops it. Same Faust settings as the worker where they matter:
raw serializers, memory store, earliest offsets.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path


def build_app(args: argparse.Namespace):
    import faust

    app = faust.App(
        args.app_id,
        broker=f"kafka://{args.broker}",
        store="memory://",
        datadir=str(args.data_dir),
        consumer_auto_offset_reset="earliest",
        key_serializer="raw",
        value_serializer="raw",
        web_enabled=False,
        topic_allow_declare=False,
    )
    topic = app.topic(args.topic, key_serializer="raw", value_serializer="raw")
    expect = args.expect
    out: Path = args.out

    @app.agent(topic)
    async def noop(stream) -> None:
        count = 0
        first_s = 0.0
        async for _ in stream:
            count += 1
            if count == 1:
                first_s = time.perf_counter()
            elif count == expect:
                last_s = time.perf_counter()
                rate = (count - 1) / (last_s - first_s) if last_s > first_s else 0.0
                tmp = out.with_suffix(".tmp")
                tmp.write_text(json.dumps({"count": count, "first_s": first_s, "last_s": last_s, "rate": rate}))
                os.replace(tmp, out)

    return app


def main(argv: list[str] | None = None) -> int:
    import faust

    parser = argparse.ArgumentParser(prog="python -m bench.noop_faust")
    parser.add_argument("--broker", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--app-id", required=True)
    parser.add_argument("--expect", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--data-dir", type=Path, required=True)
    args = parser.parse_args(argv)
    app = build_app(args)
    faust.Worker(app, loglevel="WARNING", quiet=True).execute_from_commandline()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
