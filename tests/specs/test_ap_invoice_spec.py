"""Independent check of specs/ap-invoice/openapi.yaml against the documented facts of its vendor page.

The facts (tests/specs/data/ap_invoice_facts.yaml) were written from the vendor's "Get invoice" page alone
(specs/ap-invoice/SOURCES.md), without reading the spec, so this module is an
independent cross-check: every documented field must be in the spec exactly as documented, and the spec
must not contain any field the page does not document.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Final

import openapi_spec_validator
import pytest
import schemathesis
import yaml
from schemathesis.core.result import Err, Ok

REPO_ROOT: Final = Path(__file__).resolve().parents[2]
SPEC_PATH: Final = REPO_ROOT / "specs" / "ap-invoice" / "openapi.yaml"
FACTS_PATH: Final = Path(__file__).resolve().parent / "data" / "ap_invoice_facts.yaml"

EVIDENCE_LEVELS: Final = frozenset({"DOC", "EXAMPLE", "INFERRED"})
HTTP_METHODS: Final = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
FACT_TYPES: Final = frozenset({"string", "number", "boolean", "object", "array", "any"})
MAX_DEPTH: Final = 16  # the page nests at most 7 levels; deeper means the spec recurses
_MISSING: Final = object()


def _load_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


FACTS: Final[dict[str, Any]] = _load_yaml(FACTS_PATH)
FIELD_FACTS: Final[list[dict[str, Any]]] = FACTS["fields"]
FACT_IDS: Final[list[str]] = [fact["path"] for fact in FIELD_FACTS]
FACTS_BY_PATH: Final[dict[str, dict[str, Any]]] = {fact["path"]: fact for fact in FIELD_FACTS}


# --------------------------------------------------------------------------------------------------
# Spec walking helpers ($ref resolution with 3.1 sibling keywords)
# --------------------------------------------------------------------------------------------------


def _pointer(spec: Mapping[str, Any], ref: str) -> dict[str, Any]:
    """Resolve a local JSON pointer such as ``#/components/schemas/Invoice``."""
    assert ref.startswith("#/"), f"only local $refs are expected, got {ref!r}"
    node: Any = spec
    for raw in ref[2:].split("/"):
        key = raw.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, Mapping), f"unresolvable $ref {ref!r} (at {key!r})"
        assert key in node, f"unresolvable $ref {ref!r} (at {key!r})"
        node = node[key]
    assert isinstance(node, dict), f"$ref {ref!r} does not point at an object"
    return node


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """Combine two schema fragments: properties are merged, required is united, other keys override."""
    merged = dict(base)
    for key, value in extra.items():
        if key == "properties" and isinstance(merged.get("properties"), Mapping):
            merged["properties"] = {**merged["properties"], **value}
        elif key == "required" and isinstance(merged.get("required"), list):
            merged["required"] = [*merged["required"], *[v for v in value if v not in merged["required"]]]
        else:
            merged[key] = value
    return merged


def deref(spec: Mapping[str, Any], node: Mapping[str, Any], chain: tuple[str, ...] = ()) -> dict[str, Any]:
    """Return the effective node: its ``$ref`` target (and ``allOf`` parts) merged with its sibling keywords."""
    result: dict[str, Any] = {}
    ref = node.get("$ref")
    if isinstance(ref, str):
        assert ref not in chain, f"$ref cycle without any schema in between: {' -> '.join((*chain, ref))}"
        result = deref(spec, _pointer(spec, ref), (*chain, ref))
    for part in node.get("allOf", []):
        result = _merge(result, deref(spec, part, chain))
    siblings = {key: value for key, value in node.items() if key not in ("$ref", "allOf")}
    return _merge(result, siblings)


def get_operation(spec: Mapping[str, Any]) -> dict[str, Any]:
    """The documented operation's node, or a test failure naming what is missing."""
    op_fact = FACTS["operation"]
    path_item = spec.get("paths", {}).get(op_fact["path"])
    assert isinstance(path_item, dict), f"path {op_fact['path']} missing from spec paths"
    operation = path_item.get(op_fact["method"].lower())
    assert isinstance(operation, dict), f"{op_fact['method']} {op_fact['path']} missing from spec"
    return operation


def invoice_root(spec: Mapping[str, Any]) -> dict[str, Any]:
    """The effective schema of the operation's 200 application/json response (the Invoice)."""
    responses = get_operation(spec).get("responses", {})
    assert "200" in responses, "the 200 response is missing"
    response = deref(spec, responses["200"])
    schema = response.get("content", {}).get("application/json", {}).get("schema")
    assert isinstance(schema, dict), "the 200 response has no application/json schema"
    return deref(spec, schema)


def resolve_field(spec: Mapping[str, Any], path: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Walk a dotted fact path (``[]`` = array items) and return (effective parent, effective field)."""
    parent = invoice_root(spec)
    node: dict[str, Any] | None = None
    walked: list[str] = []
    for segment in path.split("."):
        if node is not None:
            parent = node
        is_array = segment.endswith("[]")
        name = segment[:-2] if is_array else segment
        properties = parent.get("properties", {})
        assert name in properties, (
            f"{path}: property {name!r} missing under {'.'.join(walked) or '<Invoice root>'}; "
            f"present: {sorted(properties)}"
        )
        node = deref(spec, properties[name])
        walked.append(segment)
        if is_array:
            items = node.get("items")
            message = f"{path}: {'.'.join(walked)} should be an array with items, got type {node.get('type')!r}"
            assert node.get("type") == "array", message
            assert isinstance(items, dict), message
            parent = node
            node = deref(spec, items)
            assert node.get("type") == "object", f"{path}: items of {name!r} should be objects"
    assert node is not None
    # For a path ending in a plain name, ``parent`` is the object that holds it.
    return parent, node


def iter_invoice_properties(
    spec: Mapping[str, Any], schema: dict[str, Any], prefix: str = "", depth: int = 0
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (dotted path, effective node) for every property reachable from the Invoice root."""
    if depth > MAX_DEPTH:
        yield f"{prefix}<depth guard: spec nests deeper than {MAX_DEPTH} levels>", {}
        return
    for name, raw in schema.get("properties", {}).items():
        path = f"{prefix}.{name}" if prefix else name
        node = deref(spec, raw)
        yield path, node
        if "properties" in node:
            yield from iter_invoice_properties(spec, node, path, depth + 1)
        items = node.get("items")
        if isinstance(items, dict):
            yield from iter_invoice_properties(spec, deref(spec, items), f"{path}[]", depth + 1)


def iter_schema_nodes(
    spec: Mapping[str, Any], schema: Mapping[str, Any], where: str
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Yield (kind, location, effective node) for property and items nodes written inline in a schema."""
    for name, raw in schema.get("properties", {}).items():
        location = f"{where}.properties.{name}"
        yield "property", location, deref(spec, raw)
        yield from iter_schema_nodes(spec, raw, location)
    items = schema.get("items")
    if isinstance(items, Mapping):
        yield "items", f"{where}.items", deref(spec, items)
        yield from iter_schema_nodes(spec, items, f"{where}.items")
    for index, part in enumerate(schema.get("allOf", [])):
        yield from iter_schema_nodes(spec, part, f"{where}.allOf[{index}]")


def iter_operations(spec: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """Yield (label, path item, operation) for every operation of the spec."""
    for path, path_item in spec.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method in path_item:
                yield f"{method.upper()} {path}", path_item, path_item[method]


def missing_evidence(node: Mapping[str, Any]) -> bool:
    return node.get("x-evidence") not in EVIDENCE_LEVELS


# --------------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    if not SPEC_PATH.is_file():
        pytest.fail(f"spec not found: {SPEC_PATH}")
    loaded = _load_yaml(SPEC_PATH)
    assert isinstance(loaded, dict), "the spec is not a YAML mapping"
    return loaded


# --------------------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------------------


class TestFactsFile:
    """The facts file is well-formed and self-consistent."""

    def test_source_is_the_vendor_page(self) -> None:
        """The facts name the section of the project's SOURCES.md that describes their page."""
        page, _, anchor = FACTS["source"].partition("#")
        assert page == "SOURCES.md"
        sources = (SPEC_PATH.parent / page).read_text(encoding="utf-8")
        assert f'<a id="{anchor}"></a>' in sources

    def test_paths_are_unique(self) -> None:
        """Every fact path occurs once."""
        assert len(FACT_IDS) == len(set(FACT_IDS))

    @pytest.mark.parametrize("fact", FIELD_FACTS, ids=FACT_IDS)
    def test_fact_is_well_formed(self, fact: dict[str, Any]) -> None:
        """Each fact has a known type, and its parent path is a documented object or array."""
        assert fact["type"] in FACT_TYPES
        assert set(fact) <= {"path", "type", "format", "enum", "default", "required", "known_values"}
        if "." in fact["path"] or "[]" in fact["path"]:
            assert "required" not in fact, "only top-level Invoice fields state required"
            parent_path = fact["path"].rsplit(".", 1)[0]
            parent_type = "array" if parent_path.endswith("[]") else "object"
            assert FACTS_BY_PATH[parent_path.removesuffix("[]")]["type"] == parent_type


class TestSpecLoads:
    """The spec is a valid OpenAPI document that the test tooling can load."""

    def test_validates_with_openapi_spec_validator(self, spec: dict[str, Any]) -> None:
        """openapi-spec-validator accepts the spec."""
        openapi_spec_validator.validate(spec)

    def test_loads_in_schemathesis(self) -> None:
        """Schemathesis loads the spec and every operation resolves, including the documented one."""
        schema = schemathesis.openapi.from_path(SPEC_PATH)
        results = list(schema.get_all_operations())
        errors = [result.err() for result in results if isinstance(result, Err)]
        assert not errors, f"operations schemathesis cannot load: {errors}"
        operations = [result.ok() for result in results if isinstance(result, Ok)]
        labels = {(op.method.upper(), op.path) for op in operations}
        assert (FACTS["operation"]["method"], FACTS["operation"]["path"]) in labels


class TestOperation:
    """The documented operation exists with its method, path, path parameter and bearer security."""

    def test_operation_exists(self, spec: dict[str, Any]) -> None:
        """GET /v1/invoice/{id} is in the spec."""
        get_operation(spec)

    @pytest.mark.parametrize("name", FACTS["operation"]["path_parameters"], ids=FACTS["operation"]["path_parameters"])
    def test_path_parameter(self, spec: dict[str, Any], name: str) -> None:
        """The documented path parameter is a required string in the path."""
        path_item = spec["paths"][FACTS["operation"]["path"]]
        raw = [*path_item.get("parameters", []), *get_operation(spec).get("parameters", [])]
        params = [deref(spec, p) for p in raw]
        matching = [p for p in params if p.get("name") == name and p.get("in") == "path"]
        assert len(matching) == 1, f"path parameter {name!r}: found {len(matching)}"
        param = matching[0]
        assert param.get("required") is True
        assert deref(spec, param.get("schema", {})).get("type") == "string"

    def test_no_undocumented_parameters(self, spec: dict[str, Any]) -> None:
        """The operation declares no parameters beyond the documented path parameters."""
        path_item = spec["paths"][FACTS["operation"]["path"]]
        raw = [*path_item.get("parameters", []), *get_operation(spec).get("parameters", [])]
        names = sorted(deref(spec, p).get("name", "?") for p in raw)
        assert names == sorted(FACTS["operation"]["path_parameters"])

    def test_bearer_security(self, spec: dict[str, Any]) -> None:
        """The operation requires an HTTP bearer security scheme."""
        assert FACTS["operation"]["security"] == "bearer"
        operation = get_operation(spec)
        requirements = operation.get("security", spec.get("security"))
        assert requirements, "no security requirement on the operation or globally"
        schemes = spec.get("components", {}).get("securitySchemes", {})
        for requirement in requirements:
            assert requirement, "an empty security requirement makes auth optional"
            for name in requirement:
                scheme = deref(spec, schemes[name])
                assert scheme.get("type") == "http", f"security scheme {name!r} is not http"
                assert str(scheme.get("scheme", "")).lower() == "bearer", f"security scheme {name!r} is not bearer"

    def test_200_is_json(self, spec: dict[str, Any]) -> None:
        """The 200 response has an application/json object schema (the Invoice)."""
        assert invoice_root(spec).get("type") == "object"


class TestDocumentedFields:
    """Every documented field is in the spec exactly as the page states it."""

    @pytest.mark.parametrize("fact", FIELD_FACTS, ids=FACT_IDS)
    def test_field_exists(self, spec: dict[str, Any], fact: dict[str, Any]) -> None:
        """The field exists at its path."""
        resolve_field(spec, fact["path"])

    @pytest.mark.parametrize("fact", FIELD_FACTS, ids=FACT_IDS)
    def test_type(self, spec: dict[str, Any], fact: dict[str, Any]) -> None:
        """The field's type matches; an any-typed field has no type keyword.

        By the nullability rule (specs/README.md) an optional field whose absence is normal may also allow
        null; a required one never does.
        """
        _, node = resolve_field(spec, fact["path"])
        if fact["type"] == "any":
            assert "type" not in node, f"expected no type keyword, found {node['type']!r}"
        elif fact.get("required"):
            assert node.get("type") == fact["type"]
        else:
            assert node.get("type") in (fact["type"], [fact["type"], "null"])

    @pytest.mark.parametrize("fact", FIELD_FACTS, ids=FACT_IDS)
    def test_format(self, spec: dict[str, Any], fact: dict[str, Any]) -> None:
        """The field's format is exactly the documented one, and absent when none is documented."""
        _, node = resolve_field(spec, fact["path"])
        assert node.get("format") == fact.get("format")

    @pytest.mark.parametrize("fact", FIELD_FACTS, ids=FACT_IDS)
    def test_enum(self, spec: dict[str, Any], fact: dict[str, Any]) -> None:
        """The field's enum equals the documented list in page order, and is absent otherwise."""
        _, node = resolve_field(spec, fact["path"])
        assert node.get("enum") == fact.get("enum")

    @pytest.mark.parametrize("fact", FIELD_FACTS, ids=FACT_IDS)
    def test_default(self, spec: dict[str, Any], fact: dict[str, Any]) -> None:
        """The field's default equals the documented one, and is absent otherwise."""
        _, node = resolve_field(spec, fact["path"])
        found = node.get("default", _MISSING)
        expected = fact.get("default", _MISSING)
        assert found == expected, f"default: expected {expected!r}, found {found!r}"
        assert type(found) is type(expected), f"default: expected {expected!r}, found {found!r}"

    @pytest.mark.parametrize("fact", FIELD_FACTS, ids=FACT_IDS)
    def test_required(self, spec: dict[str, Any], fact: dict[str, Any]) -> None:
        """The field is in its parent's required list exactly when the page says required."""
        parent, _ = resolve_field(spec, fact["path"])
        name = fact["path"].rsplit(".", 1)[-1]
        assert (name in parent.get("required", [])) is bool(fact.get("required", False))

    @pytest.mark.parametrize("fact", FIELD_FACTS, ids=FACT_IDS)
    def test_known_values(self, spec: dict[str, Any], fact: dict[str, Any]) -> None:
        """Example-only values are recorded in x-known-values (never as an enum); other fields record none."""
        _, node = resolve_field(spec, fact["path"])
        if "known_values" in fact:
            assert "enum" not in node, "an example-only value must not become an enum"
            recorded = node.get("x-known-values")
            assert isinstance(recorded, list), "x-known-values missing"
            assert set(fact["known_values"]) <= set(recorded)
        else:
            assert "x-known-values" not in node, f"undocumented x-known-values {node['x-known-values']!r}"


class TestNothingInvented:
    """The spec's Invoice tree holds only documented fields."""

    def test_every_spec_property_has_a_fact(self, spec: dict[str, Any]) -> None:
        """Every property reachable from the Invoice root (refs followed, depth-guarded) is a documented fact."""
        found = [path for path, _ in iter_invoice_properties(spec, invoice_root(spec))]
        invented = [path for path in found if path not in FACTS_BY_PATH]
        assert not invented, f"{len(invented)} properties in the spec but not on the page: {invented}"


class TestEvidence:
    """Every operation, response, parameter, schema and property node says how well it is known."""

    def test_operations(self, spec: dict[str, Any]) -> None:
        """Every operation carries x-evidence."""
        bad = [label for label, _, op in iter_operations(spec) if missing_evidence(op)]
        assert not bad, f"operations without valid x-evidence: {bad}"

    def test_responses(self, spec: dict[str, Any]) -> None:
        """Every response carries x-evidence."""
        bad = [
            f"{label} {status}"
            for label, _, op in iter_operations(spec)
            for status, response in op.get("responses", {}).items()
            if missing_evidence(deref(spec, response))
        ]
        bad += [
            f"components.responses.{name}"
            for name, response in spec.get("components", {}).get("responses", {}).items()
            if missing_evidence(deref(spec, response))
        ]
        assert not bad, f"responses without valid x-evidence: {bad}"

    def test_parameters(self, spec: dict[str, Any]) -> None:
        """Every parameter carries x-evidence."""
        bad = [
            f"{label} {deref(spec, param).get('name')}"
            for label, path_item, op in iter_operations(spec)
            for param in [*path_item.get("parameters", []), *op.get("parameters", [])]
            if missing_evidence(deref(spec, param))
        ]
        assert not bad, f"parameters without valid x-evidence: {bad}"

    def test_component_schemas(self, spec: dict[str, Any]) -> None:
        """Every component schema carries x-evidence."""
        schemas = spec.get("components", {}).get("schemas", {})
        bad = [name for name, schema in schemas.items() if missing_evidence(deref(spec, schema))]
        assert not bad, f"component schemas without valid x-evidence: {bad}"

    def test_property_nodes(self, spec: dict[str, Any]) -> None:
        """Every property node (in components and in the Invoice tree, refs resolved) carries x-evidence."""
        bad = [
            location
            for name, schema in spec.get("components", {}).get("schemas", {}).items()
            for kind, location, node in iter_schema_nodes(spec, schema, name)
            if kind == "property" and missing_evidence(node)
        ]
        bad += [path for path, node in iter_invoice_properties(spec, invoice_root(spec)) if missing_evidence(node)]
        assert not bad, f"property nodes without valid x-evidence: {bad}"

    def test_items_nodes(self, spec: dict[str, Any]) -> None:
        """Every array items node (refs resolved) carries x-evidence, as specs/README.md requires."""
        bad = [
            location
            for name, schema in spec.get("components", {}).get("schemas", {}).items()
            for kind, location, node in iter_schema_nodes(spec, schema, name)
            if kind == "items" and missing_evidence(node)
        ]
        assert not bad, f"items nodes without valid x-evidence: {bad}"

    def test_security_schemes(self, spec: dict[str, Any]) -> None:
        """Every security scheme carries x-evidence, as specs/README.md requires."""
        schemes = spec.get("components", {}).get("securitySchemes", {})
        bad = [name for name, scheme in schemes.items() if missing_evidence(deref(spec, scheme))]
        assert not bad, f"security schemes without valid x-evidence: {bad}"

    @pytest.mark.parametrize("status", ["401", "404"], ids=["401", "404"])
    def test_undocumented_error_responses_are_inferred(self, spec: dict[str, Any], status: str) -> None:
        """The 401 and 404 responses exist and are marked INFERRED (the page documents neither)."""
        responses = get_operation(spec).get("responses", {})
        assert status in responses, f"{status} response missing"
        assert deref(spec, responses[status]).get("x-evidence") == "INFERRED"
