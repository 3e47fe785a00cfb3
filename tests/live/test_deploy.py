"""The deployment files: the systemd unit passes systemd's own checks, with its paths on this checkout."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.support.apps import missing
from tests.support.live import ROOT


def test_the_systemd_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    if shutil.which("systemd-analyze") is None:
        missing("systemd-analyze (Debian package systemd)")
    unit = (ROOT / "deploy" / "collab@.service").read_text()
    for needed in ("StateDirectory=collab", "EnvironmentFile=", "LimitNOFILE=", "Restart=on-failure", "User=collab"):
        assert needed in unit, needed
    # Verified where it is installed: the virtual environment /opt/collab becomes this checkout's.
    assert "ExecStart=/opt/collab/bin/collab serve " in unit
    unit = unit.replace("/opt/collab/bin/collab", str(Path(sys.executable).parent / "collab"))
    unit = unit.replace("WorkingDirectory=/var/lib/collab", f"WorkingDirectory={ROOT}")
    unit = unit.replace("/etc/collab/collab.env", str(tmp_path / "collab.env"))
    (tmp_path / "collab.env").write_text("COLLAB_DATABASE_URL=sqlite:////var/lib/collab/collab.sqlite3\n")
    installed = tmp_path / "collab@5001.service"
    installed.write_text(unit)
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(installed)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    # Without a running systemd (a container), verify may say so; it must find nothing wrong in the unit.
    problems = [
        line
        for line in (done.stdout + done.stderr).splitlines()
        if "collab@5001.service" in line or "Unknown" in line or "bad" in line.lower()
    ]
    assert problems == [], done.stdout + done.stderr
