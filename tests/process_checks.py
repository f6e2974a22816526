"""What is still running, read from /proc: for tests that stop process trees."""

from __future__ import annotations

from pathlib import Path


def running_with(argument: str) -> list[int]:
    """Processes (not zombies) with `argument` on their command line."""
    found = []
    for folder in Path("/proc").glob("[0-9]*"):
        try:
            state = (folder / "stat").read_text().rsplit(")", 1)[1].split()[0]
            argv = (folder / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if state != "Z" and argument.encode() in argv:
            found.append(int(folder.name))
    return found
