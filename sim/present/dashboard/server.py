"""Serving the dashboard with Solara's own server (uvicorn and starlette), on localhost by default."""

from __future__ import annotations

import os
import sys

from sim.present.dashboard.assets import missing_assets
from sim.present.dashboard.model import SCENARIO_ENV, scenario_path
from sim.scenario import load_scenario


def solara_args(port: int = 8765, host: str = "127.0.0.1") -> list[str]:
    """Arguments of ``solara run`` for the dashboard: production mode, no browser, no version check."""
    return ["sim.present.dashboard.app:Page", "--host", host, "--port", str(port), "--production", "--no-open",
            "--no-check-version", "--log-level", "warning"]


def port_problem(port: int, host: str = "127.0.0.1") -> str | None:
    """Why the server could not listen on ``host:port``, or ``None`` where it can.

    Binds a probe socket the way uvicorn binds its own (``SO_REUSEADDR``, so a port left in
    TIME_WAIT by an earlier server counts as free) and releases it at once. Another process may
    still take the port in between; this catches the common case, a server already running there.
    """
    import errno
    import socket

    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
    except (socket.gaierror, UnicodeError) as error:
        return f"--host: cannot listen on {host!r}: {error}"
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return f"--port: {port} is already in use on {host} (choose another, or --port 0 for a free one)"
            return f"--port: cannot listen on {host}:{port}: {error.strerror or error}"
    return None


def serve(scenario: str | os.PathLike | None = None, port: int = 8765, host: str = "127.0.0.1") -> int:
    """Serve the dashboard with Solara's server (uvicorn) until interrupted; blocks.

    Runs ``solara run sim.present.dashboard.app:Page`` in this process, with the scenario passed in
    ``TAJSIM_DASHBOARD_SCENARIO``, Solara's telemetry and banner off. A port already taken is an
    ``OSError`` before the server starts (:func:`port_problem`).
    """
    path = scenario_path(scenario)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such scenario file")
    load_scenario(path)  # a bad file is one line here, not a traceback in the server
    os.environ[SCENARIO_ENV] = str(path)
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    os.environ.setdefault("SOLARA_THEME_SHOW_BANNER", "False")  # no "This website runs on Solara" footer
    try:
        import mesa.visualization  # noqa: F401  (fail here, with the hint below, if missing)
        from solara.__main__ import run as solara_run
    except ImportError as error:
        raise ImportError(f"the dashboard needs Solara ({error}): pip install -e '.[dashboard]'") from None
    import warnings

    # Solara warns on every page load that a samesite=none cookie needs https: on localhost it
    # falls back to samesite=lax, which is right here
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")
    if port == 0:
        import socket

        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind((host, 0))
            port = probe.getsockname()[1]
    problem = port_problem(port, host)
    if problem:
        raise OSError(problem)
    missing = missing_assets()
    if missing:
        print(f"tajsim dashboard: Solara's page assets are not cached ({', '.join(missing)}); the server fetches "
              "them from a public CDN on first load. Offline, run `tajsim dashboard --fetch-assets` first "
              "(npm registry).", file=sys.stderr, flush=True)
    print(f"tajsim dashboard: {path.name} at http://{host}:{port}/ (Ctrl-C to stop)", flush=True)
    import click

    try:
        solara_run.main(args=solara_args(port, host), prog_name="tajsim dashboard", standalone_mode=False)
    except (KeyboardInterrupt, click.exceptions.Abort):  # Ctrl-C: click turns it into Abort
        print("tajsim dashboard: stopped", file=sys.stderr)
    return 0


