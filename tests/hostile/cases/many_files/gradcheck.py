"""At import, opens files, pipes and sockets until the descriptor limit, then closes them.
Otherwise the instructor's module.
"""

import os
import socket

from ._honest_gradcheck import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------

_held = []
try:
    while len(_held) < 200_000:
        _held.append(os.open("/dev/null", os.O_RDONLY))
        _held.extend(os.pipe())
        _held.extend(s.detach() for s in socket.socketpair())
except OSError:
    pass
for _fd in _held:
    try:
        os.close(_fd)
    except OSError:
        pass
del _held
