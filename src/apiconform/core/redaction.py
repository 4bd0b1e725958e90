"""Keeping secrets out of everything apiconform writes: reports, logs, curl lines and error text."""

from __future__ import annotations

import base64
import shlex
from collections.abc import Iterable, Mapping
from urllib.parse import quote, quote_plus

__all__ = ["REDACTED", "Redactor"]

REDACTED = "[REDACTED]"

# Headers whose value is a credential whatever the config says.
ALWAYS_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"})
# A secret shorter than this is too likely to occur by chance in ordinary text to be replaced everywhere.
MIN_SECRET_LENGTH = 4


class Redactor:
    """Replaces known secret values and credential headers before anything is rendered.

    The curl line names the environment variable a secret came from, so a person can rerun it
    with the credential they already have instead of reading it from a report.
    """

    def __init__(
        self,
        secrets: Iterable[str] = (),
        *,
        secret_headers: Iterable[str] = (),
        token_env: str = "APICONFORM_TOKEN",
    ) -> None:
        self._secrets: list[str] = []
        for secret in secrets:
            self.add(secret)
        self._secret_headers = ALWAYS_SECRET_HEADERS | {name.lower() for name in secret_headers}
        self.token_env = token_env

    def add(self, secret: str) -> None:
        """Tokens fetched during a run are secrets too; they join the list as soon as they exist."""
        if len(secret) < MIN_SECRET_LENGTH or secret in self._secrets:
            return
        # A Basic credential travels base64-encoded and a form field URL-encoded; catch those spellings too.
        spellings = {secret, base64.b64encode(secret.encode()).decode(), quote_plus(secret), quote(secret, safe="")}
        self._secrets = sorted({*self._secrets, *spellings}, key=len, reverse=True)

    def text(self, value: str) -> str:
        for secret in self._secrets:
            value = value.replace(secret, REDACTED)
        return value

    def headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        return {
            name: REDACTED if name.lower() in self._secret_headers else self.text(value)
            for name, value in headers.items()
        }

    def curl(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes | None = None,
        *,
        token_env: str | None = None,
    ) -> str:
        """A copy-paste reproduction in which credentials come from the environment, never from the text.

        `token_env` names the variable a bearer credential is read from (default: the run's); an empty
        string keeps the literal value, for stand-in tokens that are no secret.
        """
        env = self.token_env if token_env is None else token_env
        parts = ["curl", "-X", method.upper()]
        for name, value in headers.items():
            lowered = name.lower()
            if lowered in {"content-length", "accept-encoding", "connection", "user-agent", "host"}:
                continue
            if lowered == "authorization" and value.lower().startswith("bearer ") and env:
                parts += ["-H", f'"Authorization: Bearer ${env}"']
                continue
            if lowered == "authorization" and not env:
                parts += ["-H", shlex.quote(f"{name}: {self.text(value)}")]
                continue
            if lowered in self._secret_headers:
                parts += ["-H", shlex.quote(f"{name}: {REDACTED}")]
                continue
            parts += ["-H", shlex.quote(f"{name}: {self.text(value)}")]
        if body:
            parts += ["-d", shlex.quote(self.text(body.decode("utf-8", errors="replace")))]
        parts.append(shlex.quote(self.text(url)))
        return " ".join(parts)
