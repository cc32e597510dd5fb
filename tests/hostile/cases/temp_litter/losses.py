"""At import, leaves world-writable (0666) files, a FIFO and a folder in /tmp, /var/tmp and
/dev/shm, for a later process (another student's worker, the grader) to find.
"""

import os

from ._honest_losses import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------

MARKER = "nnkit-hostile-temp_litter"

for _folder in ("/tmp", "/var/tmp", "/dev/shm"):
    try:
        _path = os.path.join(_folder, f"{MARKER}.txt")
        with open(_path, "w") as _fh:
            _fh.write("left behind")
        os.chmod(_path, 0o666)
    except Exception:
        pass
    try:
        os.mkfifo(os.path.join(_folder, f"{MARKER}.fifo"), 0o666)
    except Exception:
        pass
    try:
        os.mkdir(os.path.join(_folder, f"{MARKER}.d"), 0o777)
    except Exception:
        pass
