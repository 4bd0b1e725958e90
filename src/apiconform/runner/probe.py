"""Is anything listening at the target? Answered before a run, so a down target is exit 3, not a wall of errors."""

from __future__ import annotations

import requests

from apiconform.core.errors import TargetUnreachable, UsageError
from apiconform.runner.bounded import bounded_exchange, mount_bounds
from apiconform.runner.problems import ProblemKind, transport_problem

__all__ = ["probe"]

PROBE_TIMEOUT = 5.0
# The probe only needs to see that something answers; its body is not read past this.
PROBE_MAX_BYTES = 64 * 1024
# A target that answered, however badly, is up: the run reports what is wrong with its answers.
_ANSWERED = frozenset({ProblemKind.MALFORMED, ProblemKind.INCOMPLETE, ProblemKind.TOO_LARGE, ProblemKind.REDIRECTS})


def probe(base_url: str, *, verify: bool | str = True, timeout: float = PROBE_TIMEOUT) -> None:
    """Any HTTP answer, even a 404, proves the target is up; only a transport failure is 'unreachable'.

    The probe is bounded like every request of a run: `timeout` seconds in total, however slowly the
    target answers, and no redirect followed.
    """
    # A plain session: the probe follows no redirect, and schemathesis's session would load the engine.
    session = requests.Session()
    session.headers.clear()
    mount_bounds(session, timeout=timeout, max_bytes=PROBE_MAX_BYTES)
    try:
        with bounded_exchange(timeout=timeout, max_bytes=PROBE_MAX_BYTES):
            session.get(base_url, timeout=timeout, verify=verify, allow_redirects=False)
    except (requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema):
        raise UsageError(f"--base-url must be an http:// or https:// URL, got {base_url!r}") from None
    except (requests.exceptions.InvalidURL, ValueError) as exc:
        raise UsageError(f"invalid base URL {base_url!r}: {_first_line(exc)}") from None
    except requests.RequestException as exc:
        problem = transport_problem(exc)
        if problem is not None and problem.kind in _ANSWERED:
            return
        if problem is not None and problem.kind is ProblemKind.TIMEOUT:
            raise TargetUnreachable(base_url, f"no answer within {timeout:g}s") from None
        raise TargetUnreachable(base_url, problem.reason if problem is not None else _first_line(exc)) from None
    finally:
        session.close()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
