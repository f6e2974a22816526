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


def running_in_group(group: int) -> list[int]:
    """Processes (not zombies) in process group `group`: a session leader's whole tree,
    spawned workers included (they do not carry the leader's command line)."""
    found = []
    for folder in Path("/proc").glob("[0-9]*"):
        try:
            fields = (folder / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == group:
            found.append(int(folder.name))
    return found
