"""The API the hidden checks in `autograder/` are written against: registering a check,
the `Student` handle, diagnoses, the reference solution and an unsandboxed in-process
student for trusted code (mutants, exports).
"""
