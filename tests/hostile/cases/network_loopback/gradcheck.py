"""relative_error tries the network: TCP and UDP to the test's loopback ports, an abstract unix
socket, and unix sockets in /tmp (also through open descriptors); sends what it can, then
answers correctly.
"""

import os
import socket

import numpy as np


def numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient of a scalar function f at the array x.

    Inputs:
    - f: function taking an array shaped like x and returning one number
    - x: float64 array of any shape; perturbed in place one element at a time, so f may
      also read x through a closure (e.g. f = lambda _: loss(W) with x = W)
    - h: step size

    Returns:
    - grad: float64 array shaped like x, grad[i] = (f(x + h e_i) - f(x - h e_i)) / (2h)

    x holds its original values when this returns (even if f raises).
    """
    if not (isinstance(x, np.ndarray) and x.dtype == np.float64 and x.flags.writeable):
        x = np.array(x, dtype=np.float64)  # work on a writeable float64 copy
    grad = np.zeros(x.shape, dtype=np.float64)
    for i in np.ndindex(x.shape):
        old = x[i]
        try:
            x[i] = old + h
            f_plus = np.asarray(f(x), dtype=np.float64).item()
            x[i] = old - h
            f_minus = np.asarray(f(x), dtype=np.float64).item()
        finally:
            x[i] = old
        grad[i] = (f_plus - f_minus) / (2.0 * h)
    return grad


def _honest_relative_error(a, b):
    """Relative error between two arrays, as used to compare gradients.

    Inputs:
    - a, b: arrays of the same shape (or numbers)

    Returns:
    - err: float, max over elements of |a - b| / max(1e-8, |a| + |b|)
      (0.0 for empty arrays)
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    err = np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))
    return float(np.max(err, initial=0.0))


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
    return _honest_relative_error(a, b)
