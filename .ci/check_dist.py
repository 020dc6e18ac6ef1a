"""Checks the built distributions in a folder (by default dist/): exits non-zero on the first problem.

    python .ci/check_dist.py dist [--manylinux 2_17] [--max-mb 20] [--no-sdist]

The wheel: exactly one rustorch-*.whl, tagged cp39-abi3 (one wheel for CPython 3.9 and every later one),
at most --max-mb megabytes (10^6 bytes), its version equal to Cargo.toml's (the file name, METADATA and
rustorch/__init__.py's __version__), the extension module and every file of rustorch/ inside; on Linux
`auditwheel show` must report the manylinux_<--manylinux>_<arch> tag with no external library to vendor
(the Vulkan loader is opened at run time, never linked), and `abi3audit --strict` must find no
symbol outside the stable ABI of Python 3.9. The sdist: everything a build needs (Cargo.toml,
Cargo.lock, pyproject.toml, README.md, and every file of src/, shaders/ and rustorch/ in this checkout).

auditwheel and abi3audit are run with this interpreter (`make wheel` uses the tool venv .venv-wheel)."""
import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tarfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Build outputs and caches that are never part of a distribution.
SKIP_DIRS = {"__pycache__"}
SKIP_SUFFIXES = (".so", ".pyd", ".pyc", ".dylib")


def fail(msg):
    print(f"check_dist: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def ok(msg):
    print(f"check_dist: ok: {msg}")


def cargo_version():
    text = open(os.path.join(ROOT, "Cargo.toml"), encoding="utf-8").read()
    package = text.split("[package]", 1)[1].split("\n[", 1)[0]
    m = re.search(r'^version\s*=\s*"([^"]+)"', package, re.M)
    if not m:
        fail("no [package] version in Cargo.toml")
    return m.group(1)


def only(paths, what):
    if len(paths) != 1:
        fail(f"expected exactly one {what}, found {paths or 'none'} (stale files from an older build?)")
    return paths[0]


def source_files(top):
    """Files under ROOT/top that a source build needs (what git would ship: no caches, no built modules)."""
    found = []
    for d, dirs, files in os.walk(os.path.join(ROOT, top)):
        dirs[:] = [x for x in dirs if x not in SKIP_DIRS and not x.startswith(".")]
        for f in files:
            if not f.endswith(SKIP_SUFFIXES):
                found.append(os.path.relpath(os.path.join(d, f), ROOT).replace(os.sep, "/"))
    return found


def check_wheel(path, version, max_mb, manylinux):
    name = os.path.basename(path)
    size = os.path.getsize(path)
    print(f"check_dist: wheel {name}: {size / 1e6:.2f} MB")
    if size > max_mb * 1e6:
        fail(f"{name} is {size / 1e6:.2f} MB, over the {max_mb} MB limit")
    ok(f"size {size / 1e6:.2f} MB <= {max_mb} MB")
    parts = name[:-len(".whl")].split("-")
    if parts[0] != "rustorch" or parts[1] != version:
        fail(f"{name}: expected rustorch-{version}-... (the version in Cargo.toml)")
    if parts[-3:-1] != ["cp39", "abi3"]:
        fail(f"{name}: expected the cp39-abi3 tag (one wheel for CPython >= 3.9)")
    ok(f"name and tags: version {version}, cp39-abi3, platform {parts[-1]}")
    with zipfile.ZipFile(path) as z:
        listed = z.namelist()
        names = set(listed)
        if len(names) != len(listed):
            fail(f"{name} lists some files twice: {sorted(n for n in names if listed.count(n) > 1)}")
        ext = [n for n in names if re.fullmatch(r"rustorch/_C(\.abi3\.so|\.pyd)", n)]
        if not ext:
            fail(f"{name} has no rustorch/_C.abi3.so or rustorch/_C.pyd")
        # The whole Python package of this checkout: modules, stubs (_C.pyi) and the py.typed marker.
        missing = sorted(set(source_files("rustorch")) - names)
        if missing:
            fail(f"{name} lacks {missing[:20]}")
        init = z.read("rustorch/__init__.py").decode()
        m = re.search(r'^__version__\s*=\s*["\']([^"\']+)["\']', init, re.M)
        if not m or m.group(1) != version:
            fail(f"rustorch/__init__.py in {name} has __version__ {m and m.group(1)!r}, Cargo.toml {version!r}")
        meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
        mv = re.search(r"^Version: (.+)$", z.read(meta).decode(), re.M)
        if not mv or mv.group(1).strip() != version:
            fail(f"METADATA Version {mv and mv.group(1)!r} != Cargo.toml {version!r}")
    ok(f"contents: {ext[0]}, __version__ == METADATA Version == {version}")
    if sys.platform.startswith("linux"):
        audit_linux(path, manylinux)
    abi3(path)


def audit_linux(path, manylinux):
    show = subprocess.run([sys.executable, "-m", "auditwheel", "show", path], capture_output=True, text=True)
    print(show.stdout.strip())
    if show.returncode != 0:
        fail(f"auditwheel show failed:\n{show.stderr}")
    js = subprocess.run([sys.executable, "-m", "auditwheel", "show", "--json", path], capture_output=True,
                        text=True)
    if js.returncode != 0:
        fail(f"auditwheel show --json failed:\n{js.stderr}")
    report = json.loads(js.stdout)
    if report.get("external_libs"):
        fail(f"auditwheel: external libraries would have to be vendored: {sorted(report['external_libs'])}")
    if manylinux:
        want = f"manylinux_{manylinux}_{platform.machine()}"
        if report.get("overall_tag") != want:
            fail(f"auditwheel reports {report.get('overall_tag')!r}, expected {want!r}")
        ok(f"auditwheel: {want}, no external libraries")


def abi3(path):
    r = subprocess.run([sys.executable, "-m", "abi3audit", "--strict", "--summary", "--verbose", path],
                       capture_output=True, text=True)
    print((r.stdout + r.stderr).strip())
    if r.returncode != 0:
        fail("abi3audit found symbols outside the stable ABI (or could not audit the wheel)")
    ok("abi3audit: no abi3 violations")


def check_sdist(path, version):
    name = os.path.basename(path)
    if name != f"rustorch-{version}.tar.gz":
        fail(f"{name}: expected rustorch-{version}.tar.gz")
    with tarfile.open(path) as t:
        top = f"rustorch-{version}/"
        members = {m.name[len(top):] for m in t.getmembers() if m.isfile() and m.name.startswith(top)}
    needed = ["Cargo.toml", "Cargo.lock", "pyproject.toml", "README.md", "src/lib.rs", "rustorch/__init__.py"]
    for top_dir in ("src", "shaders", "rustorch"):
        needed += source_files(top_dir)
    missing = sorted(set(needed) - members)
    if missing:
        fail(f"{name} lacks {len(missing)} file(s) a build needs: {missing[:20]}")
    stray = sorted(m for m in members if m.endswith(SKIP_SUFFIXES) or m.startswith((".venv", "target")))
    if stray:
        fail(f"{name} carries build outputs: {stray[:20]}")
    ok(f"sdist {name}: {len(members)} files, Cargo.toml, Cargo.lock, pyproject.toml, README.md, src/, shaders/, "
       f"rustorch/ complete")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dist", nargs="?", default=os.path.join(ROOT, "dist"))
    ap.add_argument("--max-mb", type=float, default=20.0)
    ap.add_argument("--manylinux", default="2_17",
                    help="glibc version of the expected manylinux tag on Linux ('' accepts any)")
    ap.add_argument("--no-sdist", action="store_true", help="check the wheel only")
    ap.add_argument("--no-wheel", action="store_true", help="check the sdist only")
    args = ap.parse_args()
    version = cargo_version()
    files = sorted(os.listdir(args.dist))
    if not args.no_wheel:
        wheel = only([f for f in files if f.startswith("rustorch-") and f.endswith(".whl")], "wheel")
        check_wheel(os.path.join(args.dist, wheel), version, args.max_mb, args.manylinux)
    if not args.no_sdist:
        sdist = only([f for f in files if f.startswith("rustorch-") and f.endswith(".tar.gz")], "sdist")
        check_sdist(os.path.join(args.dist, sdist), version)


if __name__ == "__main__":
    main()
