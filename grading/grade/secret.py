"""The course secret: the one place every command that grades gets it.

Random test inputs are seeded from the secret and the submission's content
(`grading.grade.one_submission.submission_seed`), so the secret decides what a student
cannot compute in advance. It comes from a Gradescope bundle's nnkit.json when grading
inside one, else from NNKIT_SECRET; only for trying the kit (`local`) is a missing one
replaced by the public DEFAULT_SECRET.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping
from typing import Any

DEFAULT_SECRET = b"nnkit-default-course-secret"  # public: for trying the kit only
SECRET_ENV = "NNKIT_SECRET"  # the course secret, for every command that grades
FINGERPRINT_HEX_DIGITS = 12


class SecretError(ValueError):
    """No course secret to grade with: NNKIT_SECRET is missing or empty."""


def bundle_secret(config: Mapping[str, Any] | None) -> bytes | None:
    """The course secret a Gradescope bundle's nnkit.json holds; None when it holds none
    (never a default)."""
    secret = (config or {}).get("secret")
    if isinstance(secret, str) and secret.strip():
        return secret.encode()
    return None


def default_secret(*, local: bool = False, bundle: Mapping[str, Any] | None = None) -> bytes:
    """The course secret: the `bundle`'s (its nnkit.json) if it holds one, else NNKIT_SECRET
    as UTF-8 bytes.

    Missing, empty or blank raises SecretError (an empty value is what a CI workflow passes
    when its repository secret is not defined). Only with `local` (trying the kit, the demo)
    does a missing one give DEFAULT_SECRET, which is public: with it anyone can compute the
    random inputs in advance, so callers warn (`uses_public_secret`).
    """
    held = bundle_secret(bundle)
    if held is not None:
        return held
    value = os.environ.get(SECRET_ENV)
    if value is not None and value.strip():
        return value.encode()
    if local:
        return DEFAULT_SECRET
    raise SecretError(f"{SECRET_ENV} is {'not set' if value is None else 'empty'}")


def uses_public_secret(secret: bytes) -> bool:
    """True for the built-in secret everyone can read in this file."""
    return hmac.compare_digest(secret, DEFAULT_SECRET)


def secret_fingerprint(secret: bytes) -> str:
    """The first 12 hex digits of sha256(secret): names a secret without giving it away."""
    return hashlib.sha256(secret).hexdigest()[:FINGERPRINT_HEX_DIGITS]


def secret_mismatch(secret: bytes, environment: str | None) -> str | None:
    """What to say when NNKIT_SECRET is set to another secret than the one grading uses
    (a bundle's): a local `nnkit grade` would draw other random inputs."""
    if not environment or not environment.strip() or environment.encode() == secret:
        return None
    return (
        f"{SECRET_ENV} (course secret {secret_fingerprint(environment.encode())}) is not "
        f"this autograder's ({secret_fingerprint(secret)}): grading with the autograder's"
    )
