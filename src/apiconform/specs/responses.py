"""Which documented response schema judges a given status: one lookup shared by checks and observers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from apiconform.core.vocabulary import Evidence
from apiconform.specs.evidence import evidence_of, resolve_ref

__all__ = ["ResponseContract", "is_json", "json_pointer_escape", "response_contract"]


@dataclass(frozen=True, slots=True)
class ResponseContract:
    """The JSON body schema documented for one operation and status, with where it sits in the document."""

    pointer: str
    schema: dict[str, Any]
    evidence: Evidence
    doc: str


def response_contract(document: Mapping[str, Any], path: str, method: str, status: int) -> ResponseContract | None:
    """None when the status or a JSON body is undocumented: that is the status and content-type checks' business."""
    operation = document.get("paths", {}).get(path, {}).get(method.lower())
    if not isinstance(operation, dict):
        return None
    responses = operation.get("responses", {})
    key = next((key for key in (str(status), f"{str(status)[0]}XX", "default") if key in responses), None)
    if key is None:
        return None
    response = resolve_ref(document, responses[key])
    content = response.get("content", {})
    media = next((media for media in content if is_json(media)), None)
    if media is None or "schema" not in content[media]:
        return None
    evidence = Evidence.weakest(evidence_of(operation), evidence_of(response, default=evidence_of(operation)))
    doc = str(response.get("x-doc", operation.get("x-doc", "")))
    pointer = "/" + "/".join(json_pointer_escape(part) for part in ("paths", path, method.lower(), "responses", key))
    pointer += "/content/" + json_pointer_escape(media) + "/schema"
    return ResponseContract(pointer=pointer, schema=content[media]["schema"], evidence=evidence, doc=doc)


def is_json(media_type: str) -> bool:
    essence = media_type.split(";", maxsplit=1)[0].strip().lower()
    return essence == "application/json" or essence.endswith("+json")


def json_pointer_escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")
