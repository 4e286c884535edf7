"""The visit spool: where batches go when the database cannot take them.

A batch the database refuses (it is down, unreachable, out of space) is
written to a file of its own, fsynced, and only then are its redirects
sent — so a visit whose 302 went out is never lost. When the database
answers again the spooled batches are replayed oldest first; each carries
an id stored in the same transaction as its visits, so a batch replayed
twice (a crash between commit and delete) is counted once.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from tracking.core.attribution import VisitKind
from tracking.core.visits import Visit

log = logging.getLogger(__name__)


class SpoolFull(Exception):
    """The spool reached its size limit; new visits are refused (503) rather than risked."""


def _encode(visit: Visit) -> dict[str, object]:
    data = asdict(visit)
    data["at"] = visit.at.isoformat()
    data["kind"] = visit.kind.value
    return data


def _decode(data: dict[str, object]) -> Visit:
    values = dict(data)
    values["at"] = datetime.fromisoformat(str(values["at"]))
    values["kind"] = VisitKind(str(values["kind"]))
    return Visit(**values)  # type: ignore[arg-type]


class VisitSpool:
    """Append-only batch files in one directory, bounded in bytes."""

    def __init__(self, directory: Path, *, max_bytes: int, name: str = "worker-0") -> None:
        self._dir = directory / name
        self._max_bytes = max_bytes
        self._dir.mkdir(parents=True, exist_ok=True)
        files = self._files()
        self._sequence = max((self._number(p) for p in files), default=0)
        self._lock = threading.Lock()  # appends and removals come from worker threads
        self._bytes = sum(p.stat().st_size for p in files)

    @staticmethod
    def _number(path: Path) -> int:
        return int(path.name.split("-", 1)[0])

    def _files(self) -> list[Path]:
        return sorted(self._dir.glob("*.batch"), key=self._number)

    def size(self) -> int:
        """Bytes spooled now."""
        return self._bytes

    def pending(self) -> list[Path]:
        """Spooled batch files, oldest first."""
        return self._files()

    def append(self, visits: Sequence[Visit], batch_id: str) -> Path:
        """Write one batch durably (file and directory fsynced) and return its file."""
        body = json.dumps({"id": batch_id, "visits": [_encode(v) for v in visits]}).encode()
        with self._lock:
            if self._bytes + len(body) > self._max_bytes:
                raise SpoolFull(f"the visit spool in {self._dir} is full ({self._max_bytes} bytes)")
            self._bytes += len(body)
            self._sequence += 1
            final = self._dir / f"{self._sequence:012d}-{os.getpid()}.batch"
        temporary = final.with_suffix(".tmp")
        with temporary.open("wb") as out:
            out.write(body)
            out.flush()
            os.fsync(out.fileno())
        temporary.rename(final)
        directory = os.open(self._dir, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        return final

    @staticmethod
    def load(path: Path) -> tuple[str, list[Visit]]:
        """A spooled batch: its id and its visits."""
        data = json.loads(path.read_bytes())
        return str(data["id"]), [_decode(v) for v in data["visits"]]

    def remove(self, path: Path) -> None:
        """Forget a batch once the database holds it."""
        size = path.stat().st_size
        path.unlink()
        with self._lock:
            self._bytes -= size
