"""SQLite storage for the sandbox: one table of JSON documents, so every vendor's resources fit one store."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable
from typing import Any

__all__ = ["Store"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS resources (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    owner TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    PRIMARY KEY (kind, id)
)
"""


class Store:
    """A real database behind the sandbox, not a dict, so what a client writes survives like it would."""

    def __init__(self, path: str = ":memory:") -> None:
        # One connection shared by the server's threads; the lock serialises them as SQLite would anyway.
        self._connection = sqlite3.connect(path, check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock, self._connection:
            self._connection.execute(SCHEMA)

    def put(self, kind: str, resource_id: str, body: dict[str, Any], *, owner: str = "") -> None:
        with self._lock, self._connection:
            self._connection.execute(
                "INSERT OR REPLACE INTO resources (kind, id, owner, body) VALUES (?, ?, ?, ?)",
                (kind, resource_id, owner, json.dumps(body)),
            )

    def put_many(self, kind: str, items: Iterable[tuple[str, dict[str, Any]]]) -> None:
        with self._lock, self._connection:
            self._connection.executemany(
                "INSERT OR REPLACE INTO resources (kind, id, owner, body) VALUES (?, ?, '', ?)",
                [(kind, resource_id, json.dumps(body)) for resource_id, body in items],
            )

    def get(self, kind: str, resource_id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._connection.execute(
                "SELECT body FROM resources WHERE kind = ? AND id = ?", (kind, resource_id)
            ).fetchone()
        if row is None:
            return None
        body: dict[str, Any] = json.loads(row[0])
        return body

    def ids(self, kind: str) -> list[str]:
        with self._lock:
            rows = self._connection.execute("SELECT id FROM resources WHERE kind = ? ORDER BY id", (kind,)).fetchall()
        return [row[0] for row in rows]

    def close(self) -> None:
        with self._lock:
            self._connection.close()
