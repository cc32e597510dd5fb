"""Grading: one submission in the sandbox (`one_submission.py`), a whole class
(`whole_class.py`), and trusted code in-process without a sandbox (`unsandboxed.py`: the
solution's mutants and the exports' notebooks, never a student's submission).
"""
