"""The interactive dashboard: ``tajsim dashboard [SCENARIO]``, a Mesa SolaraViz app.

One replicate of a scenario (the full 1991-2023 replay unless another is named), stepped or
played month by month in the browser, with:

* the current month, period, and Tajikistan's regime security and economy;
* the alignment network of the current month (Tajikistan's dyads, both ways, signed);
* Tajikistan's alignment with its key partners so far, from the model's DataCollector;
* the latest events, each with the rule that produced it and the rule's quote;
* sliders, each reading out its value: factors on the main parameters (alignment noise, pull
  gain, event hazard; each period's own value times the factor), the seed, and a factor on any
  one rule's weight. A slider takes effect on **Reset**, which rebuilds the model
  (:class:`~sim.present.dashboard.model.DashboardModel`) from the sliders' values; sliders left
  where the page put them rebuild exactly the run ``tajsim run`` makes.

Modules: :mod:`~.model` (the model the page runs, and its inputs), :mod:`~.views` (what the
components show, as plain functions testable without a browser), :mod:`~.app` (the page, from
Mesa's controller and our components), :mod:`~.assets` (the page's JavaScript, cached from the
npm registry for offline use), :mod:`~.server` (Solara's server). Solara and Mesa's visualisation are imported only when the
app is built or served, so the model and views import without them.
"""

from sim.present.dashboard.assets import fetch_assets, missing_assets, solara_assets
from sim.present.dashboard.model import (
    DashboardModel,
    initial_settings,
    model_params,
    overlay,
    scenario_path,
)
from sim.present.dashboard.server import port_problem, serve, solara_args
from sim.present.dashboard.views import (
    alignment_network,
    current_month,
    events_html,
    input_label,
    latest_events,
    network_figure,
    rule_note,
    status_lines,
    trajectories,
    trajectory_figure,
)

__all__ = ["DashboardModel", "alignment_network", "current_month", "events_html", "fetch_assets", "initial_settings",
           "input_label", "latest_events", "missing_assets", "model_params", "network_figure", "overlay",
           "port_problem", "rule_note", "scenario_path", "serve", "solara_args", "solara_assets", "status_lines",
           "trajectories", "trajectory_figure"]
