"""Sandbox layer: the embedded reference server and its fault catalogue.

It may import core and specs only. Nothing in checks or runner may import the fault switch: the
suite must judge a target from HTTP alone, and the sandbox is just another target. The server (uvicorn,
Starlette, the seeded vendors) is imported on first use of `Sandbox`, so a command that only names a
fault, or runs against a real target, does not load it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from apiconform.sandbox._faults import FAULTS, Fault, FaultInfo

if TYPE_CHECKING:
    from apiconform.sandbox._server import Sandbox

__all__ = ["FAULTS", "Fault", "FaultInfo", "Sandbox"]


def __getattr__(name: str) -> Any:
    if name != "Sandbox":
        raise AttributeError(f"module 'apiconform.sandbox' has no attribute {name!r}")
    from apiconform.sandbox._server import Sandbox  # noqa: PLC0415 - the server is loaded only when one is embedded

    globals()["Sandbox"] = Sandbox
    return Sandbox
