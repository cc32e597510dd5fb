"""At import, patches the worker so that, once it has answered, it waits for the grader's next
request and exits without reading it. Every answer it gives is right.
"""

import os
import select
import sys

from ._honest_network import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------


def _exit_before_reading(sock):
    select.select([sock], [], [])  # the next request has arrived, unread
    os._exit(0)


_worker = sys.modules.get("worker") or sys.modules.get("grading.confined.worker")
if _worker is not None:
    _worker.read_message = _exit_before_reading
