"""The `nsc` and `nscc` command lines: thin wrappers that parse options and call the pipeline.

Each module registers its commands on the `nsc` group; click lives in this package only.
"""

from __future__ import annotations

import sys

from nsc.cli import bench, compiler, corpus, runtime  # noqa: F401  (registers the commands)
from nsc.cli.common import main

__all__ = ["main", "nscc_main"]


def nscc_main() -> None:
    """`nscc` is `nsc compile`."""
    main(["compile", *sys.argv[1:]], prog_name="nscc")


if __name__ == "__main__":
    main()
