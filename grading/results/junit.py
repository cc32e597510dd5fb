"""JUnit XML from a results.json document (for CI systems that show test reports).

One <testsuite> per part, one <testcase> per check; a failed check carries its failure as
plain text, with the report's notes on it; likely causes shared by several failures are
`likely cause` properties of <testsuites>, before the suites. Derived from Gradescope's
format, like every other output of the kit.

ElementTree escapes markup characters but writes any character it is given, and XML 1.0
forbids most control characters (a document holding ESC is not well-formed), so every
text and attribute goes through `xml_text` first.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from grading.confined.limits import MAX_JUNIT_MESSAGE_CHARS as MAX_MESSAGE_CHARS
from grading.results.causes import Causes
from grading.results.failure import of_test
from grading.results.model import parts_of

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: Any) -> str:
    """`text` with every character XML 1.0 does not allow removed (ElementTree escapes the
    rest when it writes)."""
    return _NOT_XML.sub("", str(text))


def to_junit(document: dict[str, Any], name: str = "nnkit") -> str:
    """The JUnit XML text for `document` (a results.json dict)."""
    suites = ET.Element("testsuites", name=xml_text(name), tests=str(len(document["tests"])))
    causes = Causes(document)
    shared = causes.lines()
    if shared:  # first: several failures with one likely cause
        listed = ET.SubElement(suites, "properties")
        for line in shared:
            ET.SubElement(listed, "property", name="likely cause", value=xml_text(line))
    extra = document.get("extra_data")
    package = str(extra.get("package") or "") if type(extra) is dict else ""
    for part in parts_of(document):
        tests = [t for t in document["tests"] if t["tags"] and t["tags"][0] == part.module]
        failed = [t for t in tests if t["status"] != "passed"]
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=f"Part {part.number} {part.module}",
            tests=str(len(tests)),
            failures=str(len(failed)),
        )
        for test in tests:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"{package}.{part.module}" if package else part.module,
                name=xml_text(f"{test['number']} {test['name']}"),
            )
            properties = ET.SubElement(case, "properties")
            score = f"{test['score']:g}/{test['max_score']:g}"
            ET.SubElement(properties, "property", name="score", value=score)
            failure = of_test(test)
            if failure is None:  # a passed test's notes (rescued by the grader's functions)
                for note in causes.notes(test):
                    ET.SubElement(properties, "property", name="note", value=xml_text(note))
            else:
                text = xml_text(failure.plain(causes.label(test), causes.notes(test)))
                ET.SubElement(case, "failure", message=text[:MAX_MESSAGE_CHARS]).text = text
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"
