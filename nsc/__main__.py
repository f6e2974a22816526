"""`python -m nsc` (and `torchrun -m nsc train ...`) runs the `nsc` command line."""

from nsc.cli import main

main()
