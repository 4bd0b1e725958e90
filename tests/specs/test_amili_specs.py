"""Checks for the hand-written Amili OpenAPI specs in `specs/amili/`.

The specs are written from the vendor's pages (`specs/amili/SOURCES.md`; conventions in `specs/README.md`). These
tests prove that the documentation tree and the specs agree one to one, that every spec is valid OpenAPI 3.1
and loads in schemathesis, that every node says how well it is known, and that values seen only in examples
are recorded as `x-known-values`, never as a closed `enum`.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pytest
import schemathesis
import yaml
from openapi_spec_validator import validate
from schemathesis.core.result import Err

from apiconform.runner.lifecycle.plan import creations, transitions
from apiconform.runner.lifecycle.tokens import token_roles
from apiconform.specs import load_spec as apiconform_load_spec

if TYPE_CHECKING:
    from collections.abc import Iterator

Json = dict[str, Any]
TreeKey = tuple[str, str, str | None]

SPEC_DIR: Final = Path(__file__).resolve().parents[2] / "specs" / "amili"
DOC_TREE_PATH: Final = SPEC_DIR / "doc-tree.yaml"

# Tree entries per API, counted from the navigation text; 72 in all.
TREE_COUNTS: Final[dict[str, int]] = {
    "collection": 20,
    "autocollect": 4,
    "arm": 21,
    "distribution-invoice": 13,
    "distribution-partner": 10,
    "identity": 4,
}
APIS: Final = tuple(TREE_COUNTS)
TREE_ENTRY_COUNT: Final = 72

EVIDENCE_LEVELS: Final = frozenset({"DOC", "EXAMPLE", "INFERRED"})
STATUS_CODE_EVIDENCE_LEVELS: Final = frozenset({"DOC", "INFERRED"})
HTTP_METHODS: Final = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# Subschema keywords the evidence walk descends into (a `$ref` target is walked as its own component).
SINGLE_SUBSCHEMA_KEYS: Final = ("items", "additionalProperties", "not", "contains")
LIST_SUBSCHEMA_KEYS: Final = ("allOf", "anyOf", "oneOf", "prefixItems")

# Values the vendor pages show only in examples; none of them may appear in a closed `enum`.
EXAMPLE_ONLY_VALUES: Final = frozenset(
    {
        "NOTICE",
        "PAYMENT_REMINDER",
        "OPEN",
        "Open",
        "PRIVATE",
        "Private",
        "DIRECT_PAYMENT",
        "REMINDER",
        "DEBT_COLLECTION_LIST_MANUAL",
        "NONE",
        "INVOICE",
        "invoiceSuccess",
        "NOK",
        "NO",
        "0088",
        "VAT",
        "EINVOICE",
        "380",
        "B2C",
        "Bearer",
        "client_credentials",
    }
)

# (api, component schema, property, value seen in an example)
KNOWN_VALUE_CASES: Final[list[tuple[str, str, str, str]]] = [
    ("collection", "Invoice", "type", "NOTICE"),
    ("collection", "Invoice", "type", "PAYMENT_REMINDER"),
    ("collection", "Invoice", "status", "Open"),
    ("collection", "Invoice", "status", "OPEN"),
    ("collection", "Debtor", "type", "Private"),
    ("collection", "Debtor", "type", "PRIVATE"),
    ("collection", "InvoiceCreate", "type", "NOTICE"),
    ("collection", "PaymentCreate", "type", "DIRECT_PAYMENT"),
    ("collection", "Settlement", "collectionType", "REMINDER"),
    ("collection", "Batch", "type", "NONE"),
    ("collection", "Batch", "type", "INVOICE"),
    ("collection", "LegacyBatch", "type", "NONE"),
    ("autocollect", "Case", "status", "OPEN"),
    ("autocollect", "Case", "subStatus", "DEBT_COLLECTION_LIST_MANUAL"),
    ("autocollect", "Case", "type", "PAYMENT_REMINDER"),
    ("autocollect", "CaseDebtor", "type", "PRIVATE"),
    ("autocollect", "Settlement", "collectionType", "REMINDER"),
    ("distribution-invoice", "B2cInvoice", "Channel", "EINVOICE"),
    ("distribution-invoice", "B2cInvoice", "MessageType", "B2C"),
    ("distribution-invoice", "EhfDocument", "LanguageID", "NO"),
    ("identity", "TokenRequest", "grant_type", "client_credentials"),
    ("identity", "TokenResponse", "token_type", "Bearer"),
]

# Operations of the newer documentation generation that have no tree entry: (api, method, path).
NEWER_GENERATION_OPERATIONS: Final[list[tuple[str, str, str]]] = [
    ("collection", "get", "/orgs/{organizationId}/batches/{batchId}"),
    ("collection", "get", "/orgs/{organizationId}/settlements/{settlementId}"),
]

# ARM paging parameters with documented default and cap: (component, name, default, maximum).
ARM_PAGING_CASES: Final[list[tuple[str, str, int, int]]] = [
    ("ArItemsMaximumCount", "maximumcount", 10000, 10000),
    ("ArItemsPageSize", "pagesize", 100, 1000),
]

# Asynchronous creations answered with 202 and a batch reference: (api, operationId).
ASYNC_CREATIONS: Final[list[tuple[str, str]]] = [
    ("collection", "createInvoices"),
    ("collection", "createPayments"),
]


@cache
def load_yaml(path: Path) -> Any:
    """Parse one YAML file once per test session."""
    with path.open(encoding="utf-8") as stream:
        return yaml.safe_load(stream)


def spec_path(api: str) -> Path:
    """Path of one API's spec."""
    return SPEC_DIR / f"{api}.yaml"


def load_spec(api: str) -> Json:
    """One API's spec as a mapping."""
    spec = load_yaml(spec_path(api))
    assert isinstance(spec, dict), f"{api}.yaml is not a mapping"
    return spec


def load_tree() -> list[Json]:
    """The documentation tree's operation entries."""
    tree = load_yaml(DOC_TREE_PATH)
    assert isinstance(tree, list), "doc-tree.yaml is not a list"
    return tree


def tree_key(entry: Json) -> TreeKey:
    """Identity of a tree entry: api, title and, for duplicated titles, method."""
    method = entry.get("method")
    return (entry["api"], entry["title"], method.upper() if isinstance(method, str) else None)


def tree_id(entry: Json) -> str:
    """Readable test id for a tree entry."""
    api, title, method = tree_key(entry)
    return f"{api}:{title}" + (f":{method}" if method else "")


def resolve(spec: Json, node: Json) -> Json:
    """Follow local `$ref`s until a concrete object is reached."""
    while "$ref" in node:
        ref = node["$ref"]
        assert isinstance(ref, str), f"$ref {ref!r} is not a string"
        assert ref.startswith("#/"), f"non-local $ref {ref!r}"
        target: Any = spec
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        assert isinstance(target, dict), f"$ref {ref!r} does not point at an object"
        node = target
    return node


def operations(spec: Json) -> Iterator[tuple[str, str, Json]]:
    """Every operation as (path, method, operation)."""
    for path, item in spec.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method in item:
                yield path, method, item[method]


def parameters(spec: Json) -> Iterator[tuple[str, Json]]:
    """Every parameter object (refs resolved) with where it is used or defined."""
    for name, param in spec.get("components", {}).get("parameters", {}).items():
        yield f"components.parameters.{name}", param
    for path, item in spec.get("paths", {}).items():
        for index, param in enumerate(item.get("parameters", [])):
            yield f"{path}.parameters[{index}]", resolve(spec, param)
        for method in HTTP_METHODS:
            for index, param in enumerate(item.get(method, {}).get("parameters", [])):
                yield f"{method.upper()} {path}.parameters[{index}]", resolve(spec, param)


def responses(spec: Json) -> Iterator[tuple[str, Json]]:
    """Every response object (refs resolved) with its operation and status code."""
    for name, response in spec.get("components", {}).get("responses", {}).items():
        yield f"components.responses.{name}", response
    for path, method, operation in operations(spec):
        for status, response in operation.get("responses", {}).items():
            yield f"{method.upper()} {path} {status}", resolve(spec, response)


def media_schemas(spec: Json) -> Iterator[tuple[str, Json, bool]]:
    """Every request and response media-type schema as (where, schema, is_response)."""
    for path, method, operation in operations(spec):
        where = f"{method.upper()} {path}"
        if "requestBody" in operation:
            body = resolve(spec, operation["requestBody"])
            for media, content in body.get("content", {}).items():
                yield f"{where} request {media}", content["schema"], False
        for status, response in operation.get("responses", {}).items():
            for media, content in resolve(spec, response).get("content", {}).items():
                yield f"{where} {status} {media}", content["schema"], True


def walk_schema(node: Any, where: str) -> Iterator[tuple[str, Json]]:
    """A schema node and all its subschemas (properties, items, combinators), without following `$ref`."""
    if not isinstance(node, dict):
        return
    yield where, node
    for name, sub in node.get("properties", {}).items():
        yield from walk_schema(sub, f"{where}.properties.{name}")
    for key in SINGLE_SUBSCHEMA_KEYS:
        yield from walk_schema(node.get(key), f"{where}.{key}")
    for key in LIST_SUBSCHEMA_KEYS:
        for index, sub in enumerate(node.get(key, [])):
            yield from walk_schema(sub, f"{where}.{key}[{index}]")


def schema_nodes(spec: Json) -> Iterator[tuple[str, Json]]:
    """Every schema node of a spec: components, parameter schemas and media-type schemas, walked."""
    for name, schema in spec.get("components", {}).get("schemas", {}).items():
        yield from walk_schema(schema, f"components.schemas.{name}")
    for where, param in parameters(spec):
        yield from walk_schema(param.get("schema"), f"{where}.schema")
    for where, schema, _ in media_schemas(spec):
        yield from walk_schema(schema, where)


def response_schema_nodes(spec: Json) -> Iterator[tuple[str, Json]]:
    """Every schema node reachable from a response body, following `$ref`s once each."""
    seen: set[str] = set()
    pending = [(where, schema) for where, schema, is_response in media_schemas(spec) if is_response]
    while pending:
        where, root = pending.pop()
        for node_where, node in walk_schema(root, where):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref not in seen:
                seen.add(ref)
                pending.append((ref, resolve(spec, node)))
            yield node_where, node


def spec_operation_keys(api: str) -> list[tuple[TreeKey, str]]:
    """Tree keys of the operations that implement a tree entry, with the operation's method + path."""
    keyed_by_method = {entry["title"] for entry in load_tree() if entry["api"] == api and "method" in entry}
    keys: list[tuple[TreeKey, str]] = []
    for path, method, operation in operations(load_spec(api)):
        title = operation.get("x-doc-tree")
        if title is None:
            continue
        keyed_method = method.upper() if title in keyed_by_method else None
        keys.append(((api, title, keyed_method), f"{method.upper()} {path}"))
    return keys


class TestDocTree:
    """The navigation tree's operation entries in doc-tree.yaml."""

    def test_holds_72_entries(self) -> None:
        """The tree gives 72 operation entries."""
        assert len(load_tree()) == TREE_ENTRY_COUNT

    @pytest.mark.parametrize(("api", "count"), list(TREE_COUNTS.items()), ids=list(TREE_COUNTS))
    def test_entries_per_api(self, api: str, count: int) -> None:
        """Each API has as many entries as its part of the tree."""
        assert sum(1 for entry in load_tree() if entry["api"] == api) == count

    def test_entries_are_well_formed(self) -> None:
        """Every entry names a known API, a group and a title, and nothing else but an optional method."""
        for entry in load_tree():
            assert entry["api"] in APIS, entry
            for field in ("group", "title"):
                assert isinstance(entry[field], str), entry
                assert entry[field], entry
            assert set(entry) <= {"api", "group", "title", "method"}, entry
            assert entry.get("method", "GET") in {"GET", "POST", "PUT", "DELETE", "PATCH"}, entry

    def test_entries_are_distinct(self) -> None:
        """Duplicated titles are told apart by method, so every entry key is unique."""
        keys = Counter(tree_key(entry) for entry in load_tree())
        assert [key for key, count in keys.items() if count > 1] == []

    @pytest.mark.parametrize(
        ("api", "title", "methods"),
        [
            ("autocollect", "/webapi/api/Batch", {"GET", "POST"}),
            ("distribution-invoice", "Check invoice status", {"GET", "POST"}),
        ],
        ids=["webapi-batch", "check-invoice-status"],
    )
    def test_duplicated_titles(self, api: str, title: str, methods: set[str]) -> None:
        """The two titles the tree lists twice carry the methods the facts give."""
        found = {entry.get("method") for entry in load_tree() if entry["api"] == api and entry["title"] == title}
        assert found == methods


class TestTreeMapping:
    """Tree entries and spec operations map one to one."""

    @pytest.mark.parametrize("entry", load_tree(), ids=[tree_id(entry) for entry in load_tree()])
    def test_entry_has_exactly_one_operation(self, entry: Json) -> None:
        """Each tree entry is implemented by exactly one operation, in the tree's group."""
        key = tree_key(entry)
        spec = load_spec(entry["api"])
        matches = [where for op_key, where in spec_operation_keys(entry["api"]) if op_key == key]
        assert len(matches) == 1, f"{key}: {matches}"
        method, path = matches[0].split(" ", 1)
        operation = spec["paths"][path][method.lower()]
        assert operation["x-doc-tree-group"] == entry["group"]

    @pytest.mark.parametrize("api", APIS, ids=APIS)
    def test_every_operation_implements_an_entry(self, api: str) -> None:
        """Every operation with an `x-doc-tree` title matches a tree entry, and no two share one."""
        tree_keys = {tree_key(entry) for entry in load_tree() if entry["api"] == api}
        op_keys = [key for key, _ in spec_operation_keys(api)]
        assert [key for key in op_keys if key not in tree_keys] == []
        assert len(op_keys) == len(set(op_keys)) == TREE_COUNTS[api]

    @pytest.mark.parametrize("api", APIS, ids=APIS)
    def test_untitled_operations_are_newer_generation(self, api: str) -> None:
        """Every operation states `x-doc-tree`; a null one belongs to the newer documentation generation."""
        for path, method, operation in operations(load_spec(api)):
            assert "x-doc-tree" in operation, f"{method.upper()} {path}"
            if operation["x-doc-tree"] is None:
                assert operation.get("x-doc-generation") == "newer", f"{method.upper()} {path}"
                assert operation["x-evidence"] == "DOC", f"{method.upper()} {path}"

    @pytest.mark.parametrize(
        ("api", "method", "path"),
        NEWER_GENERATION_OPERATIONS,
        ids=[path for _, _, path in NEWER_GENERATION_OPERATIONS],
    )
    def test_newer_generation_operations_present(self, api: str, method: str, path: str) -> None:
        """The newer generation's organization-scoped operations are in the spec without a tree title."""
        operation = load_spec(api)["paths"][path][method]
        assert operation["x-doc-tree"] is None
        assert operation["x-doc-generation"] == "newer"

    def test_cases_are_the_tree_entry(self) -> None:
        """The newer `GET /orgs/{organizationId}/cases` is the tree's "Retrieve cases" entry, not a second op."""
        operation = load_spec("collection")["paths"]["/orgs/{organizationId}/cases"]["get"]
        assert operation["x-doc-tree"] == "Retrieve cases for an organization"


class TestSpecsLoad:
    """Each spec is valid OpenAPI 3.1 and loads in schemathesis."""

    @pytest.mark.parametrize("api", APIS, ids=APIS)
    def test_validates(self, api: str) -> None:
        """openapi-spec-validator accepts the spec."""
        validate(load_spec(api))

    @pytest.mark.parametrize("api", APIS, ids=APIS)
    def test_loads_in_schemathesis(self, api: str) -> None:
        """schemathesis builds every operation of the spec."""
        schema = schemathesis.openapi.from_path(spec_path(api))
        loaded = []
        for result in schema.get_all_operations():
            if isinstance(result, Err):
                pytest.fail(f"schemathesis could not build an operation: {result.err()}")
            loaded.append(result.ok())
        assert len(loaded) == sum(1 for _ in operations(load_spec(api)))

    @pytest.mark.parametrize("api", APIS, ids=APIS)
    def test_info(self, api: str) -> None:
        """The spec is OpenAPI 3.1 and names its vendor facts file."""
        spec = load_spec(api)
        assert spec["openapi"].startswith("3.1.")
        assert spec["info"]["x-sources"] == "SOURCES.md"

    @pytest.mark.parametrize("api", APIS, ids=APIS)
    def test_operation_ids_unique(self, api: str) -> None:
        """Operation ids are unique within a spec."""
        ids = [operation["operationId"] for _, _, operation in operations(load_spec(api))]
        assert len(ids) == len(set(ids))


class TestEvidence:
    """Every operation, parameter, response and schema node says how well it is known."""

    @pytest.mark.parametrize("api", APIS, ids=APIS)
    def test_operations(self, api: str) -> None:
        """Operations carry `x-evidence`, `x-doc` and `x-status-codes-evidence`."""
        for path, method, operation in operations(load_spec(api)):
            where = f"{method.upper()} {path}"
            assert operation.get("x-evidence") in EVIDENCE_LEVELS, where
            assert operation.get("x-doc"), where
            assert operation.get("x-status-codes-evidence") in STATUS_CODE_EVIDENCE_LEVELS, where

    @pytest.mark.parametrize("api", APIS, ids=APIS)
    def test_parameters(self, api: str) -> None:
        """Parameters carry `x-evidence`."""
        missing = [
            where for where, param in parameters(load_spec(api)) if param.get("x-evidence") not in EVIDENCE_LEVELS
        ]
        assert missing == []

    @pytest.mark.parametrize("api", APIS, ids=APIS)
    def test_responses(self, api: str) -> None:
        """Responses carry `x-evidence`."""
        missing = [where for where, resp in responses(load_spec(api)) if resp.get("x-evidence") not in EVIDENCE_LEVELS]
        assert missing == []

    @pytest.mark.parametrize("api", APIS, ids=APIS)
    def test_request_bodies(self, api: str) -> None:
        """Request bodies carry `x-evidence`."""
        spec = load_spec(api)
        missing = [
            f"{method.upper()} {path}"
            for path, method, operation in operations(spec)
            if "requestBody" in operation
            and resolve(spec, operation["requestBody"]).get("x-evidence") not in EVIDENCE_LEVELS
        ]
        assert missing == []

    @pytest.mark.parametrize("api", APIS, ids=APIS)
    def test_schema_nodes(self, api: str) -> None:
        """Every schema node (components, properties, items, combinators) carries `x-evidence`."""
        missing = [
            where for where, node in schema_nodes(load_spec(api)) if node.get("x-evidence") not in EVIDENCE_LEVELS
        ]
        assert missing == []

    @pytest.mark.parametrize("api", APIS, ids=APIS)
    def test_component_schemas_cite_a_source(self, api: str) -> None:
        """Every component schema says where its evidence is read (`x-doc`)."""
        schemas = load_spec(api).get("components", {}).get("schemas", {})
        assert [name for name, schema in schemas.items() if not schema.get("x-doc")] == []

    @pytest.mark.parametrize("api", APIS, ids=APIS)
    def test_security_schemes(self, api: str) -> None:
        """Security schemes carry `x-evidence`."""
        schemes = load_spec(api).get("components", {}).get("securitySchemes", {})
        assert [name for name, scheme in schemes.items() if scheme.get("x-evidence") not in EVIDENCE_LEVELS] == []

    @pytest.mark.parametrize("api", APIS, ids=APIS)
    def test_servers(self, api: str) -> None:
        """Server entries carry `x-evidence`."""
        assert [s["url"] for s in load_spec(api)["servers"] if s.get("x-evidence") not in EVIDENCE_LEVELS] == []

    @pytest.mark.parametrize("api", APIS, ids=APIS)
    def test_response_objects_stay_open(self, api: str) -> None:
        """No schema reachable from a response forbids additional properties."""
        closed = [
            where for where, node in response_schema_nodes(load_spec(api)) if node.get("additionalProperties") is False
        ]
        assert closed == []


class TestKnownValues:
    """Values seen only in examples are recorded as `x-known-values`, never as a closed `enum`."""

    @pytest.mark.parametrize("api", APIS, ids=APIS)
    def test_no_enum_holds_example_only_values(self, api: str) -> None:
        """No `enum` lists a value the pages show only in an example."""
        offending = [
            (where, sorted(EXAMPLE_ONLY_VALUES & set(map(str, node["enum"]))))
            for where, node in schema_nodes(load_spec(api))
            if "enum" in node and EXAMPLE_ONLY_VALUES & set(map(str, node["enum"]))
        ]
        assert offending == []

    @pytest.mark.parametrize("api", APIS, ids=APIS)
    def test_enums_are_documented_sets(self, api: str) -> None:
        """An `enum` appears only on a DOC node and never beside `x-known-values`."""
        for where, node in schema_nodes(load_spec(api)):
            if "enum" in node:
                assert node["x-evidence"] == "DOC", where
                assert "x-known-values" not in node, where

    @pytest.mark.parametrize("api", APIS, ids=APIS)
    def test_known_values_are_string_lists(self, api: str) -> None:
        """`x-known-values` sits on string properties and lists strings."""
        for where, node in schema_nodes(load_spec(api)):
            if "x-known-values" in node:
                assert node.get("type") == "string", where
                assert all(isinstance(value, str) for value in node["x-known-values"]), where

    @pytest.mark.parametrize(
        ("api", "schema", "prop", "value"),
        KNOWN_VALUE_CASES,
        ids=[f"{api}:{schema}.{prop}={value}" for api, schema, prop, value in KNOWN_VALUE_CASES],
    )
    def test_example_value_is_recorded(self, api: str, schema: str, prop: str, value: str) -> None:
        """An example-only value is listed in its property's `x-known-values` and the property has no `enum`."""
        node = load_spec(api)["components"]["schemas"][schema]["properties"][prop]
        assert value in node["x-known-values"]
        assert "enum" not in node

    def test_batch_status_is_the_documented_lifecycle(self) -> None:
        """The guide gives a lifecycle, not a value set: known values, and the terminal ones in each `x-poll`."""
        spec = load_spec("collection")
        node = spec["components"]["schemas"]["BatchStatus"]
        assert "enum" not in node
        assert node["x-known-values"] == ["QUEUED", "SUCCESS", "PARTIAL", "FAILED"]
        assert _count(spec, "x-poll") == 2
        for operation in ("/orgs/{orgId}/invoices", "/orgs/{orgId}/payments"):
            link = spec["paths"][operation]["post"]["responses"]["202"]["links"]["GetBatch"]
            assert link["x-poll"]["terminal"] == ["SUCCESS", "PARTIAL", "FAILED"]


class TestDocumentedDetails:
    """Spot checks of what the vendor pages state."""

    @pytest.mark.parametrize(
        ("component", "name", "default", "maximum"),
        ARM_PAGING_CASES,
        ids=[name for _, name, _, _ in ARM_PAGING_CASES],
    )
    def test_arm_aritems_paging(self, component: str, name: str, default: int, maximum: int) -> None:
        """AR item list paging parameters carry the documented default and cap as DOC."""
        param = load_spec("arm")["components"]["parameters"][component]
        assert param["name"] == name
        assert param["schema"]["default"] == default
        assert param["schema"]["maximum"] == maximum
        assert param["schema"]["x-evidence"] == "DOC"

    @pytest.mark.parametrize("component", ["ArItemsPageSize", "PageSize"], ids=["aritems", "generic"])
    def test_arm_pagesize_fallback(self, component: str) -> None:
        """A page size below 5 falls back to 10 (About page), recorded as `x-fallback` on a DOC node."""
        schema = load_spec("arm")["components"]["parameters"][component]["schema"]
        assert schema["x-fallback"] == {"below": 5, "value": 10}
        assert schema["x-evidence"] == "DOC"

    def test_arm_parameter_names_are_lower_case(self) -> None:
        """ARM path and query parameter names are always lower case (headers keep their HTTP names)."""
        names = {param["name"] for _, param in parameters(load_spec("arm")) if param["in"] != "header"}
        assert names
        assert [name for name in names if name != name.lower()] == []

    def test_arm_get_one_batch_codes(self) -> None:
        """ARM get-one-batch answers 200, 202 and 206, as documented."""
        operation = load_spec("arm")["paths"]["/clients/{clientno}/batches/{batchuuid}"]["get"]
        assert {"200", "202", "206"} <= set(operation["responses"])
        assert operation["x-status-codes-evidence"] == "DOC"

    def test_invoice_creation_needs_scope(self) -> None:
        """Invoice creation requires the `write:collection.case` scope of a client-credentials token."""
        spec = load_spec("collection")
        operation = spec["paths"]["/orgs/{orgId}/invoices"]["post"]
        assert operation["security"] == [{"identiverse": ["write:collection.case"]}]
        flow = spec["components"]["securitySchemes"]["identiverse"]["flows"]["clientCredentials"]
        assert flow["tokenUrl"] == "https://auth.staging.amili.no/token"
        assert "write:collection.case" in flow["scopes"]

    @pytest.mark.parametrize(("api", "operation_id"), ASYNC_CREATIONS, ids=[op for _, op in ASYNC_CREATIONS])
    def test_async_creation_answers_202_with_batch_reference(self, api: str, operation_id: str) -> None:
        """Creation answers 202 with a body whose data carries an (INFERRED) `batchId`."""
        spec = load_spec(api)
        operation = next(op for _, _, op in operations(spec) if op["operationId"] == operation_id)
        body = resolve(spec, operation["responses"]["202"]["content"]["application/json"]["schema"])
        reference = resolve(spec, body["properties"]["data"])
        assert reference["properties"]["batchId"]["x-evidence"] == "INFERRED"

    def test_legacy_batch_post(self) -> None:
        """Legacy `POST /webapi/api/Batch`: Basic (older page) or JWT bearer and `senderid` (newer page)."""
        spec = load_spec("autocollect")
        operation = spec["paths"]["/webapi/api/Batch"]["post"]
        assert operation["security"] == [{"basicAuth": []}, {"bearerAuth": []}]
        assert [param["name"] for param in operation["parameters"]] == ["senderid"]
        assert spec["components"]["securitySchemes"]["basicAuth"]["scheme"] == "basic"
        assert list(operation["requestBody"]["content"]) == ["application/json-patch+json"]

    @pytest.mark.parametrize("api", ["collection", "autocollect", "arm"], ids=["collection", "autocollect", "arm"])
    def test_jwt_bearer_is_documented(self, api: str) -> None:
        """Collection, AutoCollect and ARM default to the documented JWT bearer scheme."""
        spec = load_spec(api)
        assert spec["security"] == [{"bearerAuth": []}]
        scheme = spec["components"]["securitySchemes"]["bearerAuth"]
        assert (scheme["scheme"], scheme["bearerFormat"], scheme["x-evidence"]) == ("bearer", "JWT", "DOC")

    @pytest.mark.parametrize(
        "api", ["distribution-invoice", "distribution-partner"], ids=["distribution-invoice", "distribution-partner"]
    )
    def test_distribution_security_is_inferred(self, api: str) -> None:
        """Distribution and Partner auth is unknown, so their security is marked INFERRED."""
        spec = load_spec(api)
        assert spec["x-security-evidence"] == "INFERRED"
        assert all(s["x-evidence"] == "INFERRED" for s in spec["components"]["securitySchemes"].values())

    def test_collection_servers(self) -> None:
        """The `/collection/v1` prefix lives in the server URLs: staging DOC, production INFERRED."""
        servers = {s["url"]: s["x-evidence"] for s in load_spec("collection")["servers"]}
        assert servers == {
            "https://api.staging.amili.no/collection/v1": "DOC",
            "https://api.amili.no/collection/v1": "INFERRED",
        }

    def test_identity_token_flow(self) -> None:
        """`POST /token` takes the client-credentials form and returns the documented token fields."""
        spec = load_spec("identity")
        operation = spec["paths"]["/token"]["post"]
        request = resolve(spec, operation["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"])
        assert set(request["required"]) == {"grant_type", "client_id", "client_secret"}
        response = resolve(spec, operation["responses"]["200"]["content"]["application/json"]["schema"])
        assert set(response["properties"]) == {
            "access_token",
            "token_type",
            "not_before",
            "expires_in",
            "expires_on",
            "resource",
        }

    @pytest.mark.parametrize("api", APIS, ids=APIS)
    def test_paging_parameters_are_shared_components(self, api: str) -> None:
        """Page-token paging parameters are defined once in components and referenced."""
        spec = load_spec(api)
        paging = {"pagetoken", "pagesize"}
        for path, item in spec["paths"].items():
            for method in HTTP_METHODS:
                for param in item.get(method, {}).get("parameters", []):
                    if "$ref" not in param:
                        assert param["name"].lower() not in paging, f"{method.upper()} {path} {param['name']}"

    def test_envelope_is_shared(self) -> None:
        """The `{summary, data}` envelope's summary is one component, referenced by every envelope."""
        schemas = load_spec("collection")["components"]["schemas"]
        assert set(schemas["Summary"]["properties"]) == {"status", "nextPageToken"}
        envelopes = [name for name in schemas if name.endswith("Envelope")]
        assert envelopes
        for name in envelopes:
            assert schemas[name]["properties"]["summary"]["$ref"] == "#/components/schemas/Summary", name


def _count(node: Any, key: str) -> int:
    if isinstance(node, dict):
        return (key in node) + sum(_count(value, key) for value in node.values())
    if isinstance(node, list):
        return sum(_count(value, key) for value in node)
    return 0


class TestLifecycleExtensions:
    """Every `x-poll` and `x-transition` resolves to operations, so no lifecycle is silently skipped."""

    @pytest.mark.parametrize("api", APIS, ids=APIS)
    def test_each_extension_resolves(self, api: str) -> None:
        spec = apiconform_load_spec(spec_path(api))
        polls = [creation.poll for creation in creations(spec) if creation.poll is not None]
        assert len(polls) == _count(spec.raw, "x-poll")
        assert all(poll.created is not None and poll.terminal for poll in polls)
        assert len(transitions(spec)) == _count(spec.raw, "x-transition")
        roles = token_roles(spec)
        assert (0 if roles is None else len(roles.rules)) == _count(spec.raw, "x-token")

    def test_collection_lifecycle(self) -> None:
        """Invoices first, then payments against the created invoice; pause, resume and withdraw read it back."""
        spec = apiconform_load_spec(spec_path("collection"))
        assert [(creation.operation.operation_id, set(creation.needs)) for creation in creations(spec)] == [
            ("createInvoices", set()),
            ("createPayments", {"invoiceId"}),
        ]
        assert {rule.operation.operation_id: (rule.read.operation_id, rule.to) for rule in transitions(spec)} == {
            "pauseInvoice": ("getInvoiceById", "PAUSED"),
            "resumeInvoice": ("getInvoiceById", "OPEN"),
            "withdrawInvoice": ("getInvoiceById", "WITHDRAWN"),
        }
