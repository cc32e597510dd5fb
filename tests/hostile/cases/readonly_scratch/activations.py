"""At import, leaves read-only folders (mode 0500, files inside) in its working folder and
in every temporary folder it can reach, so that a cleanup that only deletes gives up.
"""

import os

from ._honest_activations import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------

MARKER = "nnkit-hostile-readonly_scratch"


def _leave(folder):
    top = os.path.join(folder, MARKER)
    try:
        os.makedirs(os.path.join(top, "inner"), exist_ok=True)
        for where in (top, os.path.join(top, "inner")):
            for i in range(3):
                with open(os.path.join(where, f"f{i}"), "w") as fh:
                    fh.write("x")
        os.chmod(os.path.join(top, "inner"), 0o500)
        os.chmod(top, 0o500)
    except Exception:
        pass


for _folder in (".", os.environ.get("TMPDIR", "."), "/tmp", "/var/tmp", "/dev/shm"):
    _leave(_folder)
