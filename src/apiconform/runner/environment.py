"""What `requests` reads from the environment for every request, read once per origin; and never ~/.netrc.

With `trust_env` on, requests looks up the proxies (walking os.environ and NO_PROXY), the CA bundle and
the user's ~/.netrc on every call: about 2 % of a run's CPU. Worse, a ~/.netrc entry for the target's
host replaces the run's own Authorization header with that entry's Basic credentials, so the run would
test, and send, somebody else's login. Bounded sessions turn `trust_env` off, and their adapter asks here
for what requests would have found: HTTP(S)_PROXY and ALL_PROXY unless NO_PROXY exempts the host, and
REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE when verification is on. Credentials come from apiconform's own
configuration only.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import urlsplit

from requests.utils import get_environ_proxies

__all__ = ["ca_bundle", "proxies_for"]


# The variables requests's proxy lookup reads (REQUEST_METHOD: under CGI it ignores HTTP_PROXY).
_PROXY_VARIABLES: Final = (
    *(spelling for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy") for spelling in (name, name.upper())),
    "REQUEST_METHOD",
)


def proxies_for(url: str, given: Mapping[str, str] | None) -> dict[str, str]:
    """The proxies requests would use for `url`: the ones a caller gave, then the environment's."""
    parts = urlsplit(url)
    no_proxy = given.get("no_proxy") if given else None
    snapshot = tuple(os.environ.get(name) for name in _PROXY_VARIABLES)
    return {**_environment_proxies(f"{parts.scheme}://{parts.netloc}", no_proxy, snapshot), **(given or {})}


@functools.lru_cache(maxsize=64)
def _environment_proxies(origin: str, no_proxy: str | None, snapshot: tuple[str | None, ...]) -> dict[str, str]:
    """Keyed by the variables' values too, so a changed environment is read afresh."""
    del snapshot
    return dict(get_environ_proxies(origin, no_proxy=no_proxy))


def ca_bundle(verify: Any) -> Any:
    """The `verify` requests would use: the environment's CA bundle wherever verification is simply on."""
    if verify is True or verify is None:
        return os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or verify
    return verify
