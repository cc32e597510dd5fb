"""A seccomp filter for the worker, built with ctypes (no libseccomp needed).

Refused with EPERM: new processes (fork, vfork, clone of a process; threads are allowed),
exec, tracing and reading other processes, namespaces and mounts, kernel keyrings, BPF,
io_uring (which could bypass the filter), module loading. Allowed only on the worker
itself: kill, tgkill, prlimit64 and sched_setaffinity, so that a submission cannot signal
or re-limit the grader even when both run as the same user. Any x32 system call or a
foreign architecture kills the worker. Only the standard library is imported.
"""

from __future__ import annotations

import ctypes
import os

PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
CLONE_THREAD = 0x00010000
LD_ABS, JEQ, JGE, JSET, RET = 0x20, 0x15, 0x35, 0x45, 0x06
ALLOW, KILL, ERRNO = 0x7FFF0000, 0x80000000, 0x00050000
EPERM, ENOSYS = 1, 38
NR, ARCH, ARG0 = 0, 4, 16  # offsets in struct seccomp_data

DENIED = (
    "fork vfork execve execveat ptrace process_vm_readv process_vm_writev tkill "
    "rt_sigqueueinfo rt_tgsigqueueinfo pidfd_open pidfd_send_signal pidfd_getfd "
    "process_madvise kcmp setpriority migrate_pages move_pages perf_event_open unshare "
    "setns mount umount2 pivot_root chroot keyctl add_key request_key bpf userfaultfd "
    "io_uring_setup io_uring_enter io_uring_register kexec_load init_module finit_module "
    "delete_module name_to_handle_at open_by_handle_at"
).split()
OWN_PROCESS_ONLY = ("kill", "tgkill", "prlimit64", "sched_setaffinity")

# Audit architecture and system call numbers (arch/x86/entry/syscalls/syscall_64.tbl;
# include/uapi/asm-generic/unistd.h for aarch64, which has no fork or vfork).
X86_64 = {
    "kill": 62,
    "tkill": 200,
    "tgkill": 234,
    "prlimit64": 302,
    "sched_setaffinity": 203,
    "setpriority": 141,
    "clone": 56,
    "clone3": 435,
    "fork": 57,
    "vfork": 58,
    "execve": 59,
    "execveat": 322,
    "ptrace": 101,
    "process_vm_readv": 310,
    "process_vm_writev": 311,
    "rt_sigqueueinfo": 129,
    "rt_tgsigqueueinfo": 297,
    "pidfd_open": 434,
    "pidfd_send_signal": 424,
    "pidfd_getfd": 438,
    "process_madvise": 440,
    "kcmp": 312,
    "migrate_pages": 256,
    "move_pages": 279,
    "perf_event_open": 298,
    "unshare": 272,
    "setns": 308,
    "mount": 165,
    "umount2": 166,
    "pivot_root": 155,
    "chroot": 161,
    "keyctl": 250,
    "add_key": 248,
    "request_key": 249,
    "bpf": 321,
    "userfaultfd": 323,
    "io_uring_setup": 425,
    "io_uring_enter": 426,
    "io_uring_register": 427,
    "kexec_load": 246,
    "init_module": 175,
    "finit_module": 313,
    "delete_module": 176,
    "name_to_handle_at": 303,
    "open_by_handle_at": 304,
}
AARCH64 = {
    "kill": 129,
    "tkill": 130,
    "tgkill": 131,
    "prlimit64": 261,
    "sched_setaffinity": 122,
    "setpriority": 140,
    "clone": 220,
    "clone3": 435,
    "execve": 221,
    "execveat": 281,
    "ptrace": 117,
    "process_vm_readv": 270,
    "process_vm_writev": 271,
    "rt_sigqueueinfo": 138,
    "rt_tgsigqueueinfo": 240,
    "pidfd_open": 434,
    "pidfd_send_signal": 424,
    "pidfd_getfd": 438,
    "process_madvise": 440,
    "kcmp": 272,
    "migrate_pages": 238,
    "move_pages": 239,
    "perf_event_open": 241,
    "unshare": 97,
    "setns": 268,
    "mount": 40,
    "umount2": 39,
    "pivot_root": 41,
    "chroot": 51,
    "keyctl": 219,
    "add_key": 217,
    "request_key": 218,
    "bpf": 280,
    "userfaultfd": 282,
    "io_uring_setup": 425,
    "io_uring_enter": 426,
    "io_uring_register": 427,
    "kexec_load": 104,
    "init_module": 105,
    "finit_module": 273,
    "delete_module": 106,
    "name_to_handle_at": 264,
    "open_by_handle_at": 265,
}
ARCHES = {"x86_64": (0xC000003E, X86_64), "aarch64": (0xC00000B7, AARCH64)}


def build_filter(machine: str, pid: int) -> list[tuple[int, int, int, int]] | None:
    """The BPF program as (code, jt, jf, k) tuples, or None on an unknown machine."""
    if machine not in ARCHES:
        return None
    arch, numbers = ARCHES[machine]
    prog = [
        (LD_ABS, 0, 0, ARCH),
        (JEQ, 1, 0, arch),
        (RET, 0, 0, KILL),
        (LD_ABS, 0, 0, NR),
        (JGE, 0, 1, 0x40000000),
        (RET, 0, 0, KILL),
    ]
    for name in DENIED:
        if name in numbers:
            prog += [(JEQ, 0, 1, numbers[name]), (RET, 0, 0, ERRNO | EPERM)]
    for name in OWN_PROCESS_ONLY:  # allowed when the first argument is 0 or the worker
        prog += [
            (JEQ, 0, 5, numbers[name]),
            (LD_ABS, 0, 0, ARG0),
            (JEQ, 2, 0, 0),
            (JEQ, 1, 0, pid),
            (RET, 0, 0, ERRNO | EPERM),
            (RET, 0, 0, ALLOW),
        ]
    # clone3 answers ENOSYS so that the C library falls back to clone, whose flags we read.
    prog += [(JEQ, 0, 1, numbers["clone3"]), (RET, 0, 0, ERRNO | ENOSYS)]
    prog += [
        (JEQ, 0, 3, numbers["clone"]),
        (LD_ABS, 0, 0, ARG0),
        (JSET, 1, 0, CLONE_THREAD),
        (RET, 0, 0, ERRNO | EPERM),
    ]
    prog += [(RET, 0, 0, ALLOW)]
    return prog


def install(libc: ctypes.CDLL) -> bool:
    """Install the filter on this process (PR_SET_NO_NEW_PRIVS must be set); True on success."""
    prog = build_filter(os.uname().machine, os.getpid())
    if prog is None:
        return False

    class SockFilter(ctypes.Structure):
        _fields_ = [
            ("code", ctypes.c_ushort),
            ("jt", ctypes.c_ubyte),
            ("jf", ctypes.c_ubyte),
            ("k", ctypes.c_uint),
        ]

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(SockFilter))]

    filters = (SockFilter * len(prog))(*[SockFilter(*ins) for ins in prog])
    fprog = SockFprog(len(prog), filters)
    return libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) == 0
