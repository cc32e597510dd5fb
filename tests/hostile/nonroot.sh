#!/usr/bin/env bash
# Prepare a non-root user who can run the kit, for tests/hostile/test_hostile.py.
#
# Usage (as root): nonroot.sh SETUP_DIR
# Prints "PYTHON USER" on its last line: a Python interpreter that USER can run, with the
# kit's dependencies importable. Exits 3 with the reason on stderr when that cannot be
# set up here (the test then skips), 1 on any other failure.
#
# Why: the kit's interpreter lives under /root (mode 700), so no other user can run it.
# The simplest honest way around that is the system's own Python of the same minor
# version (Debian: /usr/bin/python3.X, installed with apt-get if missing) with a venv
# owned by USER whose one .pth file adds the kit's site-packages (numpy, click, rich,
# pytest, jsonschema, pyyaml and the editable `grading`). Nothing is downloaded from a
# package index, and the kit's own files are left as they are.
set -euo pipefail

skip() {
    echo "nonroot.sh: $*" >&2
    exit 3
}

[ "$(id -u)" = 0 ] || skip "must run as root to create and become another user"
[ $# = 1 ] || { echo "usage: nonroot.sh SETUP_DIR" >&2; exit 1; }
setup=$1
user=nnkit-hostile
kit=$(cd "$(dirname "$0")/../.." && pwd)
kit_python=$kit/.venv/bin/python
[ -x "$kit_python" ] || skip "no $kit_python (run make setup first)"
version=$("$kit_python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
site=$("$kit_python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
system_python=/usr/bin/python$version

if ! [ -x "$system_python" ]; then
    command -v apt-get >/dev/null || skip "no $system_python and no apt-get to install it"
    timeout 300 apt-get install -y -qq "python$version" "python$version-venv" >&2 \
        || skip "no $system_python, and apt-get could not install python$version"
fi
"$system_python" -c 'import venv' 2>/dev/null || skip "$system_python has no venv module"

if ! id -u "$user" >/dev/null 2>&1; then
    useradd --system --no-create-home --user-group --shell /usr/sbin/nologin "$user" \
        || skip "cannot create the user $user"
fi
command -v runuser >/dev/null || skip "no runuser"
as_user() { runuser -u "$user" -- "$@"; }

# The user must reach the kit and its site-packages (read and traverse only). A clone in a
# private temporary folder (mktemp -d makes it 0700) is opened for traversal only; other
# folders are left as they are, and the test skips.
dir=$kit
while [ "$dir" != / ]; do
    dir=$(dirname "$dir")
    if ! as_user test -x "$dir"; then
        case "$dir" in
            /tmp/?*|/var/tmp/?*) chmod o+x "$dir" ;;
        esac
    fi
done
as_user test -r "$kit/grading/grade/one_submission.py" || skip "$user cannot read $kit"
as_user test -r "$site/numpy/__init__.py" || skip "$user cannot read $site"

mkdir -p "$setup"
chown "$user:$user" "$setup"
chmod 755 "$setup"
as_user "$system_python" -m venv --without-pip "$setup/venv" >&2
venv_site=$("$setup/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
echo "import site; site.addsitedir('$site')" >"$venv_site/nnkit-kit.pth"

# The worker runs `python -I`: the .pth must work in isolated mode too.
(cd "$setup" && as_user env -i PATH=/usr/bin:/bin HOME="$setup" PYTHONDONTWRITEBYTECODE=1 \
    "$setup/venv/bin/python" -I -c 'import numpy, click, rich, pytest, jsonschema, yaml, grading.grade.one_submission') >&2 \
    || skip "the kit's packages cannot be imported by $user with $system_python"

echo "$setup/venv/bin/python $user"
