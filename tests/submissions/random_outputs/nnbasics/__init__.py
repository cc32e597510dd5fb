"""A submission that returns random numbers of the right shapes: it must score 0 in
every part (tests/grade/test_nothing_for_nothing.py)."""
