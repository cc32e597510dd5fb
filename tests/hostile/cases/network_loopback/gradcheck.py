"""relative_error tries the network: TCP and UDP to the test's loopback ports, an abstract unix
socket, and unix sockets in /tmp (also through open descriptors); sends what it can, then
answers correctly.
"""

import os
import socket

from . import _honest_gradcheck as honest
from ._honest_gradcheck import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------


def _reachable_dirs():
    """Guessed folders, and the ancestors of every folder this process holds open: a
    mount on top of an ancestor does not cover a path walked up from below."""
    dirs = ["/work/main", "/work", "/autograder", "/autograder/source", "/autograder/results"]
    dirs += ["/proc/1/cwd", f"/proc/{os.getppid()}/cwd", os.getcwd()]
    dirs += [os.getcwd() + "/.." * up for up in range(1, 7)]
    try:  # gone when the worker has no /proc
        fds = os.listdir("/proc/self/fd")
    except OSError:
        fds = []
    for fd in fds:
        base = f"/proc/self/fd/{fd}"
        if os.path.isdir(base):
            dirs += [base + "/.." * up for up in range(1, 7)]
    return dirs


MARKER = "nnkit-hostile-network_loopback"
PORTS = (47391, 47392, 47393)
TRIED = []


def _try(family, kind, address):
    try:
        with socket.socket(family, kind) as s:
            s.settimeout(1.0)
            s.connect(address)
            s.sendall(b"LOOT-FOUND " + MARKER.encode())
    except Exception:
        pass


def _attack():
    for port in PORTS:
        _try(socket.AF_INET, socket.SOCK_STREAM, ("127.0.0.1", port))
        _try(socket.AF_INET6, socket.SOCK_STREAM, ("::1", port))
        _try(socket.AF_INET, socket.SOCK_DGRAM, ("127.0.0.1", port))
    _try(socket.AF_UNIX, socket.SOCK_STREAM, "\0" + MARKER)
    for folder in ["/tmp", *_reachable_dirs()]:
        try:
            names = os.listdir(folder)
        except Exception:
            continue
        for name in names:
            if name.startswith(MARKER) and name.endswith(".sock"):
                _try(socket.AF_UNIX, socket.SOCK_STREAM, os.path.join(folder, name))


def relative_error(a, b):
    if not TRIED:
        TRIED.append(True)
        _attack()
    return honest.relative_error(a, b)
