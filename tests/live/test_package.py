"""The wheel: built from this checkout, installed in a fresh virtualenv elsewhere, and served by `collab serve`."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Mapping
from pathlib import Path

import requests

from tests.support.live import ROOT, free_port, wait_until_it_answers

# What the build reads: the package, the two folders it maps into it, and the project's metadata.
SOURCES = ("collab", "templates", "static", "pyproject.toml", "README.md", "LICENSE")


def test_the_wheel_installed_elsewhere_serves_the_join_page_and_the_socket_io_client(tmp_path: Path) -> None:
    started = time.monotonic()
    wheel = build_wheel(tmp_path)
    assert wheel_files(wheel) == expected_files()

    python = install(wheel, tmp_path / "venv")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    imported = run([str(python), "-c", "import collab; print(collab.__file__)"], elsewhere, os.environ)
    assert Path(imported.strip()).is_relative_to(tmp_path / "venv")

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # Installed, the database and secret key go to the user's data folder: here, one in tmp_path.
    env = clean_environment(python.parent) | {
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "COLLAB_PUBLIC_URL": url,
        "COLLAB_CREATE_DEMO": "0",
    }
    collab = str(python.parent / "collab")
    links = json.loads(run([collab, "create-event", "--rooms", "2", "--json"], elsewhere, env))
    assert (tmp_path / "data" / "collab" / "collab.sqlite3").is_file()

    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [collab, "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=elsewhere,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_it_answers(server, url, (tmp_path / "serve.log").read_text, seconds=30)
        printed = (tmp_path / "serve.log").read_text()
        assert links["join_url"] in printed and f"{url}/a/" in printed  # the admin link, on the first start

        join = requests.get(links["join_url"], params={"lang": "en"}, timeout=10)
        assert join.status_code == 200, join.text
        # The templates and the English catalogue (a compiled .mo) came with the wheel.
        assert "Join the event" in join.text and "Pseudonym" in join.text
        for path in re.findall(r'(?:href|src)="(/static/[^"]+)"', join.text):
            assert requests.get(url + path, timeout=10).status_code == 200, path

        client = requests.get(f"{url}/static/vendor/socket.io.esm.min.js", timeout=10)
        assert client.status_code == 200
        assert client.content == (ROOT / "static" / "vendor" / "socket.io.esm.min.js").read_bytes()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        log.close()
    print(f"\nwheel built, installed and served in {time.monotonic() - started:.1f} s")


def build_wheel(tmp_path: Path) -> Path:
    """Build the wheel from a copy of the sources (the checkout keeps no build/ folder) and return it."""
    source = tmp_path / "source"
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            source.mkdir(exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    # --no-isolation: the setuptools the dev lock pins, not one fetched for the build.
    build = [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--quiet", "--outdir", str(tmp_path / "dist")]
    run([*build, str(source)], tmp_path, os.environ)
    (wheel,) = (tmp_path / "dist").glob("collab-*.whl")
    return wheel


def wheel_files(wheel: Path) -> set[str]:
    """Return the files of the wheel, its metadata left out."""
    with zipfile.ZipFile(wheel) as archive:
        return {name for name in archive.namelist() if ".dist-info/" not in name}


def expected_files() -> set[str]:
    """Return what the wheel must hold: collab's modules and data, the templates and static files under collab/.

    Nothing else: not bench/, tests/, node_modules/, the .po sources or a __pycache__.
    """
    package = ROOT / "collab"
    files = {path.relative_to(ROOT).as_posix() for path in package.rglob("*.py")}
    data = ("event_templates/*.toml", "translations/*/LC_MESSAGES/*.mo", "store/migrations/script.py.mako")
    files |= {path.relative_to(ROOT).as_posix() for pattern in data for path in package.glob(pattern)}
    mapped = [path for folder in ("templates", "static") for path in (ROOT / folder).rglob("*") if path.is_file()]
    files |= {f"collab/{path.relative_to(ROOT).as_posix()}" for path in mapped}
    assert "collab/static/vendor/socket.io.esm.min.js" in files, "make static/vendor/socket.io.esm.min.js first"
    assert "collab/translations/en/LC_MESSAGES/messages.mo" in files, "make compiles the catalogues first"
    return {name for name in files if "__pycache__" not in name}


def install(wheel: Path, venv: Path) -> Path:
    """Make a virtualenv with the runtime lock and the wheel in it; return its python.

    uv installs, checking every hash as pip does, from its cache once it has seen the packages:
    pip took some 50 s here, fetching again and unpacking numpy, scipy and scikit-learn.
    """
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], venv.parent, os.environ)
    python = venv / "bin" / "python"
    uv = [str(Path(sys.executable).parent / "uv"), "pip", "install", "--quiet", "--python", str(python)]
    run([*uv, "--require-hashes", "--requirement", str(ROOT / "requirements.txt")], venv.parent, os.environ)
    run([*uv, "--no-deps", str(wheel)], venv.parent, os.environ)
    return python


def clean_environment(bin_folder: Path) -> dict[str, str]:
    """Return this environment without collab's settings, with the new virtualenv first on the PATH."""
    kept = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("COLLAB_", "PYTHON", "VIRTUAL_ENV", "XDG_DATA_HOME"))
    }
    return kept | {"PATH": f"{bin_folder}{os.pathsep}{os.environ.get('PATH', '')}", "PYTHONUNBUFFERED": "1"}


def run(command: list[str], cwd: Path, env: Mapping[str, str]) -> str:
    """Run a command to its end and return what it printed; fail with its output if it fails."""
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{command}: {done.stdout}{done.stderr}"
    return done.stdout
