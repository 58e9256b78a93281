"""The SolaraViz page: the components laid out, the model built from the inputs.

``solara run sim.present.dashboard.app:Page`` serves it (:mod:`sim.present.dashboard.server`).
"""

from __future__ import annotations

import html
import os

from sim.present.dashboard.model import SCENARIO_ENV, DashboardModel, initial_settings, model_params, scenario_path
from sim.present.dashboard.views import (
    current_month,
    events_html,
    latest_events,
    network_figure,
    status_lines,
    trajectory_figure,
)


def components():
    """The dashboard's SolaraViz components, each a function of the model."""
    import solara

    def MonthView(model):
        with solara.Column(gap="4px") as main:
            solara.HTML(tag="div", unsafe_innerHTML=f"Month <b>{html.escape(current_month(model))}</b>",
                        classes=["tajsim-month"], style="font-size:22px")
            for line in status_lines(model):
                solara.Text(line, style="font-size:13px")
            solara.Text(f"{model.plan.title or model.plan.name}", style="font-size:12px;color:#666")
        return main

    def NetworkView(model):
        figure = solara.use_memo(lambda: network_figure(model), [id(model), model.month])
        with solara.Div(classes=["tajsim-network"]) as main:
            solara.FigureMatplotlib(figure, dependencies=[id(model), model.month], format="png")
        return main

    def TrajectoryView(model):
        figure = solara.use_memo(lambda: trajectory_figure(model), [id(model), model.month])
        with solara.Div(classes=["tajsim-trajectories"]) as main:
            solara.FigureMatplotlib(figure, dependencies=[id(model), model.month], format="png")
        return main

    def EventsView(model):
        return solara.HTML(tag="div", unsafe_innerHTML=events_html(latest_events(model)),
                           style="max-height:100%;overflow:auto")

    return [(MonthView, 0), (NetworkView, 0), (TrajectoryView, 0), (EventsView, 0)]


def make_app(scenario: str | os.PathLike | None = None):
    """The dashboard page: a Solara component rendering Mesa's ``SolaraViz``.

    Each browser session gets its own :class:`DashboardModel` (one replicate of
    ``scenario``, the full replay by default); Reset rebuilds it from the inputs.
    """
    import solara
    from mesa.visualization import SolaraViz

    params = model_params(scenario)
    parts = components()
    path = scenario_path(scenario)
    name = f"tajsim · {path.stem}"

    @solara.component
    def Page():
        model = solara.use_memo(lambda: DashboardModel(**initial_settings(params)), [])
        return SolaraViz(model, components=parts, model_params=params, name=name, play_interval=150)

    return Page


def __getattr__(name: str):
    # ``solara run sim.present.dashboard.app:Page`` (see serve): the page of the scenario in SCENARIO_ENV
    if name == "Page":
        page = make_app(os.environ.get(SCENARIO_ENV) or None)
        globals()["Page"] = page
        return page
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


