"""The confined worker: the code that runs student functions inside the sandbox.

Everything here is loaded by the fork server (`boot.py`) before confinement and may import
only the standard library, numpy and its siblings (checked by tests/test_architecture.py).
One file per kernel mechanism: `seccomp.py`, `landlock.py`; `boot.py` lists the steps.
"""
