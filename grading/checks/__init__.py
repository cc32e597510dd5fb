"""The API the hidden checks in `autograder/` are written against: registering a check
(`suite.py`), the `Student` handle it receives, diagnoses (`diagnose.py`) and the reference
solution (`reference.py`).
"""
