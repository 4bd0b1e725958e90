"""The token lifecycle: issue a token, verify it, refresh it, verify the new one.

Operations say their role with `x-token` (issue, refresh, verify). The flow uses the target's own
client credentials and only tokens it was just issued, never the run's token: refreshing that one
could end the run's session at a vendor that rotates tokens.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from apiconform.core.vocabulary import CheckClass, Evidence
from apiconform.runner.credentials import ClientCredentials
from apiconform.runner.lifecycle.flow import Flow, json_body
from apiconform.runner.lifecycle.values import pointer
from apiconform.specs.document import Operation, SpecDocument
from apiconform.specs.evidence import evidence_of

__all__ = ["TokenRoles", "token_lifecycle", "token_roles"]

GRANT = "client_credentials"
MIN_TOKEN_LENGTH = 16


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenRoles:
    issue: Operation
    verify: Operation
    refresh: Operation | None
    rules: dict[str, dict[str, Any]]  # role -> its x-token object

    def evidence(self, role: str) -> Evidence:
        operation = {"issue": self.issue, "verify": self.verify, "refresh": self.refresh}[role]
        assert operation is not None  # noqa: S101 - only asked for roles the spec has
        return Evidence.weakest(operation.evidence, evidence_of(self.rules[role]))


def token_roles(spec: SpecDocument) -> TokenRoles | None:
    found = {
        str(rule.get("role")): (operation, rule)
        for operation in spec.operations
        if isinstance(rule := operation.raw.get("x-token"), dict)
    }
    if "issue" not in found or "verify" not in found:
        return None
    return TokenRoles(
        issue=found["issue"][0],
        verify=found["verify"][0],
        refresh=found["refresh"][0] if "refresh" in found else None,
        rules={role: rule for role, (_, rule) in found.items()},
    )


def token_lifecycle(flow: Flow, roles: TokenRoles, credentials: ClientCredentials, *, refresh: bool) -> None:
    """Issue → verify → refresh → verify (the refresh where the run may send it); each broken step is a finding."""
    flow.sender.redactor.add(credentials.client_secret)
    form = {"grant_type": GRANT, "client_id": credentials.client_id, "client_secret": credentials.client_secret}
    if credentials.scope:
        form["scope"] = credentials.scope
    issued = _obtain(flow, roles, "issue", form)
    if issued is None or not _verified(flow, roles, issued, "issued") or roles.refresh is None or not refresh:
        return
    refreshed = _obtain(flow, roles, "refresh", {str(roles.rules["refresh"].get("field", "refresh_token")): issued})
    if refreshed is not None:
        _verified(flow, roles, refreshed, "refreshed")


def _obtain(flow: Flow, roles: TokenRoles, role: str, form: dict[str, str]) -> str | None:
    operation = roles.issue if role == "issue" else roles.refresh
    assert operation is not None  # noqa: S101 - refresh is asked for only when the spec has it
    exchange = flow.send(operation, {}, check=CheckClass.STATEFUL, form=form, credential=None)
    token = pointer(json_body(exchange), str(roles.rules[role].get("token", "/access_token")))
    if exchange.succeeded and isinstance(token, str) and token:
        flow.sender.redactor.add(token)
        return token
    # A token under another name is still a live credential: every long string of the answer is kept out.
    for text in _strings(json_body(exchange)):
        flow.sender.redactor.add(text)
    flow.fail(
        operation,
        exchange,
        check=CheckClass.STATEFUL,
        evidence=roles.evidence(role),
        title=f"Token {role} gave no token ({exchange.status})",
        message=f"{operation.label} with the target's own client credentials must answer a token.",
        expected=f"a 2xx status with {roles.rules[role].get('token', '/access_token')}",
        source="token_lifecycle",
    )
    return None


def _strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node] if len(node) >= MIN_TOKEN_LENGTH else []
    if isinstance(node, dict):
        return [text for value in node.values() for text in _strings(value)]
    if isinstance(node, list):
        return [text for value in node for text in _strings(value)]
    return []


def _verified(flow: Flow, roles: TokenRoles, token: str, which: str) -> bool:
    # The curl line names where a rerun gets this token: the answer of the issue or refresh request.
    flow.sender.redactor.add(token, reference=f"${which.upper()}_TOKEN")
    exchange = flow.send(roles.verify, {}, check=CheckClass.STATEFUL, credential=token)
    if exchange.succeeded:
        return True
    flow.fail(
        roles.verify,
        exchange,
        check=CheckClass.STATEFUL,
        evidence=roles.evidence("verify"),
        title=f"A just {which} token does not verify ({exchange.status})",
        message=f"The token {roles.issue.label if which == 'issued' else 'the refresh'} answered was refused.",
        expected="a 2xx status",
        source="token_lifecycle",
    )
    return False
