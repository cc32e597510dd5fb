"""Student text that poses as the grader or attacks the output formats (issue 10, class 4):
relative_error's warnings, exception messages and printed output hold terminal escape
sequences (erase the line and print a green PASS, set the window title, OSC 52 write the
clipboard), the grader's own words (". Likely mistake: ...", "Got ...; expected ...",
"Inputs: ..."), Markdown (ATX and setext headings, links, bare URLs, quotes, lists, code
fences, HTML) and matplotlib mathtext ($x$).
It warns and returns a wrong number when an input holds a zero, and raises otherwise. On main
the FAIL line showed as PASS, junit.xml was ill-formed, the spoofed mistake was shown and
counted as the grader's diagnosis and the class report crashed.
"""

import sys
import warnings

import numpy as np

from ._honest_gradcheck import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------

_ESC = (
    "\x1b[2K\r\x1b[32mPASS\x1b[0m   7.1  spoofed  (1/1)\n"
    "\x1b]0;window title by SPOOF\x07\x1b]52;c;U1BPT0YgY2xpcGJvYXJk\x07\x1b[1A"
)
_DIAGNOSIS = ". Likely mistake: the sign is flipped. Got [SPOOF]; expected [SPOOF]. Inputs: SPOOF."
_MARKUP = (
    "\n# SPOOF heading\n[click SPOOF](http://evil.example/) <img src=x onerror=alert(1)> "
    "<script>alert('SPOOF')</script>\n```\nSPOOF fence\n``` [red]SPOOF[/red] $\\frac{SPOOF}{$x^"
    "\nSPOOF setext heading\n===\n> SPOOF quote\n- SPOOF item\nhttps://evil.example/SPOOF"
)
_TEXT = _ESC + _DIAGNOSIS + _MARKUP

print(_TEXT)


class SpoofError(ValueError):
    pass


SpoofError.__name__ = "Error. Likely mistake: SPOOF\x1b[32m"  # a type name is student text too


def relative_error(a, b):
    print(_TEXT, file=sys.stderr)
    if np.any(np.asarray(a) == 0) or np.any(np.asarray(b) == 0):
        warnings.warn(_TEXT, RuntimeWarning, stacklevel=2)
        return -7.0
    raise SpoofError(_TEXT)
