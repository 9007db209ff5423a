"""Evidence files on disk, by content: WENZE_HOME/attachments/<first two hex digits>/<SHA-256>.

A file is written once (to a temporary name, then renamed into place, so a reader never sees half of it) and never
changed; the same bytes added twice share one file. Several runner hosts must share WENZE_HOME (a network file
system) for all of them to serve every file; the database rows say which files exist.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def _path(home: Path, sha256: str) -> Path:
    return home / "attachments" / sha256[:2] / sha256


def store(home: Path, content: bytes) -> str:
    """Keep `content`; its SHA-256 (hex), which names it."""
    sha256 = hashlib.sha256(content).hexdigest()
    target = _path(home, sha256)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as partial:
            partial.write(content)
        os.replace(partial.name, target)
    return sha256


def path(home: Path, sha256: str) -> Path:
    """Where the file of that hash lives (it exists for every attachment row)."""
    return _path(home, sha256)
