"""A run against the generic sandbox is clean for constructs vendors' documents use and a naive tool trips on.

The sandbox conforms by construction, so any failure here is a false finding: the sandbox refusing a
request the document allows, or a check or scenario demanding what the document leaves no room for.
Each row is one tiny document with one construct, run as a user runs it (`apiconform run --spec`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

import pytest

from apiconform.core.vocabulary import ExitCode
from tests.fixtures.cli import load_report, run_cli


def _ok(schema: dict[str, Any]) -> dict[str, Any]:
    return {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}


def _path(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _document(paths: dict[str, Any]) -> dict[str, Any]:
    return {"openapi": "3.0.3", "info": {"title": "Construct", "version": "1"}, "paths": paths}


RECORD: Final = {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}
CALL_SID: Final = {"type": "string", "pattern": "^CA[0-9a-f]{32}$"}
DOCUMENTS: Final = {
    # The unknown-id scenario's stand-in does not match the pattern: the refusal's status is no DOC matter.
    "patterned-id-only-200": _document(
        {"/calls/{CallSid}": {"get": {"parameters": [_path("CallSid", CALL_SID)], "responses": _ok(RECORD)}}}
    ),
    # A numeric id gets a numeric stand-in, which the sandbox serves as documented.
    "number-id-only-200": _document(
        {"/users/{userId}": {"get": {"parameters": [_path("userId", {"type": "number"})], "responses": _ok(RECORD)}}}
    ),
    # Text ids answered by records with numeric ids: no record can carry the text, so identity does not judge.
    "text-id-numeric-record": _document(
        {"/notes/{noteId}": {"get": {"parameters": [_path("noteId", {"type": "string"})], "responses": _ok(RECORD)}}}
    ),
    # A write on a known id followed by an action: the action (an enum) is kept, only the id is replaced.
    "enum-action-on-an-id": _document(
        {
            "/issues/{issueId}": {
                "get": {"parameters": [_path("issueId", {"type": "integer"})], "responses": _ok(RECORD)}
            },
            "/issues/{issueId}/{status}": {
                "post": {
                    "parameters": [
                        _path("issueId", {"type": "integer"}),
                        _path("status", {"type": "string", "enum": ["open", "resolved"]}),
                    ],
                    "responses": _ok(RECORD),
                }
            },
        }
    ),
    # Two templates of one shape, told apart by the value and the method (Xero's attachments).
    "look-alike-templates": _document(
        {
            "/files/{fileId}": {
                "get": {"parameters": [_path("fileId", {"type": "string", "format": "uuid"})], "responses": _ok(RECORD)}
            },
            "/files/{fileName}": {
                "get": {"parameters": [_path("fileName", {"type": "string"})], "responses": _ok(RECORD)},
                "put": {
                    "parameters": [_path("fileName", {"type": "string"})],
                    "requestBody": {
                        "required": True,
                        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
                    },
                    "responses": _ok(RECORD),
                },
            },
        }
    ),
    # A readOnly property listed as required, and the same body offered as XML and as a form.
    "read-only-required-xml-form": _document(
        {
            "/widgets": {
                "post": {
                    "requestBody": {
                        "required": True,
                        "content": {
                            media: {
                                "schema": {
                                    "type": "object",
                                    "required": ["id", "size", "active"],
                                    "properties": {
                                        "id": {"type": "integer", "readOnly": True},
                                        "size": {"type": "integer"},
                                        "active": {"type": "boolean"},
                                    },
                                }
                            }
                            for media in ("application/json", "application/xml", "application/x-www-form-urlencoded")
                        },
                    },
                    "responses": _ok(RECORD),
                }
            }
        }
    ),
}


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_run_against_the_generic_sandbox_is_clean(name: str, tmp_path: Path) -> None:
    document = tmp_path / f"{name}.json"
    document.write_text(json.dumps(DOCUMENTS[name]), encoding="utf-8")
    done = run_cli(
        "run", "--spec", str(document), "--max-examples", "3", "--phases", "examples,fuzzing,stateful",
        "--no-history", tmp_path=tmp_path,
    )  # fmt: skip
    report = load_report(tmp_path / "reports")
    failures = [
        f"{finding['operation']} {finding['source']}: {finding['title']} ({finding['message']})"
        for finding in report["findings"]
        if finding["severity"] == "failure"
    ]
    assert not failures, failures
    assert done.returncode == ExitCode.CONFORMANT, done.stdout[-2000:] + done.stderr[-2000:]
