"""At import, double-forks a setsid() daemon that ignores SIGTERM and SIGHUP and keeps writing
marker files for ten minutes. Otherwise the instructor's module.
"""

import os
import signal
import time

from ._honest_losses import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------

MARKER = "nnkit-hostile-daemon_setsid"


def _daemon():
    os.setsid()
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, signal.SIG_IGN)
    if os.fork() != 0:
        os._exit(0)
    try:
        loop = f"while :; do touch /tmp/{MARKER}.marker; sleep 1; done; : {MARKER}"
        os.execv("/bin/sh", ["/bin/sh", "-c", loop])
    except BaseException:
        deadline = time.time() + 600
        while time.time() < deadline:
            try:
                open(f"/tmp/{MARKER}.marker", "w").close()
            except OSError:
                pass
            time.sleep(1)
    os._exit(0)


try:
    _pid = os.fork()
    if _pid == 0:
        _daemon()
    os.waitpid(_pid, 0)
except OSError:
    pass
