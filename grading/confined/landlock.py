"""Landlock: restrict this process's file access, TCP ports and scopes without privilege.

A worker calls `restrict` once, after it has opened everything it needs and before the
seccomp filter: from then on it (and any thread) may read only below `read`, read and
write only below `write`, open no TCP connection and bind no TCP port (ABI 4), and
neither signal nor reach the abstract unix sockets of processes outside its own domain
(ABI 6). Landlock needs no capability (only no_new_privs) and works inside Docker's
default profile. Path lookups and stat() are not restricted, only opening and changing.

Standard library only: the worker loads this module. Numbers from <linux/landlock.h>;
the three system calls have the same numbers on every architecture.
"""

from __future__ import annotations

import ctypes
import os
import stat

CREATE_RULESET, ADD_RULE, RESTRICT_SELF = 444, 445, 446
CREATE_RULESET_VERSION = 1
RULE_PATH_BENEATH, RULE_NET_PORT = 1, 2

EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
REMOVE_DIR, REMOVE_FILE, MAKE_CHAR, MAKE_DIR = 1 << 4, 1 << 5, 1 << 6, 1 << 7
MAKE_REG, MAKE_SOCK, MAKE_FIFO, MAKE_BLOCK, MAKE_SYM = 1 << 8, 1 << 9, 1 << 10, 1 << 11, 1 << 12
REFER, TRUNCATE, IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15  # ABI 2, 3, 5
NET_BIND_TCP, NET_CONNECT_TCP = 1 << 0, 1 << 1  # ABI 4
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1  # ABI 6

FS_BY_ABI = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 5: (1 << 16) - 1}
READ = EXECUTE | READ_FILE | READ_DIR
FILE_ONLY = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV  # what a file rule may hold


class _RulesetAttr(ctypes.Structure):
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),  # ABI 4
        ("scoped", ctypes.c_uint64),  # ABI 6
    ]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def abi(libc: ctypes.CDLL | None = None) -> int:
    """The kernel's Landlock ABI version; 0 where Landlock is missing or disabled."""
    libc = libc or ctypes.CDLL(None, use_errno=True)
    version = libc.syscall(CREATE_RULESET, None, ctypes.c_size_t(0), CREATE_RULESET_VERSION)
    return max(int(version), 0)


def handled_fs(version: int) -> int:
    """Every file-system right the kernel's ABI `version` knows (all are handled)."""
    return FS_BY_ABI[max(v for v in FS_BY_ABI if v <= version)]


def restrict(
    read: list[str], write: list[str], *, libc: ctypes.CDLL | None = None
) -> tuple[int, list[str]]:
    """Confine this process (for good) to reading below `read` and reading and writing
    below `write` (folders or single files; missing paths are skipped); no TCP bind or
    connect; signals and abstract unix sockets scoped to the domain.

    Returns `(abi, notes)`: the ABI that was used (0: nothing was restricted, Landlock is
    missing) and what the restriction does not cover on this kernel. Raises OSError if
    the kernel has Landlock but refuses the ruleset (the worker must then not run).
    """
    libc = libc or ctypes.CDLL(None, use_errno=True)
    version = abi(libc)
    if version == 0:
        return 0, []
    fs = handled_fs(version)
    attr = _RulesetAttr(fs, 0, 0)
    notes = []
    if version >= 4:
        attr.handled_access_net = NET_BIND_TCP | NET_CONNECT_TCP
    else:
        notes.append("Landlock before ABI 4: TCP is not restricted")
    if version >= 6:
        attr.scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL
    else:
        notes.append("Landlock before ABI 6: signals and abstract unix sockets are not scoped")
    ruleset = libc.syscall(CREATE_RULESET, ctypes.byref(attr), ctypes.sizeof(attr), 0)
    if ruleset < 0:
        _raise(ctypes.get_errno(), "landlock_create_ruleset")
    try:
        for paths, access in ((read, READ & fs), (write, fs)):
            for path in paths:
                _allow(libc, ruleset, path, access)
        if libc.prctl(38, 1, 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS: required by Landlock
            _raise(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS)")
        if libc.syscall(RESTRICT_SELF, ruleset, 0) != 0:
            _raise(ctypes.get_errno(), "landlock_restrict_self")
    finally:
        os.close(ruleset)
    return version, notes


def _allow(libc: ctypes.CDLL, ruleset: int, path: str, access: int) -> None:
    """Add a rule granting `access` below `path` (a file gets only file rights)."""
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return  # a folder this system does not have
    try:
        if not stat.S_ISDIR(os.fstat(fd).st_mode):  # fstat works on an O_PATH descriptor
            access &= FILE_ONLY
        rule = _PathBeneathAttr(access, fd)
        if libc.syscall(ADD_RULE, ruleset, RULE_PATH_BENEATH, ctypes.byref(rule), 0) != 0:
            _raise(ctypes.get_errno(), f"landlock_add_rule {path}")
    finally:
        os.close(fd)


def _raise(err: int, what: str) -> None:
    raise OSError(err, f"{what}: {os.strerror(err)}")
