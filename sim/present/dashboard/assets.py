"""The page's JavaScript, offline.

Solara's page loads its JavaScript and CSS through the server's asset proxy, which fetches what
is missing from a public CDN; where the CDN cannot be reached (CI), :func:`fetch_assets` fills
the proxy's cache from the npm registry beforehand (``tajsim dashboard --fetch-assets``). Mesa's
SolaraViz needs ipyvue and ipyvuetify below 2 (with 3 its page stays blank).
"""

from __future__ import annotations

from pathlib import Path


def solara_assets() -> tuple[Path, list[str]]:
    """Solara's asset cache folder and the npm packages (``name@version``) its page loads.

    Solara's page loads its JavaScript and CSS through the server's asset proxy
    (``/_solara/cdn/<package>@<version>/<file>``), which serves them from this folder and
    fetches what is missing from a public CDN. Where the CDN cannot be reached (CI), the
    folder must be filled beforehand: :func:`fetch_assets`. The packages are read off
    Solara's own page template, so a Solara upgrade that moves to new versions is followed.
    """
    import re

    import ipyvue
    import solara
    import solara.server.settings as settings

    vue3 = ipyvue.__version__.startswith("3")
    root = Path(solara.__file__).parent
    # the page itself, and the grid layout SolaraViz arranges the components in
    sources = [root / "server" / "templates" / "solara.html.j2",
               root / "widgets" / "vue" / ("gridlayout_v3.vue" if vue3 else "gridlayout.vue")]
    pattern = r"(?:\{\{cdn\}\}|\$\{this\.getCdn\(\)\})/((?:@[\w.-]+/)?[\w.-]+@\d[\w.+-]*)/"
    found = dict.fromkeys(name for source in sources if source.is_file()
                          for name in re.findall(pattern, source.read_text(encoding="utf-8")))
    packages = [name for name in found if ("solara-vuetify3-app@" in name) == vue3 or "solara-vuetify" not in name]
    if settings.assets.fontawesome_enabled:
        fontawesome = settings.assets.fontawesome_path.strip("/").split("/")[0]
        if "@" in fontawesome and fontawesome not in packages:
            packages.append(fontawesome)
    return Path(settings.assets.proxy_cache_dir), packages


def missing_assets() -> list[str]:
    """The packages of :func:`solara_assets` not yet in the cache folder."""
    cache, packages = solara_assets()
    return [name for name in packages if not (cache / name / "package.json").is_file()]


def fetch_assets(npm: str = "npm") -> list[str]:
    """Fill Solara's asset cache with the packages its page loads, from the npm registry.

    Uses ``npm pack`` (the registry's own client) and unpacks each package where Solara's
    proxy looks for it. Returns the packages fetched; those already there are kept.
    """
    import shutil
    import subprocess
    import tarfile
    import tempfile

    cache, _ = solara_assets()
    wanted = missing_assets()
    if not wanted:
        return []
    if shutil.which(npm) is None:
        raise RuntimeError(f"{npm} not found: needed to fetch Solara's page assets ({', '.join(wanted)})")
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tajsim-assets-") as scratch:
        done = subprocess.run([npm, "pack", "--silent", "--json", *wanted], cwd=scratch, check=True,
                              capture_output=True, text=True, timeout=600)
        import json

        tarballs = {f"{item['name']}@{item['version']}": Path(scratch) / item["filename"]
                    for item in json.loads(done.stdout)}
        for name in wanted:
            tarball = tarballs[name]
            unpacked = Path(scratch) / "unpacked" / tarball.stem
            with tarfile.open(tarball) as archive:
                archive.extractall(unpacked, filter="data")
            target = cache / name
            staging = cache / f".{name.replace('/', '_')}.partial"
            shutil.rmtree(staging, ignore_errors=True)
            staging.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(unpacked / "package"), staging)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(target, ignore_errors=True)
            staging.rename(target)
    return wanted


