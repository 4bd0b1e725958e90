"""The SQLite document store: owners, stable order across updates, atomic changes, deletes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from apiconform.sandbox._storage import Store


@pytest.fixture
def store() -> Iterator[Store]:
    opened = Store()
    yield opened
    opened.close()


class TestDocuments:
    """Reading back what was written."""

    def test_get_returns_what_was_put(self, store: Store) -> None:
        """A document comes back equal, and a missing one is None."""
        store.put("invoice", "a", {"amount": 1250.5, "lines": [{"no": 1}]}, owner="org-1")
        assert store.get("invoice", "a") == {"amount": 1250.5, "lines": [{"no": 1}]}
        assert store.get("invoice", "b") is None
        assert store.get("customer", "a") is None

    def test_owner_scopes_lists(self, store: Store) -> None:
        """documents() and ids() filter by owner, and owner() says whose a document is."""
        store.put_many("invoice", [("a", {"n": 1}), ("b", {"n": 2})], owner="org-1")
        store.put("invoice", "c", {"n": 3}, owner="org-2")
        assert store.ids("invoice", owner="org-1") == ["a", "b"]
        assert [doc["n"] for doc in store.documents("invoice", owner="org-2")] == [3]
        assert store.ids("invoice") == ["a", "b", "c"]
        assert store.owner("invoice", "c") == "org-2"
        assert store.owner("invoice", "z") is None

    def test_update_keeps_insertion_order(self, store: Store) -> None:
        """Writing a document again changes it in place; lists keep their order, so paging is stable."""
        store.put_many("invoice", [("a", {"n": 1}), ("b", {"n": 2}), ("c", {"n": 3})], owner="o")
        store.put("invoice", "a", {"n": 10}, owner="o")
        assert store.ids("invoice") == ["a", "b", "c"]
        assert store.get("invoice", "a") == {"n": 10}


class TestChanges:
    """modify() and delete()."""

    def test_modify_reads_changes_and_writes(self, store: Store) -> None:
        """modify() applies the change and returns the stored result; None for a missing document."""
        store.put("batch", "b1", {"status": "QUEUED", "polls": 0})
        changed = store.modify("batch", "b1", lambda doc: {**doc, "polls": doc["polls"] + 1})
        assert changed == {"status": "QUEUED", "polls": 1}
        assert store.get("batch", "b1") == changed
        assert store.modify("batch", "missing", lambda doc: doc) is None

    def test_delete_then_gone(self, store: Store) -> None:
        """delete() answers whether something was deleted; afterwards the document is gone."""
        store.put("customer", "30117/10001", {"name": "Ingrid Haugen"})
        assert store.delete("customer", "30117/10001") is True
        assert store.get("customer", "30117/10001") is None
        assert store.delete("customer", "30117/10001") is False

    def test_file_database_survives_reopening(self, tmp_path: Path) -> None:
        """With a file path the data is a real SQLite database that outlives the store."""
        path = str(tmp_path / "sandbox.sqlite")
        first = Store(path)
        first.put("customer", "c1", {"name": "Ola Bakken"}, owner="30117")
        first.close()
        second = Store(path)
        assert second.get("customer", "c1") == {"name": "Ola Bakken"}
        assert second.owner("customer", "c1") == "30117"
        second.close()
