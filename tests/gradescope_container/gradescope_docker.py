"""Gradescope's container, rebuilt with docker: what the container test drives.

Gradescope (shared/reference/PLATFORMS.md) builds an image from the autograder zip by
unpacking it in `/autograder/source` and running `setup.sh` as root with the network;
then, for every submission, a fresh container of that image gets the student's files in
`/autograder/submission` and runs `/autograder/run_autograder` from `/autograder`, with
768 MB of memory and half a CPU, as root under docker's default confinement (no
CAP_SYS_ADMIN, the default seccomp profile). Here:

- the base image is a Debian root file system made with debootstrap (bookworm, minbase,
  python3 and python3-venv) and `docker import`ed; its tag names its recipe, so it is
  built once per machine and reused;
- the autograder image is the base plus the unpacked zip and what `setup.sh` installed
  (`--network host` for that step only), committed; its tag names the zip's content, so an
  unchanged zip reuses it (NNKIT_CONTAINER_REBUILD=1 builds it again);
- each run is a fresh container (`--memory 768m --cpus 0.5 --network none`, nothing
  privileged), and returns what a reviewer needs: run_autograder's exit code, output and
  time, results.json's text, `docker diff`, and what is left in the tmpfs folders docker
  diff cannot see and among the container's processes once run_autograder has returned.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

DEBIAN_SUITE = "bookworm"
DEBIAN_VARIANT = "minbase"
DEBIAN_PACKAGES = ("python3", "python3-venv")
DEBIAN_MIRROR = os.environ.get("NNKIT_DEBIAN_MIRROR", "http://deb.debian.org/debian")
BASE_REPOSITORY = "nnkit-gradescope-base"
AUTOGRADER_REPOSITORY = "nnkit-gradescope-autograder"
KEEP_AUTOGRADER_IMAGES = 3
PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# Gradescope's defaults (PLATFORMS.md): 768 MB, half a vCPU, 10 minutes.
MEMORY = "768m"
CPUS = "0.5"
RUN_TIMEOUT_SECONDS = 600.0
SETUP_TIMEOUT_SECONDS = 900.0
DEBOOTSTRAP_TIMEOUT_SECONDS = 1800.0
DOCKER_TIMEOUT_SECONDS = 120.0  # any docker command but a run or a build
# The host's CA bundle, lent to setup.sh so that pip trusts what the host trusts (a TLS
# proxy in front of the package index, on CI machines), mounted over the image's own.
HOST_CA_BUNDLE = Path(
    os.environ.get("PIP_CERT")
    or os.environ.get("SSL_CERT_FILE")
    or "/etc/ssl/certs/ca-certificates.crt"
)
IMAGE_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
TMPFS_FOLDERS = ("/dev/shm", "/dev/mqueue")  # docker diff does not see these

# Run inside the finished container by the image's python3, as root: the processes still
# running (but PID 1, docker's placeholder, and itself), what is in the tmpfs folders, and
# the sha256 of every file in /autograder/submission.
INSPECT = """
import hashlib, json, os
me, processes, files, submission = os.getpid(), [], [], {}
for pid in filter(str.isdigit, os.listdir("/proc")):
    if int(pid) in (1, me):
        continue
    try:
        state = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
        command = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\\0", b" ")
    except OSError:
        continue
    if state not in "ZX":
        processes.append(f"pid {pid} state {state}: {command.decode(errors='replace')[:200]}")
for top in TMPFS_FOLDERS:
    for folder, dirs, names in os.walk(top):
        files += [os.path.join(folder, n) for n in dirs + names]
for folder, dirs, names in os.walk("/autograder/submission"):
    for n in names:
        path = os.path.join(folder, n)
        with open(path, "rb") as fh:
            submission[os.path.relpath(path, "/autograder/submission")] = hashlib.sha256(
                fh.read()
            ).hexdigest()
print(json.dumps({"processes": processes, "files": files, "submission": submission}))
""".replace("TMPFS_FOLDERS", repr(TMPFS_FOLDERS))


class DockerError(RuntimeError):
    """A docker step failed; the message holds the command and its output."""


def docker(*args: str, stdin: bytes | None = None, timeout: float = DOCKER_TIMEOUT_SECONDS) -> str:
    """`docker ARGS`; its stdout, or DockerError with what it printed."""
    proc = subprocess.run(
        ["docker", *args], input=stdin, capture_output=True, timeout=timeout, check=False
    )
    if proc.returncode != 0:
        raise DockerError(
            f"docker {' '.join(args[:3])} ... exited with {proc.returncode}: "
            f"{proc.stderr.decode(errors='replace')[-3000:]}"
        )
    return proc.stdout.decode(errors="replace")


def unavailable() -> str | None:
    """Why the container test cannot run on this machine, or None when it can."""
    if os.geteuid() != 0:
        return "Gradescope's container is built as root (debootstrap, docker): run as root"
    if shutil.which("docker") is None:
        return "docker is not installed (Debian: apt-get install docker.io)"
    try:
        info = subprocess.run(
            ["docker", "info", "--format", "{{.ServerVersion}}"], capture_output=True, timeout=30
        )
    except subprocess.TimeoutExpired:
        return "docker's daemon does not answer (docker info timed out)"
    if info.returncode != 0:
        said = info.stderr.decode(errors="replace").strip().splitlines() or ["no message"]
        return f"docker's daemon is not reachable ({said[-1]})"
    if not image_exists(base_tag()) and shutil.which("debootstrap") is None:
        return "debootstrap is not installed (Debian: apt-get install debootstrap)"
    return None


def image_exists(tag: str) -> bool:
    proc = subprocess.run(
        ["docker", "image", "inspect", tag], capture_output=True, timeout=DOCKER_TIMEOUT_SECONDS
    )
    return proc.returncode == 0


def base_tag() -> str:
    """The base image's tag: the suite and a hash of the whole recipe."""
    recipe = json.dumps([DEBIAN_SUITE, DEBIAN_VARIANT, DEBIAN_PACKAGES, PATH_ENV])
    return f"{BASE_REPOSITORY}:{DEBIAN_SUITE}-{hashlib.sha256(recipe.encode()).hexdigest()[:12]}"


def base_image() -> tuple[str, bool]:
    """`(tag, built now)`: the Debian base image, made with debootstrap if it is missing."""
    tag = base_tag()
    if image_exists(tag):
        return tag, False
    with tempfile.TemporaryDirectory(prefix="nnkit-debootstrap-", dir="/var/tmp") as work:
        rootfs = Path(work) / "rootfs"
        proc = subprocess.run(
            [
                "debootstrap",
                f"--variant={DEBIAN_VARIANT}",
                f"--include={','.join(DEBIAN_PACKAGES)}",
                DEBIAN_SUITE,
                str(rootfs),
                DEBIAN_MIRROR,
            ],
            capture_output=True,
            timeout=DEBOOTSTRAP_TIMEOUT_SECONDS,
            check=False,
        )
        if proc.returncode != 0:
            log = (rootfs / "debootstrap" / "debootstrap.log").read_text(errors="replace")[-3000:]
            raise DockerError(
                f"debootstrap exited with {proc.returncode}: "
                f"{proc.stderr.decode(errors='replace')[-2000:]}\n{log}"
            )
        tar = subprocess.Popen(["tar", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE)
        try:
            imported = subprocess.run(
                ["docker", "import", "--change", f"ENV {PATH_ENV}", "-", tag],
                stdin=tar.stdout,
                capture_output=True,
                timeout=DEBOOTSTRAP_TIMEOUT_SECONDS,
                check=False,
            )
        finally:
            assert tar.stdout is not None
            tar.stdout.close()
            tar.wait()
        if imported.returncode != 0 or tar.returncode != 0:
            raise DockerError(f"docker import failed: {imported.stderr.decode(errors='replace')}")
    return tag, True


def zip_as_tar(bundle: Path, prefix: str) -> bytes:
    """The zip's entries as a tar under `prefix` (root's, with the zip's modes), as
    Gradescope unpacks it."""
    out = io.BytesIO()
    with zipfile.ZipFile(bundle) as zf, tarfile.open(fileobj=out, mode="w") as tf:
        folders: set[str] = set()
        for info in zf.infolist():
            if info.is_dir():
                continue
            name = f"{prefix}/{info.filename}"
            parts = name.split("/")
            for depth in range(1, len(parts)):
                folder = "/".join(parts[:depth])
                if folder not in folders:
                    folders.add(folder)
                    tf.addfile(_tar_info(folder, tarfile.DIRTYPE, 0o755))
            data = zf.read(info)
            mode = (info.external_attr >> 16) & 0o777 or 0o644
            tf.addfile(_tar_info(name, tarfile.REGTYPE, mode, len(data)), io.BytesIO(data))
    return out.getvalue()


def folder_as_tar(entries: dict[str, Path | bytes | None]) -> bytes:
    """A tar of `name -> a folder to copy (Path), a file's bytes, or an empty folder (None)`."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tf:
        for name, what in entries.items():
            if what is None:
                tf.addfile(_tar_info(name, tarfile.DIRTYPE, 0o755))
            elif isinstance(what, bytes):
                tf.addfile(_tar_info(name, tarfile.REGTYPE, 0o644, len(what)), io.BytesIO(what))
            else:
                tf.add(what, arcname=name, filter=_as_root)
    return out.getvalue()


def _tar_info(name: str, kind: bytes, mode: int, size: int = 0) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.mode, info.size, info.mtime = kind, mode, size, int(time.time())
    return info


def _as_root(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    return info


def bundle_key(bundle: Path, base: str) -> str:
    """A hash of the zip's entries (names, modes, contents) and of the base image's tag."""
    digest = hashlib.sha256(base.encode())
    with zipfile.ZipFile(bundle) as zf:
        for info in sorted(zf.infolist(), key=lambda i: i.filename):
            digest.update(f"{info.filename}\0{info.external_attr}\0".encode())
            digest.update(hashlib.sha256(zf.read(info)).digest())
    return digest.hexdigest()[:16]


@dataclass
class Build:
    """The autograder image and how it was made."""

    tag: str
    base_built: bool  # debootstrap ran
    setup_ran: bool  # setup.sh ran (the zip had no image yet)
    seconds: float
    setup_output: str = ""


def autograder_image(bundle: Path) -> Build:
    """The image Gradescope builds from `bundle`: reused when one exists for its content."""
    started = time.monotonic()
    base, base_built = base_image()
    tag = f"{AUTOGRADER_REPOSITORY}:{bundle_key(bundle, base)}"
    if image_exists(tag) and os.environ.get("NNKIT_CONTAINER_REBUILD") != "1":
        return Build(tag, base_built, False, time.monotonic() - started)
    mounts = []
    if HOST_CA_BUNDLE.is_file():
        mounts = ["--volume", f"{HOST_CA_BUNDLE}:{IMAGE_CA_BUNDLE}:ro"]
    script = "cp /autograder/source/run_autograder /autograder/run_autograder && bash ./setup.sh"
    container = docker(
        "create", "--network", "host", *mounts, "--workdir", "/autograder/source",
        base, "bash", "-c", script,
    ).strip()  # fmt: skip
    try:
        docker("cp", "-", f"{container}:/", stdin=zip_as_tar(bundle, "autograder/source"))
        proc = subprocess.run(
            ["docker", "start", "--attach", container],
            capture_output=True,
            timeout=SETUP_TIMEOUT_SECONDS,
            check=False,
        )
        output = (proc.stdout + proc.stderr).decode(errors="replace")
        if proc.returncode != 0:
            raise DockerError(f"setup.sh exited with {proc.returncode}:\n{output[-6000:]}")
        replaced = docker("images", "--quiet", tag).strip()  # a rebuild's older image
        docker(
            "commit", "--change", 'CMD ["/bin/bash"]', "--change", "WORKDIR /autograder",
            container, tag,
        )  # fmt: skip
    finally:
        docker("rm", "--force", container)
    _remove_old_autograder_images(replaced)
    return Build(tag, base_built, True, time.monotonic() - started, output)


def _remove_old_autograder_images(replaced: str) -> None:
    """Keep the newest KEEP_AUTOGRADER_IMAGES images (a few hundred MB each; a few, so that
    worktrees with different zips do not rebuild each other's); drop the one a rebuild
    untagged."""
    listed = docker("images", "--format", "{{.Repository}}:{{.Tag}}", AUTOGRADER_REPOSITORY)
    stale = listed.split()[KEEP_AUTOGRADER_IMAGES:]  # docker lists the newest first
    for image in [*stale, replaced]:
        if image:
            subprocess.run(["docker", "rmi", image], capture_output=True, timeout=60)


@dataclass
class Run:
    """One submission graded in a fresh container."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float  # run_autograder's wall time
    results: bytes | None  # results.json; None when there is none
    diff: list[tuple[str, str]]  # `docker diff`: (A|C|D, path)
    processes: list[str] = field(default_factory=list)  # still running afterwards
    tmpfs_files: list[str] = field(default_factory=list)  # in /dev/shm, /dev/mqueue
    submission: dict[str, str] = field(default_factory=dict)  # relative path -> sha256


def submission_metadata(name: str) -> bytes:
    """A `/autograder/submission_metadata.json` shaped like Gradescope's."""
    document = {
        "id": 1000 + sum(map(ord, name)),
        "created_at": "2026-11-26T10:00:00.000000-08:00",
        "assignment": {"title": "nnbasics", "total_points": "100.0", "group_size": None},
        "submission_method": "upload",
        "users": [{"email": f"{name}@example.invalid", "id": 1, "name": name}],
        "previous_submissions": [],
    }
    return json.dumps(document).encode()


def run_submission(image: str, submission: Path, name: str) -> Run:
    """`run_autograder` on the files in `submission` (what the student uploaded), in a fresh
    container of `image` under Gradescope's limits; the container is removed afterwards."""
    container = docker(
        "create", "--memory", MEMORY, "--memory-swap", MEMORY, "--cpus", CPUS,
        "--network", "none", image, "sleep", "infinity",
    ).strip()  # fmt: skip
    try:
        layout = folder_as_tar(
            {
                "autograder/submission": submission,
                "autograder/results": None,
                "autograder/submission_metadata.json": submission_metadata(name),
            }
        )
        docker("cp", "-", f"{container}:/", stdin=layout)
        docker("start", container)
        started = time.monotonic()
        try:
            proc = subprocess.run(
                [
                    "docker",
                    "exec",
                    "--workdir",
                    "/autograder",
                    container,
                    "/autograder/run_autograder",
                ],
                capture_output=True,
                timeout=RUN_TIMEOUT_SECONDS,
                check=False,
            )
            returncode, out, err = proc.returncode, proc.stdout, proc.stderr
        except subprocess.TimeoutExpired as exc:
            returncode, out, err = -1, exc.stdout or b"", (exc.stderr or b"") + b"\n(timed out)"
        seconds = time.monotonic() - started
        seen = json.loads(docker("exec", container, "python3", "-c", INSPECT))
        results = _read_results(container)
        diff = [line.split(" ", 1) for line in docker("diff", container).splitlines()]
    finally:
        docker("rm", "--force", container)
    return Run(
        returncode,
        out.decode(errors="replace"),
        err.decode(errors="replace"),
        seconds,
        results,
        [(kind, path) for kind, path in diff],
        seen["processes"],
        seen["files"],
        seen["submission"],
    )


def _read_results(container: str) -> bytes | None:
    proc = subprocess.run(
        ["docker", "cp", f"{container}:/autograder/results/results.json", "-"],
        capture_output=True,
        timeout=DOCKER_TIMEOUT_SECONDS,
        check=False,
    )
    if proc.returncode != 0:
        return None
    with tarfile.open(fileobj=io.BytesIO(proc.stdout)) as tf:
        member = tf.extractfile("results.json")
        return None if member is None else member.read()
