"""Which part of a class a grading runner takes, and what a run says it graded.

`grade-all --shard K/N` grades the submissions `shard_of` puts in shard K (1 <= K <= N).
A submission's shard depends only on its id (the sha256 of the id, modulo N), so adding
submissions to the class never moves one already there to another shard, and every
runner computes the same split without talking to the others.

Every `grade-all` run leaves `OUT/batch.json` (`Manifest`): its shard, the hidden
suite's version, the course secret's fingerprint (never the secret), the whole class it
was cut from (how many submissions, and a hash of their ids) and the ids it graded.
`grading.grade.merge` reads these to refuse shards that do not belong together.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grading.results.files import write_json_atomic

MANIFEST_FILE = "batch.json"
MANIFEST_FORMAT = 1  # the version of batch.json's layout; another is refused


class ShardError(ValueError):
    """A bad `--shard`, or outputs that cannot be merged; the message is one line."""


@dataclass(frozen=True, order=True)
class Shard:
    """Shard `index` of `count` (1 <= index <= count)."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def holds(self, submission_id: str) -> bool:
        """Whether the submission with this id is graded in this shard."""
        return shard_of(submission_id, self.count) == self.index


def parse_shard(text: str) -> Shard:
    """ "K/N" as a Shard; ShardError saying what is wrong otherwise."""
    k, slash, n = text.strip().partition("/")
    if not slash or not k.strip().isdecimal() or not n.strip().isdecimal():
        raise ShardError(f"--shard must be K/N with whole numbers, as in 2/5 (got {text!r})")
    index, count = int(k), int(n)
    if count < 1:
        raise ShardError(f"--shard {text.strip()}: N must be at least 1")
    if not 1 <= index <= count:
        raise ShardError(f"--shard {text.strip()}: K must be between 1 and {count}")
    return Shard(index, count)


def shard_of(submission_id: str, count: int) -> int:
    """The shard (1..count) that grades the submission with this id."""
    digest = hashlib.sha256(submission_id.encode("utf-8", "surrogateescape")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def class_listing(submission_ids: Iterable[str]) -> str:
    """A hash of a class's submission ids (in any order): equal for the same class."""
    digest = hashlib.sha256()
    for sub_id in sorted(submission_ids):
        digest.update(sub_id.encode("utf-8", "surrogateescape") + b"\n")
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class Manifest:
    """What one `grade-all` run graded (OUT/batch.json)."""

    shard: Shard
    suite_version: str
    secret_fingerprint: str
    class_size: int  # submissions in the whole class folder, every shard's
    class_listing: str  # `class_listing` of the whole class's ids
    submissions: tuple[str, ...]  # the ids this run graded, sorted

    def write(self, out: Path) -> None:
        write_json_atomic(
            {
                "format": MANIFEST_FORMAT,
                "shard": {"index": self.shard.index, "count": self.shard.count},
                "suite_version": self.suite_version,
                "secret_fingerprint": self.secret_fingerprint,
                "class": {"submissions": self.class_size, "listing": self.class_listing},
                "submissions": sorted(self.submissions),
            },
            Path(out) / MANIFEST_FILE,
        )

    @classmethod
    def read(cls, out: Path) -> Manifest:
        """The manifest in `out`; ShardError if there is none or it cannot be read."""
        path = Path(out) / MANIFEST_FILE
        if not path.is_file():
            raise ShardError(
                f"{out} holds no {MANIFEST_FILE}: it is not a finished grade-all output"
            )
        try:
            data: Any = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != MANIFEST_FORMAT:
                raise ShardError(
                    f"{path} has format {data.get('format')!r}; this nnkit reads format "
                    f"{MANIFEST_FORMAT}: merge with the nnkit that graded the shards"
                )
            shard = data["shard"]
            return cls(
                shard=Shard(int(shard["index"]), int(shard["count"])),
                suite_version=str(data["suite_version"]),
                secret_fingerprint=str(data["secret_fingerprint"]),
                class_size=int(data["class"]["submissions"]),
                class_listing=str(data["class"]["listing"]),
                submissions=tuple(str(i) for i in data["submissions"]),
            )
        except ShardError:
            raise
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ShardError(f"cannot read {path}: {type(exc).__name__}: {exc}") from None
