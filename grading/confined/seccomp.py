"""The worker's seccomp filter: an allow-list of the system calls a worker needs.

Everything not listed is refused with EPERM. The list was measured, not guessed:
bench/syscalls.py grades the solution, samples/submissions, tests/submissions and the
hostile corpus under strace and reports every call a worker made after its filter was
installed (see its docstring). Honest workers need little: memory, files (what they can
reach is decided by the view or Landlock, not here), the channel's socket, threads,
signals to themselves, clocks. Calls that take an argument are narrowed further: clone
only for threads (CLONE_THREAD; clone3 answers ENOSYS so that the C library falls back to
clone, whose flags a filter can read), kill/tgkill/prlimit64/sched_setaffinity only on the
worker itself (0 or its pid), prctl only with the options in PRCTL_OPTIONS (so not
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_SECCOMP or PR_CAPBSET_*), ioctl only with the
requests in IOCTL_REQUESTS (isatty and non-blocking mode; not TIOCSTI), fcntl only with
the commands in FCNTL_COMMANDS (not F_SETOWN/F_SETSIG, which make the kernel signal
another process). Not on the list, so refused: new processes and exec, the old and the new
mount API (mount_setattr, open_tree, move_mount, fsopen, fsconfig, fsmount, fspick),
namespaces, scheduling and I/O priority of any process (sched_set*, ioprio_set,
setpriority), socket creation (the channel is passed in), SysV and POSIX IPC (their
objects outlive the worker), personality, userfaultfd, kcmp, ptrace, keyrings, BPF,
io_uring, landlock and seccomp themselves. A foreign architecture (i386 system calls on
x86_64) kills the worker; x32 numbers are on no list.

The filter is built with the system's libseccomp through pyseccomp (ctypes over
libseccomp.so.2, which apt itself depends on, so every Debian and Ubuntu has it): it knows
each architecture's system call numbers (x86_64, aarch64 and more), so the list is names,
not per-architecture tables. `load()` must run in the fork server, before any confinement
(it reads the library from disk). Where libseccomp cannot be loaded, `install` falls back
to the hand-built BPF below: a deny-list (DENIED) with the same argument filters, weaker
than the allow-list, and the worker says so in its notes. Only the standard library and
pyseccomp are imported.
"""

from __future__ import annotations

import ctypes
import os
from types import ModuleType

PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
CLONE_THREAD = 0x00010000
CLONE3 = 435  # clone3's number on x86_64 and aarch64 (and every architecture since 5.3)
LD_ABS, JEQ, JGE, JSET, RET = 0x20, 0x15, 0x35, 0x45, 0x06
ALLOW, KILL, ERRNO = 0x7FFF0000, 0x80000000, 0x00050000
EPERM, ENOSYS = 1, 38
NR, ARCH, ARG0, ARG1 = 0, 4, 16, 24  # offsets in struct seccomp_data (low 32 bits)

# Allowed whatever the arguments. Names missing on an architecture (open, stat, pipe,
# dup2, ... on aarch64) are skipped there.
ALLOWED = (
    # memory
    "brk mmap munmap mremap mprotect madvise msync "
    # files and folders (reach is decided by the view or Landlock)
    "read write pread64 pwrite64 readv writev preadv pwritev preadv2 pwritev2 lseek close "
    "close_range open openat openat2 creat stat fstat lstat newfstatat statx statfs fstatfs "
    "access faccessat faccessat2 readlink readlinkat getdents64 getcwd chdir fchdir mkdir "
    "mkdirat rmdir unlink unlinkat rename renameat renameat2 truncate ftruncate fsync "
    "fdatasync fallocate fadvise64 umask chmod fchmod fchmodat utimensat copy_file_range "
    "sendfile dup dup2 dup3 pipe pipe2 flock getxattr lgetxattr fgetxattr listxattr "
    "llistxattr flistxattr "
    # waiting
    "poll ppoll select pselect6 epoll_create epoll_create1 epoll_ctl epoll_wait epoll_pwait "
    "epoll_pwait2 eventfd2 "
    # the channel (a socket passed in: no socket, bind or connect)
    "sendto recvfrom sendmsg recvmsg getsockname getpeername getsockopt setsockopt shutdown "
    # threads and their synchronisation
    "futex set_robust_list rseq set_tid_address gettid sched_yield sched_getaffinity exit "
    "exit_group "
    # signals (to itself only: kill and tgkill are in OWN_PROCESS_ONLY)
    "rt_sigaction rt_sigprocmask rt_sigreturn rt_sigpending rt_sigsuspend rt_sigtimedwait "
    "sigaltstack pause alarm setitimer getitimer restart_syscall "
    # clocks and accounting
    "clock_gettime clock_getres clock_nanosleep nanosleep gettimeofday time times getrusage "
    # who am I (reading only)
    "getpid getppid getuid geteuid getgid getegid getgroups getresuid getresgid getpgid "
    "getpgrp getsid uname sysinfo getpriority getrlimit getcpu sched_getparam "
    "sched_getscheduler sched_get_priority_max sched_get_priority_min capget getrandom"
).split()
OWN_PROCESS_ONLY = ("kill", "tgkill", "prlimit64", "sched_setaffinity")
# prctl options: thread names (the calling thread's own), and reading flags.
PR_SET_NAME, PR_GET_NAME, PR_GET_SECCOMP, PR_GET_NO_NEW_PRIVS = 15, 16, 21, 39
PR_SET_VMA = 0x53564D41  # names the caller's own anonymous mappings (recent C libraries)
PRCTL_OPTIONS = (PR_SET_NAME, PR_GET_NAME, PR_GET_SECCOMP, PR_GET_NO_NEW_PRIVS, PR_SET_VMA)
# ioctl requests (the values x86_64 and aarch64 share): isatty (TCGETS), non-blocking and
# close-on-exec flags, bytes waiting. Not TIOCSTI (typing into a terminal) or any other.
TCGETS, FIONREAD, FIONBIO, FIONCLEX, FIOCLEX = 0x5401, 0x541B, 0x5421, 0x5450, 0x5451
IOCTL_REQUESTS = (TCGETS, FIONREAD, FIONBIO, FIONCLEX, FIOCLEX)
# fcntl commands (the same on x86_64 and aarch64): descriptor and status flags, duplicates,
# record locks, pipe sizes, seals, and reading the owner. Not F_SETOWN, F_SETOWN_EX or
# F_SETSIG: a descriptor owned by the grader would have the kernel signal the grader (any
# signal, SIGKILL included) whenever the channel is ready; nor leases or dnotify.
F_SETOWN, F_SETSIG, F_SETOWN_EX, F_SETLEASE, F_NOTIFY = 8, 10, 15, 1024, 1026
FCNTL_COMMANDS = (0, 1, 2, 3, 4, 5, 6, 7, 9, 11, 16, 36, 37, 38, 1025, 1030, 1031, 1032, 1033, 1034)
FCNTL_DENIED = (F_SETOWN, F_SETSIG, F_SETOWN_EX, F_SETLEASE, F_NOTIFY)  # in the fallback
CONDITIONAL = (*OWN_PROCESS_ONLY, "clone", "clone3", "prctl", "ioctl", "fcntl")

# The fallback's deny-list, for when libseccomp cannot be loaded.
DENIED = (
    "fork vfork execve execveat ptrace process_vm_readv process_vm_writev tkill "
    "rt_sigqueueinfo rt_tgsigqueueinfo pidfd_open pidfd_send_signal pidfd_getfd "
    "process_madvise kcmp setpriority migrate_pages move_pages perf_event_open unshare "
    "setns mount umount2 pivot_root chroot keyctl add_key request_key bpf userfaultfd "
    "io_uring_setup io_uring_enter io_uring_register kexec_load init_module finit_module "
    "delete_module name_to_handle_at open_by_handle_at open_tree move_mount fsopen fsconfig "
    "fsmount fspick mount_setattr sched_setparam sched_setscheduler sched_setattr ioprio_set "
    "personality socket shmget msgget semget mq_open memfd_create"
).split()

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
    "open_tree": 428,
    "move_mount": 429,
    "fsopen": 430,
    "fsconfig": 431,
    "fsmount": 432,
    "fspick": 433,
    "mount_setattr": 442,
    "sched_setparam": 142,
    "sched_setscheduler": 144,
    "sched_setattr": 314,
    "ioprio_set": 251,
    "personality": 135,
    "socket": 41,
    "shmget": 29,
    "msgget": 68,
    "semget": 64,
    "mq_open": 240,
    "memfd_create": 319,
    "prctl": 157,
    "fcntl": 72,
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
    "open_tree": 428,
    "move_mount": 429,
    "fsopen": 430,
    "fsconfig": 431,
    "fsmount": 432,
    "fspick": 433,
    "mount_setattr": 442,
    "sched_setparam": 118,
    "sched_setscheduler": 119,
    "sched_setattr": 274,
    "ioprio_set": 30,
    "personality": 92,
    "socket": 198,
    "shmget": 194,
    "msgget": 186,
    "semget": 190,
    "mq_open": 180,
    "memfd_create": 279,
    "prctl": 167,
    "fcntl": 25,
}
ARCHES = {"x86_64": (0xC000003E, X86_64), "aarch64": (0xC00000B7, AARCH64)}


_libseccomp: ModuleType | None = None
_unavailable = "libseccomp was not loaded"


def load() -> None:
    """Load pyseccomp and the system's libseccomp, once, before any confinement."""
    global _libseccomp, _unavailable
    try:
        import pyseccomp
    except (ImportError, OSError, RuntimeError) as exc:  # RuntimeError: no libseccomp.so
        _unavailable = f"libseccomp unavailable ({exc})"
    else:
        _libseccomp = pyseccomp


def install(libc: ctypes.CDLL) -> list[str]:
    """Install the filter on this process (PR_SET_NO_NEW_PRIVS must be set); what is
    weaker than the allow-list, in words ([] when the allow-list is in force)."""
    pid = os.getpid()
    if _libseccomp is not None:
        allow_list(_libseccomp, pid).load()
        return []
    prog = build_filter(os.uname().machine, pid)
    if prog is None or not _load_bpf(libc, prog):
        return [
            f"{_unavailable} and no fallback filter: new processes are limited by RLIMIT_NPROC only"
        ]
    return [f"{_unavailable}: a deny-list seccomp filter is used instead of the allow-list"]


def allow_list(sc: ModuleType, pid: int):  # -> pyseccomp.SyscallFilter
    """The allow-list filter for worker `pid`, built with pyseccomp `sc` (not loaded)."""

    def number(name: str) -> int:
        """The call's number here; negative when this architecture (or an older
        libseccomp) does not know it, and then the default (EPERM) applies."""
        return sc.resolve_syscall(sc.Arch.NATIVE, name)

    f = sc.SyscallFilter(sc.ERRNO(EPERM))
    f.set_attr(sc.Attr.ACT_BADARCH, sc.KILL_PROCESS)
    for name in ALLOWED:
        if number(name) >= 0:
            f.add_rule(sc.ALLOW, number(name))
    for name in OWN_PROCESS_ONLY:
        for target in (0, pid):
            f.add_rule(sc.ALLOW, number(name), sc.Arg(0, sc.EQ, target))
    f.add_rule(sc.ALLOW, number("clone"), sc.Arg(0, sc.MASKED_EQ, CLONE_THREAD, CLONE_THREAD))
    # By number: a libseccomp older than clone3 must still have it answer ENOSYS,
    # or the C library would not fall back to clone and threads would fail.
    f.add_rule(sc.ERRNO(ENOSYS), CLONE3)
    for option in PRCTL_OPTIONS:
        f.add_rule(sc.ALLOW, number("prctl"), sc.Arg(0, sc.EQ, option))
    for request in IOCTL_REQUESTS:
        f.add_rule(sc.ALLOW, number("ioctl"), sc.Arg(1, sc.MASKED_EQ, 0xFFFFFFFF, request))
    for command in FCNTL_COMMANDS:
        f.add_rule(sc.ALLOW, number("fcntl"), sc.Arg(1, sc.MASKED_EQ, 0xFFFFFFFF, command))
    return f


def build_filter(machine: str, pid: int) -> list[tuple[int, int, int, int]] | None:
    """The fallback BPF program as (code, jt, jf, k) tuples, or None on an unknown machine."""
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
    # prctl: allowed for the options in PRCTL_OPTIONS only.
    n = len(PRCTL_OPTIONS)
    prog += [(JEQ, 0, n + 3, numbers["prctl"]), (LD_ABS, 0, 0, ARG0)]
    prog += [(JEQ, n - i, 0, option) for i, option in enumerate(PRCTL_OPTIONS)]
    prog += [(RET, 0, 0, ERRNO | EPERM), (RET, 0, 0, ALLOW)]
    # fcntl: refused for the commands in FCNTL_DENIED.
    n = len(FCNTL_DENIED)
    prog += [(JEQ, 0, n + 3, numbers["fcntl"]), (LD_ABS, 0, 0, ARG1)]
    prog += [(JEQ, n - i, 0, command) for i, command in enumerate(FCNTL_DENIED)]
    prog += [(RET, 0, 0, ALLOW), (RET, 0, 0, ERRNO | EPERM)]
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


def _load_bpf(libc: ctypes.CDLL, prog: list[tuple[int, int, int, int]]) -> bool:
    """Install a BPF program with prctl(PR_SET_SECCOMP); True on success."""

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
