"""Keeping secrets out of everything apiconform writes: reports, logs, curl lines and error text.

Three kinds of secret: values the run was given (tokens, passwords, header values from the environment),
values it fetched (client-credentials tokens), and values the target hands out in bodies (`access_token`,
`password`, `client_secret`, ... fields), which are learnt the moment a body passes through `text`.
"""

from __future__ import annotations

import base64
import re
import shlex
from collections.abc import Iterable, Mapping
from urllib.parse import quote, quote_plus

__all__ = ["REDACTED", "Redactor", "is_credential_field"]

REDACTED = "[REDACTED]"

# Headers whose value is a credential whatever the config says.
ALWAYS_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"})
# A secret shorter than this is too likely to occur by chance in ordinary text to be replaced everywhere.
MIN_SECRET_LENGTH = 4
# A value learnt from a body field must be longer: `"apiKey": "none"` must not redact every "none".
MIN_LEARNT_LENGTH = 8
# Body fields that hold a credential: `token`, `access_token`, `refreshToken`, `client_secret`, `apiKey`, ...
_FIELD = r"[A-Za-z0-9_.-]*(?:token|secret|password|passwd|api[_-]?key)"
_CREDENTIAL_FIELD = re.compile(rf"^{_FIELD}$", re.IGNORECASE)
# In JSON (`"token": "..."`) and in forms (`token=...`); a cut-off body still matches up to where it ends.
_JSON_FIELD = re.compile(rf'"(?:{_FIELD})"\s*:\s*"((?:[^"\\]|\\.)*)', re.IGNORECASE)
_FORM_FIELD = re.compile(rf"(?:^|[&?])(?:{_FIELD})=([^&\s#]*)", re.IGNORECASE)
_SKIPPED_CURL_HEADERS = frozenset({"content-length", "accept-encoding", "connection", "user-agent", "host"})


def is_credential_field(name: str) -> bool:
    return bool(_CREDENTIAL_FIELD.match(name))


class Redactor:
    """Replaces secret values and credential headers before anything is rendered.

    A curl line names the environment variable a secret came from (`$VENDOR_TOKEN`), so a person can
    rerun it with the credential they already have instead of reading it from a report.
    """

    def __init__(self, secrets: Iterable[str] = (), *, secret_headers: Iterable[str] = ()) -> None:
        self._secrets: list[str] = []
        self._pattern: re.Pattern[str] | None = None
        # Spelling -> the shell reference a curl line uses instead, e.g. `$VENDOR_TOKEN`.
        self._references: dict[str, str] = {}
        # Credential values that are no secret (a deliberately malformed token), shown as they are.
        self._public: set[str] = set()
        for secret in secrets:
            self.add(secret)
        self._secret_headers = ALWAYS_SECRET_HEADERS | {name.lower() for name in secret_headers}

    def add(self, secret: str, *, reference: str = "", minimum: int = MIN_SECRET_LENGTH) -> None:
        """A secret joins the list as soon as it exists; `reference` is how a curl line names it (`$VAR`)."""
        if len(secret) < minimum:
            return
        # A Basic credential travels base64-encoded and a form field URL-encoded; catch those spellings too.
        spellings = {secret, base64.b64encode(secret.encode()).decode(), quote_plus(secret), quote(secret, safe="")}
        if reference:
            for spelling in spellings - {base64.b64encode(secret.encode()).decode()}:
                self._references.setdefault(spelling, reference)
        if spellings <= set(self._secrets):
            return
        self._secrets = sorted({*self._secrets, *spellings}, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(secret) for secret in self._secrets))

    def is_secret_header(self, name: str) -> bool:
        return name.lower() in self._secret_headers

    def allow(self, value: str) -> None:
        """A credential value that is no secret (a probe's malformed token): curl lines show it as it is."""
        self._public.add(value)

    def learn(self, text: str) -> None:
        """Values of credential fields in a body become secrets, wherever else they turn up."""
        for pattern in (_JSON_FIELD, _FORM_FIELD):
            for match in pattern.finditer(text):
                self.add(match.group(1), minimum=MIN_LEARNT_LENGTH)

    def holds_secret(self, value: str) -> bool:
        return self._pattern is not None and self._pattern.search(value) is not None

    def text(self, value: str) -> str:
        self.learn(value)
        if self._pattern is None:
            return value
        return self._pattern.sub(REDACTED, value)

    def headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        return {
            name: REDACTED if name.lower() in self._secret_headers else self.text(value)
            for name, value in headers.items()
        }

    def curl(self, method: str, url: str, headers: Mapping[str, str], body: bytes | None = None) -> str:
        """A copy-paste reproduction: credentials as the variables they came from, never as their values."""
        parts = ["curl", "-X", method.upper()]
        for name, value in headers.items():
            lowered = name.lower()
            if lowered in _SKIPPED_CURL_HEADERS or lowered.startswith("x-schemathesis"):
                continue
            pair = _basic_pair(value) if lowered == "authorization" else None
            if pair is not None and pair in self._references:
                parts += ["-u", f'"{self._references[pair]}"']
                continue
            if lowered in self._secret_headers and not self._is_public(value) and not self._references_in(value):
                parts += ["-H", shlex.quote(f"{name}: {REDACTED}")]
                continue
            parts += ["-H", self._word(f"{name}: {value}")]
        if body:
            parts += ["-d", self._word(body.decode("utf-8", errors="replace"))]
        parts.append(self._word(url))
        return " ".join(parts)

    def _is_public(self, value: str) -> bool:
        """A probe's stand-in credential, bare or after its scheme's word (`Token apiconform.malformed.token`)."""
        return value in self._public or value.partition(" ")[2] in self._public

    def _references_in(self, value: str) -> bool:
        self.learn(value)
        return self._pattern is not None and any(
            match.group(0) in self._references for match in self._pattern.finditer(value)
        )

    def _word(self, text: str) -> str:
        """One shell word: secrets with a variable become `$VAR` inside double quotes, the rest `[REDACTED]`."""
        self.learn(text)
        if self._pattern is None:
            return shlex.quote(text)
        pieces: list[tuple[str, bool]] = []
        position = 0
        for match in self._pattern.finditer(text):
            pieces.append((text[position : match.start()], False))
            reference = self._references.get(match.group(0))
            pieces.append((reference, True) if reference else (REDACTED, False))
            position = match.end()
        pieces.append((text[position:], False))
        if not any(is_reference for _, is_reference in pieces):
            return shlex.quote("".join(piece for piece, _ in pieces))
        return '"' + "".join(piece if is_reference else _escape(piece) for piece, is_reference in pieces) + '"'


def _basic_pair(value: str) -> str | None:
    """`user:password` of a Basic credential, which curl sends itself with `-u`."""
    if not value.startswith("Basic "):
        return None
    try:
        return base64.b64decode(value[len("Basic ") :], validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return None


def _escape(text: str) -> str:
    """Literal text inside a double-quoted shell word."""
    return re.sub(r'([\\"$`])', r"\\\1", text)
