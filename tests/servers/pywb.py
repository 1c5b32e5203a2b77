"""pywb, for replay: in a virtualenv of its own (its pins clash with the project's)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.servers import PROJECT_ROOT

PYWB = "pywb==2.10.0"
# ``make install-replay`` creates it; ``$NEWSARCHIVE_REPLAY_VENV`` puts it elsewhere.
REPLAY_VENV = Path(os.environ.get("NEWSARCHIVE_REPLAY_VENV", PROJECT_ROOT / ".venv-replay"))


def pywb_bin_dir() -> Path:
    """The ``bin`` directory of the replay virtualenv (``wayback``, ``wb-manager``), created if missing."""
    bin_dir = REPLAY_VENV / "bin"
    if not (bin_dir / "wayback").exists():
        subprocess.run([sys.executable, "-m", "venv", str(REPLAY_VENV)], check=True)
        subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", PYWB], check=True, timeout=600)
    return bin_dir
