"""At import, ignores every catchable termination signal and arms a repeating SIGALRM timer;
numerical_gradient then waits forever for a signal.
"""

import signal

from ._honest_gradcheck import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------

for _sig in (
    "SIGTERM",
    "SIGINT",
    "SIGHUP",
    "SIGQUIT",
    "SIGUSR1",
    "SIGUSR2",
    "SIGPIPE",
    "SIGXCPU",
    "SIGXFSZ",
    "SIGTSTP",
    "SIGTTIN",
    "SIGTTOU",
    "SIGVTALRM",
):
    try:
        signal.signal(getattr(signal, _sig), signal.SIG_IGN)
    except (OSError, ValueError, AttributeError):
        pass

TICKS = []
signal.signal(signal.SIGALRM, lambda signum, frame: TICKS.append(1))
signal.setitimer(signal.ITIMER_REAL, 0.05, 0.05)


def numerical_gradient(f, x, h=1e-5):
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGTERM, signal.SIGINT, signal.SIGALRM])
    while True:
        signal.pause()
