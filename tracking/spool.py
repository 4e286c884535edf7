"""The visit spool: where batches go when the database cannot take them.

A batch the database refuses (it is down, unreachable, out of space) is
written to a file of its own, fsynced, and only then are its redirects
sent — so a visit whose 302 went out is never lost. When the database
answers again the spooled batches are replayed oldest first; each carries
an id stored in the same transaction as its visits, so a batch replayed
twice (a crash between commit and delete) is counted once.

Spooled visits hold user agents and /24 prefixes like the database does:
the folder is created 0700 and every file 0600.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tracking.core.visits import Visit, visit_as_dict, visit_from_dict

log = logging.getLogger(__name__)

#: What a batch file is called once the replayer has given up reading it (kept for a person to look at).
SET_ASIDE_SUFFIX = ".unreadable"


class SpoolFull(Exception):
    """The spool reached its size limit; new visits are refused (503) rather than risked."""


@dataclass(frozen=True, slots=True)
class SpoolState:
    """What /healthz says about the spool: how much waits, since when, and the room left."""

    batches: int
    visits: int
    bytes: int
    oldest: datetime | None
    room_bytes: int


@dataclass(frozen=True, slots=True)
class _Entry:
    size: int
    visits: int
    written: float


class VisitSpool:
    """Append-only batch files in one directory, bounded in bytes."""

    def __init__(self, directory: Path, *, max_bytes: int, name: str = "worker-0") -> None:
        self._dir = directory / name
        self._max_bytes = max_bytes
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._dir.mkdir(mode=0o700, exist_ok=True)
        files = self._files()
        self._sequence = max((self._number(p) for p in files), default=0)
        self._lock = threading.Lock()  # appends and removals come from worker threads
        self._entries = {path: self._entry(path) for path in files}
        self._bytes = sum(entry.size for entry in self._entries.values())

    @staticmethod
    def _number(path: Path) -> int:
        return int(path.name.split("-", 1)[0])

    @classmethod
    def _entry(cls, path: Path) -> _Entry:
        """A file found at start: its visits are counted from its name (`SEQ-PID-VISITS.batch`)."""
        stat = path.stat()
        parts = path.stem.split("-")
        visits = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else 0
        return _Entry(stat.st_size, visits, stat.st_mtime)

    def _files(self) -> list[Path]:
        return sorted(self._dir.glob("*.batch"), key=self._number)

    def size(self) -> int:
        """Bytes spooled now."""
        return self._bytes

    def state(self) -> SpoolState:
        """Batches, visits and bytes waiting, the time the oldest was spooled, and the room left."""
        with self._lock:
            entries = list(self._entries.values())
        oldest = min((entry.written for entry in entries), default=None)
        return SpoolState(
            batches=len(entries),
            visits=sum(entry.visits for entry in entries),
            bytes=self._bytes,
            oldest=datetime.fromtimestamp(oldest, UTC) if oldest is not None else None,
            room_bytes=max(0, self._max_bytes - self._bytes),
        )

    def pending(self) -> list[Path]:
        """Spooled batch files, oldest first."""
        return self._files()

    def append(self, visits: Sequence[Visit], batch_id: str) -> Path:
        """Write one batch durably (file and directory fsynced) and return its file."""
        # ASCII JSON: a text the database would refuse (a lone surrogate) still spools, then is quarantined.
        body = json.dumps({"id": batch_id, "visits": [visit_as_dict(v) for v in visits]}).encode()
        with self._lock:
            if self._bytes + len(body) > self._max_bytes:
                raise SpoolFull(f"the visit spool in {self._dir} is full ({self._max_bytes} bytes)")
            self._bytes += len(body)
            self._sequence += 1
            final = self._dir / f"{self._sequence:012d}-{os.getpid()}-{len(visits)}.batch"
        temporary = final.with_suffix(".tmp")
        try:
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as out:
                out.write(body)
                out.flush()
                os.fsync(out.fileno())
            with self._lock:  # counted before it is visible: the replayer may take it at once
                self._entries[final] = _Entry(len(body), len(visits), time.time())
            temporary.rename(final)
        except OSError:
            with self._lock:
                self._bytes -= len(body)
                self._entries.pop(final, None)
            raise
        directory = os.open(self._dir, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        return final

    @staticmethod
    def load(path: Path) -> tuple[str, list[Visit]]:
        """A spooled batch: its id and its visits (ValueError, TypeError or KeyError when unreadable)."""
        data = json.loads(path.read_bytes())
        return str(data["id"]), [visit_from_dict(v) for v in data["visits"]]

    def remove(self, path: Path) -> None:
        """Forget a batch once the database holds it."""
        size = path.stat().st_size
        path.unlink()
        with self._lock:
            self._bytes -= size
            self._entries.pop(path, None)

    def set_aside(self, path: Path) -> Path:
        """Rename a batch that cannot be read out of the replay's way; it stays on disk, outside the count."""
        size = path.stat().st_size
        kept = path.with_suffix(SET_ASIDE_SUFFIX)
        path.rename(kept)
        with self._lock:
            self._bytes -= size
            self._entries.pop(path, None)
        return kept
