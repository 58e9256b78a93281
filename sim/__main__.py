"""``python -m sim`` is the ``tajsim`` command."""

from sim.cli import main

raise SystemExit(main())
