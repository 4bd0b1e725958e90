"""Sandbox layer: the embedded reference server and its fault catalogue.

It may import core and specs only. Nothing in checks or runner may import the fault switch: the
suite must judge a target from HTTP alone, and the sandbox is just another target.
"""

from apiconform.sandbox._faults import FAULTS, Fault, FaultInfo
from apiconform.sandbox._server import Sandbox

__all__ = ["FAULTS", "Fault", "FaultInfo", "Sandbox"]
