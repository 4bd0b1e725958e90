"""Overlay 1.0 documents applied to a spec before validation: merge, append, remove, order, and refusals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

import pytest
import yaml

from apiconform.core.errors import OverlayError, SpecError
from apiconform.core.results import OverlayInfo
from apiconform.specs.document import load_spec
from apiconform.specs.overlay import read_overlay

SPEC: Final = {
    "openapi": "3.1.0",
    "info": {"title": "users", "version": "1"},
    "paths": {
        "/users/{id}": {
            "get": {
                "operationId": "getUser",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "dummy", "in": "query", "schema": {"type": "string"}},
                    {"name": "debug", "in": "query", "schema": {"type": "boolean"}},
                ],
                "responses": {"200": {"description": "ok"}},
            }
        }
    },
    "components": {
        "schemas": {
            "User": {
                "type": "object",
                "required": ["id"],
                "properties": {"id": {"type": "string"}, "bio": {"type": "string"}, "age": {"type": "integer"}},
            }
        }
    },
}
USER: Final = "$.components.schemas.User"


def _overlay(tmp_path: Path, actions: list[dict[str, Any]], name: str = "fix.yaml", **top: Any) -> Path:
    path = tmp_path / name
    document = {"overlay": "1.0.0", "info": {"title": "fix", "version": "1"}, **top, "actions": actions}
    path.write_text(json.dumps(document) if name.endswith(".json") else yaml.safe_dump(document), encoding="utf-8")
    return path


def _load(tmp_path: Path, *overlays: Path) -> tuple[dict[str, Any], tuple[OverlayInfo, ...]]:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(yaml.safe_dump(SPEC), encoding="utf-8")
    document = load_spec(spec, overlays=[read_overlay(path) for path in overlays])
    return document.raw, document.overlays


def _user(raw: dict[str, Any]) -> dict[str, Any]:
    user: dict[str, Any] = raw["components"]["schemas"]["User"]
    return user


def _parameter_names(raw: dict[str, Any]) -> list[str]:
    return [parameter["name"] for parameter in raw["paths"]["/users/{id}"]["get"]["parameters"]]


APPLIED: Final = [
    pytest.param(
        [{"target": f"{USER}.properties.bio", "update": {"type": ["string", "null"]}}],
        lambda raw: _user(raw)["properties"]["bio"],
        {"type": ["string", "null"]},
        id="update-replaces-a-primitive-property",
    ),
    pytest.param(
        [{"target": USER, "update": {"properties": {"bio": {"maxLength": 9}}, "x-note": "n"}}],
        lambda raw: (_user(raw)["properties"]["bio"], _user(raw)["properties"]["id"], _user(raw)["x-note"]),
        ({"type": "string", "maxLength": 9}, {"type": "string"}, "n"),
        id="update-merges-objects-recursively",
    ),
    pytest.param(
        [{"target": USER, "update": {"required": ["bio"]}}],
        lambda raw: _user(raw)["required"],
        ["id", "bio"],
        id="update-concatenates-nested-arrays",
    ),
    pytest.param(
        [{"target": f"{USER}.required", "update": "age"}],
        lambda raw: _user(raw)["required"],
        ["id", "age"],
        id="update-on-an-array-appends-one-entry",
    ),
    pytest.param(
        [{"target": f"{USER}.properties.*", "update": {"x-seen": True}}],
        lambda raw: sorted(name for name, schema in _user(raw)["properties"].items() if schema.get("x-seen")),
        ["age", "bio", "id"],
        id="wildcard-updates-every-node",
    ),
    pytest.param(
        [{"target": f"{USER}.properties.bio", "remove": True}],
        lambda raw: sorted(_user(raw)["properties"]),
        ["age", "id"],
        id="remove-from-an-object",
    ),
    pytest.param(
        [{"target": "$.paths.*.get.parameters[?@.in == 'query']", "remove": True}],
        _parameter_names,
        ["id"],
        id="remove-several-items-of-one-array",
    ),
    pytest.param(
        [
            {"target": f"{USER}.properties.bio", "remove": True},
            {"target": f"{USER}.properties", "update": {"bio": {"type": "null"}}},
        ],
        lambda raw: _user(raw)["properties"]["bio"],
        {"type": "null"},
        id="actions-apply-in-order",
    ),
    pytest.param(
        [{"target": "$..bio", "update": {"nullable": True}, "remove": True}],
        lambda raw: "bio" in _user(raw)["properties"],
        False,
        id="remove-wins-over-update",
    ),
]


@pytest.mark.parametrize(("actions", "read", "expected"), APPLIED)
def test_applies(tmp_path: Path, actions: list[dict[str, Any]], read: Any, expected: Any) -> None:
    """Each action changes the raw document the way Overlay 1.0 says, before anything else reads it."""
    raw, applied = _load(tmp_path, _overlay(tmp_path, actions))
    assert read(raw) == expected
    assert applied == (OverlayInfo(path=(tmp_path / "fix.yaml").as_posix(), title="fix", actions=len(actions)),)


def test_overlays_apply_in_the_order_given(tmp_path: Path) -> None:
    """The second overlay sees the first one's result, and each is reported in order."""
    first = _overlay(tmp_path, [{"target": f"{USER}.properties.bio", "update": {"maxLength": 5}}], "a.yaml")
    second = _overlay(tmp_path, [{"target": f"{USER}.properties.bio", "update": {"maxLength": 7}}], "b.json")
    raw, applied = _load(tmp_path, first, second)
    assert _user(raw)["properties"]["bio"]["maxLength"] == 7
    assert [Path(overlay.path).name for overlay in applied] == ["a.yaml", "b.json"]


def test_a_target_that_selects_nothing_is_reported_not_fatal(tmp_path: Path) -> None:
    """An action whose target matches nothing changes nothing; its number and target are reported."""
    overlay = _overlay(
        tmp_path,
        [
            {"target": f"{USER}.properties.bio", "update": {"maxLength": 5}},
            {"target": "$.components.schemas.Nobody", "update": {"type": "object"}},
        ],
    )
    raw, applied = _load(tmp_path, overlay)
    assert _user(raw)["properties"]["bio"]["maxLength"] == 5
    assert applied[0].unmatched == ((2, "$.components.schemas.Nobody"),)


def test_spec_invalid_after_overlays_names_them(tmp_path: Path) -> None:
    """An overlay that breaks the document: the spec error says the overlays were applied."""
    overlay = _overlay(tmp_path, [{"target": "$.paths", "update": {"/broken": "not a path item"}}])
    with pytest.raises(SpecError, match=r"not a valid OpenAPI document after overlays .*fix\.yaml"):
        _load(tmp_path, overlay)


REFUSED: Final = [
    pytest.param("overlay: 1.1.0\ninfo: {title: t, version: '1'}\nactions: [{target: $, remove: true}]\n",
                 "not an Overlay 1.0 document: overlay: version '1.1.0' is not 1.0.x", id="other-version"),
    pytest.param("overlay: 1.0.0\nactions: [{target: $, remove: true}]\n",
                 "not an Overlay 1.0 document: the top level: 'info' is required", id="no-info"),
    pytest.param("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: []\n",
                 "not an Overlay 1.0 document: actions: [] should be non-empty", id="no-actions"),
    pytest.param("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: [{target: $.a, updates: {}}]\n",
                 "not an Overlay 1.0 document: action 1: unknown key 'updates'", id="unknown-action-key"),
    pytest.param("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: [{target: paths, remove: true}]\n",
                 "not an Overlay 1.0 document: action 1 target: 'paths' must start with '$'", id="target-not-jsonpath"),
    pytest.param("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: [{target: '$.paths[', remove: true}]\n",
                 "action 1: target '$.paths[' is not RFC 9535 JSONPath (", id="jsonpath-syntax"),
    pytest.param("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: [{target: $.paths}]\n",
                 "action 1 has neither `update` nor `remove: true`", id="no-modifier"),
    pytest.param("- overlay: 1.0.0\n", "not an Overlay 1.0 document: the top level: expected object", id="a-list"),
    pytest.param("overlay: [1.0.0\n", "not valid YAML: ", id="not-yaml"),
]  # fmt: skip


def test_refuses_a_missing_file(tmp_path: Path) -> None:
    """A path to nothing: one OverlayError naming it."""
    with pytest.raises(OverlayError, match=r"missing\.yaml: no such overlay file$"):
        read_overlay(tmp_path / "missing.yaml")


@pytest.mark.parametrize(("text", "problem"), REFUSED)
def test_refuses_a_bad_overlay_document(tmp_path: Path, text: str, problem: str) -> None:
    """A document that is not a usable Overlay: one OverlayError naming the file and the problem."""
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(OverlayError) as raised:
        read_overlay(path)
    assert str(raised.value).startswith(f"{path}: {problem}")
    assert "\n" not in str(raised.value)


CANNOT_APPLY: Final = [
    pytest.param({"target": "$.info.title", "update": "x"}, "the target is a string; Overlay 1.0", id="primitive"),
    pytest.param({"target": USER, "update": ["x"]}, "`update` must be an object, not an array", id="not-an-object"),
    pytest.param({"target": "$", "remove": True}, "the document root, which cannot be removed", id="remove-root"),
]


@pytest.mark.parametrize(("action", "problem"), CANNOT_APPLY)
def test_refuses_an_action_that_cannot_apply(tmp_path: Path, action: dict[str, Any], problem: str) -> None:
    """An action the spec's nodes cannot take: an OverlayError naming the overlay, the action and the spec."""
    overlay = _overlay(tmp_path, [action])
    with pytest.raises(OverlayError) as raised:
        _load(tmp_path, overlay)
    assert str(raised.value).startswith(f"{overlay}: action 1 (target {action['target']}) on ")
    assert problem in str(raised.value)


@pytest.mark.parametrize(
    ("extends", "applies"),
    [
        pytest.param(None, True, id="no-extends"),
        pytest.param("openapi.yaml", True, id="relative-to-the-overlay"),
        pytest.param("./other.yaml", False, id="another-file"),
        pytest.param("https://vendor.example/openapi.yaml", True, id="a-url-has-no-local-identity"),
    ],
)
def test_extends_names_the_spec_it_is_for(tmp_path: Path, extends: str | None, *, applies: bool) -> None:
    """`extends` as a file reference is resolved against the overlay's directory and compared with the spec."""
    top = {"extends": extends} if extends is not None else {}
    overlay = read_overlay(_overlay(tmp_path, [{"target": "$.info", "update": {}}], **top))
    assert overlay.applies_to(tmp_path / "openapi.yaml") is applies


def test_the_example_overlay_is_valid_and_meant_for_the_ap_spec() -> None:
    """examples/overlay.yaml, the template README points to, reads as Overlay 1.0 and extends the AP spec."""
    root = Path(__file__).resolve().parents[2]
    overlay = read_overlay(root / "examples" / "overlay.yaml")
    assert overlay.applies_to(root / "specs" / "ap-invoice" / "openapi.yaml")
    assert not overlay.applies_to(root / "specs" / "amili" / "arm.yaml")
