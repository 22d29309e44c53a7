"""The pure core imports no broker, stream-processing or metrics library (ports and adapters).

Checked on the source with `ast`, so imports inside functions and under `if TYPE_CHECKING`
count too, and nothing is imported to check it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

STREAMS = Path(__file__).resolve().parents[2] / "streams"
PURE = ("domain", "detectors", "core.py", "processing.py", "ingest", "launch", "watchlist")
"""Packages and modules that must stay pure; a listed one that does not exist yet is skipped."""
FORBIDDEN = {"faust", "aiokafka", "kafka", "prometheus_client", "quixstreams", "mode"}


def pure_modules() -> list[Path]:
    found: list[Path] = []
    for name in PURE:
        path = STREAMS / name
        if path.is_dir():
            found.extend(sorted(path.rglob("*.py")))
        elif path.is_file():
            found.append(path)
    return found


def forbidden_imports(source: str, filename: str = "<source>") -> list[str]:
    """`line: module` for every import of a forbidden top-level package."""
    hits: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        else:
            continue
        hits.extend((node.lineno, m) for m in modules if m.split(".")[0] in FORBIDDEN)
    return [f"{line}: {module}" for line, module in sorted(hits)]


def test_the_pure_packages_are_found() -> None:
    names = {p.relative_to(STREAMS).as_posix() for p in pure_modules()}
    assert {"core.py", "detectors/ais_gap.py", "domain/alerts.py", "domain/reference.py"} <= names


@pytest.mark.parametrize("path", pure_modules(), ids=lambda p: p.relative_to(STREAMS).as_posix())
def test_pure_module_imports_no_io_library(path: Path) -> None:
    assert forbidden_imports(path.read_text(encoding="utf-8"), str(path)) == []


def test_the_check_sees_every_import_form() -> None:
    source = """
import os, faust
import kafka.errors
from aiokafka import AIOKafkaProducer
from mode.utils import cached_property
import prometheus_client as prom

def later():
    from quixstreams import Application

if False:
    import faust_streaming_extras  # only a name that starts alike: allowed
from . import mode  # relative: our own module, allowed
from modelling import fit  # allowed
"""
    assert forbidden_imports(source) == [
        "2: faust", "3: kafka.errors", "4: aiokafka", "5: mode.utils", "6: prometheus_client", "9: quixstreams",
    ]
