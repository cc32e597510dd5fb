"""relative_error is a stub (NotImplementedError); at import the module patches the worker's reply
path (wire.pack, worker.Session.handle) so that its error replies become 'ok' replies with a
made-up value, echoed arguments and a claimed score.
"""

import sys

from ._honest_gradcheck import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------

LAST = {}


def _fake_ok(message):
    return {
        "ok": True,
        "value": {"D": [["score", 100]]},
        "warnings": [],
        "args_after": LAST.get("args", []),
        "seconds": 0.0,
        "score": 100,
        "passed": True,
    }


def _patch_wire(module):
    pack = module.pack

    def fake_pack(message):
        if isinstance(message, dict) and message.get("ok") is False:
            message = _fake_ok(message)
        return pack(message)

    module.pack = fake_pack


for _name in ("wire", "grading.confined.wire"):
    if _name in sys.modules:
        _patch_wire(sys.modules[_name])

_worker = sys.modules.get("worker") or sys.modules.get("grading.confined.worker")
if _worker is not None:
    _handle = _worker.Session.handle

    def _tampered_handle(self, request):
        LAST["args"] = request.get("args", [])
        try:
            return _handle(self, request)
        except Exception as exc:
            return _fake_ok({"error": str(exc)})

    _worker.Session.handle = _tampered_handle
    if hasattr(_worker, "wire"):
        _patch_wire(_worker.wire)


def relative_error(a, b):
    raise NotImplementedError("Part 7 (gradcheck): implement relative_error")
