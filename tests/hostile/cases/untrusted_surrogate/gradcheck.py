"""Lone surrogates in everything the worker sends back (issue 10, class 4): relative_error
raises an exception whose message holds "\\udcff" (not encodable as UTF-8; Python refuses it
in a type name), and the module prints bytes that are not UTF-8. On main this crashed
`nnkit grade --html/--junit` and every `grade-all` run.
"""

import os

from ._honest_gradcheck import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------

os.write(1, b"not utf-8: \xff\xfe\xed\xa0\x80 and a surrogate pair half \xed\xb3\xbf\n")


def relative_error(a, b):
    raise ValueError("bad value \udcff\ud800 in the \udfff middle")
