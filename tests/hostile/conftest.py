"""The hostile corpus's own marker: `-m "not slow"` leaves out the slowest cases."""


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: a hostile case that takes a few seconds more")
