"""JUnit XML from a results.json document (for CI systems that show test reports).

One <testsuite> per part, one <testcase> per check; a failed check carries its message.
Derived from Gradescope's format, like every other output of the kit.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from grading.parts import PARTS


def to_junit(document: dict[str, Any], name: str = "nnkit") -> str:
    """The JUnit XML text for `document` (a results.json dict)."""
    suites = ET.Element("testsuites", name=name, tests=str(len(document["tests"])))
    for part in PARTS:
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
                classname=f"nnbasics.{part.module}",
                name=f"{test['number']} {test['name']}",
            )
            ET.SubElement(case, "properties").append(
                ET.Element(
                    "property", name="score", value=f"{test['score']:g}/{test['max_score']:g}"
                )
            )
            if test["status"] != "passed":
                ET.SubElement(case, "failure", message=test["output"][:1000])
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"
