"""Grading: one submission (`one_submission.py`) and a whole class (`whole_class.py`)."""
