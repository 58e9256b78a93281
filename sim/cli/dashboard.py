"""``tajsim dashboard``: serve the interactive dashboard of a scenario on localhost."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.cli.errors import UsageError, between


def add_commands(subparsers) -> None:
    """Register ``dashboard [SCENARIO] [--port N] [--host H]`` on the ``tajsim`` parser."""
    p = subparsers.add_parser("dashboard", help="serve an interactive dashboard of a scenario on localhost")
    p.add_argument("scenario", nargs="?", help="scenario file (default: scenarios/full_replay.yaml)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, this machine only)")
    p.add_argument("--fetch-assets", action="store_true",
                   help="fetch the page's JavaScript from the npm registry into Solara's cache (for offline use), and exit")
    p.set_defaults(func=cmd_dashboard)


def cmd_dashboard(args: argparse.Namespace) -> int:
    from sim.present.dashboard.assets import fetch_assets, solara_assets
    from sim.present.dashboard.server import port_problem, serve

    if args.fetch_assets:
        try:
            fetched = fetch_assets()
        except ImportError as error:
            raise UsageError(f"the dashboard needs Solara ({error}): pip install -e '.[dashboard]'") from None
        except (RuntimeError, OSError) as error:
            raise UsageError(f"--fetch-assets: {error}") from None
        except Exception as error:  # npm failing: CalledProcessError, TimeoutExpired
            detail = getattr(error, "stderr", "") or ""
            raise UsageError(f"--fetch-assets: {error} {detail.strip()[-300:]}".strip()) from None
        cache, packages = solara_assets()
        print(f"fetched {', '.join(fetched)} into {cache}" if fetched else f"{', '.join(packages)}: already in {cache}")
        return 0
    between("--port", args.port, 0, 65535)
    if args.scenario and not Path(args.scenario).is_file():
        raise UsageError(f"{args.scenario}: no such scenario file")
    problem = port_problem(args.port, args.host)
    if problem:
        raise UsageError(problem)
    try:
        return serve(args.scenario, port=args.port, host=args.host)
    except ImportError as error:
        raise UsageError(str(error)) from None


