"""The grader's side of the sandbox: starting and talking to confined workers, reading
uploads, and the one place (`untrusted.py`) that checks and cleans what a worker sends.
"""
