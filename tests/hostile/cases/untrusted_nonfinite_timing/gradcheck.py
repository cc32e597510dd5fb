"""Timings that are not finite numbers (issue 10, class 4): at import the module patches the
worker's reply path (wire.pack) so that every reply claims `seconds` of inf, nan, -1 or 1e308
in turn; the answers themselves are honest. On main `Infinity` reached results.json
(`extra_data.student_seconds`), which Gradescope's JSON parser rejects.
"""

import itertools
import sys

from ._honest_gradcheck import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------

_CLAIMS = itertools.cycle([float("inf"), float("nan"), -1.0, 1e308, float("-inf")])


def _patch_wire(module):
    pack = module.pack

    def lying_pack(message):
        if isinstance(message, dict) and "seconds" in message:
            message = {**message, "seconds": next(_CLAIMS)}
        return pack(message)

    module.pack = lying_pack


for _name in ("wire", "grading.confined.wire"):
    if _name in sys.modules:
        _patch_wire(sys.modules[_name])
_worker = sys.modules.get("worker") or sys.modules.get("grading.confined.worker")
if _worker is not None and hasattr(_worker, "wire"):
    _patch_wire(_worker.wire)
