"""SQLite storage for the sandbox: one table of JSON documents, so every vendor's resources fit one store.

Each document has a kind (`amili/collection/invoice`), an id, an owner (the organisation or client it
belongs to, so scoping is a query, not a filter in Python) and keeps its insertion order across updates,
so lists and paging are stable.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["Store"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS resources (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    owner TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    UNIQUE (kind, id)
)
"""
UPSERT = """
INSERT INTO resources (kind, id, owner, body) VALUES (?, ?, ?, ?)
ON CONFLICT (kind, id) DO UPDATE SET owner = excluded.owner, body = excluded.body
"""

Document = dict[str, Any]


class Store:
    """A real database behind the sandbox, not a dict, so what a client writes survives like it would."""

    def __init__(self, path: str = ":memory:") -> None:
        # One connection shared by the server's threads; the lock serialises them as SQLite would anyway.
        self._connection = sqlite3.connect(path, check_same_thread=False)
        self._lock = threading.RLock()
        with self._lock, self._connection:
            self._connection.execute(SCHEMA)

    def put(self, kind: str, resource_id: str, body: Document, *, owner: str = "") -> None:
        with self._lock, self._connection:
            self._connection.execute(UPSERT, (kind, resource_id, owner, json.dumps(body)))

    def put_many(self, kind: str, items: Iterable[tuple[str, Document]], *, owner: str = "") -> None:
        with self._lock, self._connection:
            self._connection.executemany(
                UPSERT, [(kind, resource_id, owner, json.dumps(body)) for resource_id, body in items]
            )

    def get(self, kind: str, resource_id: str) -> Document | None:
        with self._lock:
            row = self._connection.execute(
                "SELECT body FROM resources WHERE kind = ? AND id = ?", (kind, resource_id)
            ).fetchone()
        return None if row is None else _load(row[0])

    def owner(self, kind: str, resource_id: str) -> str | None:
        """Whom a resource belongs to; None when it does not exist."""
        with self._lock:
            row = self._connection.execute(
                "SELECT owner FROM resources WHERE kind = ? AND id = ?", (kind, resource_id)
            ).fetchone()
        return None if row is None else str(row[0])

    def documents(self, kind: str, *, owner: str | None = None) -> list[Document]:
        """Every document of a kind (of one owner), in the order it was first stored."""
        return [_load(value) for value in self._column("body", kind, owner)]

    def ids(self, kind: str, *, owner: str | None = None) -> list[str]:
        return [str(value) for value in self._column("id", kind, owner)]

    def _column(self, column: str, kind: str, owner: str | None) -> list[Any]:
        query = f"SELECT {column} FROM resources WHERE kind = ?"  # noqa: S608 - column is one of two literals
        args: tuple[str, ...] = (kind,)
        if owner is not None:
            query += " AND owner = ?"
            args = (kind, owner)
        with self._lock:
            rows = self._connection.execute(query + " ORDER BY seq", args).fetchall()
        return [row[0] for row in rows]

    def modify(self, kind: str, resource_id: str, change: Callable[[Document], Document]) -> Document | None:
        """Read, change and write one document atomically; None when it does not exist."""
        with self._lock, self._connection:
            row = self._connection.execute(
                "SELECT body FROM resources WHERE kind = ? AND id = ?", (kind, resource_id)
            ).fetchone()
            if row is None:
                return None
            changed = change(_load(row[0]))
            self._connection.execute(
                "UPDATE resources SET body = ? WHERE kind = ? AND id = ?", (json.dumps(changed), kind, resource_id)
            )
        return changed

    def delete(self, kind: str, resource_id: str) -> bool:
        with self._lock, self._connection:
            cursor = self._connection.execute("DELETE FROM resources WHERE kind = ? AND id = ?", (kind, resource_id))
        return cursor.rowcount > 0

    def close(self) -> None:
        with self._lock:
            self._connection.close()


def _load(text: str) -> Document:
    body: Document = json.loads(text)
    return body
