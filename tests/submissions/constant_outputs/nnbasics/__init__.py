"""A submission that returns constant arrays and numbers of the right shapes: it must
score 0 in every part, and so must the same with random numbers instead
(tests/grade/test_nothing_for_nothing.py)."""
