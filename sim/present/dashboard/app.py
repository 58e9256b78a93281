"""The dashboard page: Mesa's model controller, our inputs and our components, laid out as one page.

``solara run sim.present.dashboard.app:Page`` serves it (:mod:`sim.present.dashboard.server`).
Mesa's ``SolaraViz`` would lay the page out itself, with a tab bar ("Page 0") even for one page,
a "Time: 0.0" card and sliders that show no value; so the page is assembled here from the
parts SolaraViz is made of (``ModelController`` for Reset, Play and Step, and its grid layout),
with inputs that read out their values (:func:`~sim.present.dashboard.views.input_label`).
"""

from __future__ import annotations

import html
import os

from sim.present.dashboard.model import SCENARIO_ENV, DashboardModel, initial_settings, model_params, scenario_path
from sim.present.dashboard.views import (
    current_month,
    events_html,
    input_label,
    latest_events,
    network_figure,
    status_lines,
    trajectory_figure,
)

#: Milliseconds between months while playing, as the page starts.
PLAY_INTERVAL = 150


def components() -> list:
    """The dashboard's components, each a Solara component of the model, redrawn after every step."""
    import solara
    from mesa.visualization.utils import update_counter

    @solara.component
    def MonthView(model):
        update_counter.get()
        with solara.Column(gap="4px") as main:
            solara.HTML(tag="div", unsafe_innerHTML=f"Month <b>{html.escape(current_month(model))}</b>",
                        classes=["tajsim-month"], style="font-size:22px")
            for line in status_lines(model):
                solara.Text(line, style="font-size:13px")
            solara.Text(f"{model.plan.title or model.plan.name}", style="font-size:12px;color:#666")
        return main

    @solara.component
    def NetworkView(model):
        update_counter.get()
        figure = solara.use_memo(lambda: network_figure(model), [id(model), model.month])
        with solara.Div(classes=["tajsim-network"]) as main:
            solara.FigureMatplotlib(figure, dependencies=[id(model), model.month], format="png")
        return main

    @solara.component
    def TrajectoryView(model):
        update_counter.get()
        figure = solara.use_memo(lambda: trajectory_figure(model), [id(model), model.month])
        with solara.Div(classes=["tajsim-trajectories"]) as main:
            solara.FigureMatplotlib(figure, dependencies=[id(model), model.month], format="png")
        return main

    @solara.component
    def EventsView(model):
        update_counter.get()
        return solara.HTML(tag="div", unsafe_innerHTML=events_html(latest_events(model)),
                           style="max-height:100%;overflow:auto")

    return [MonthView, NetworkView, TrajectoryView, EventsView]


def make_app(scenario: str | os.PathLike | None = None):
    """The dashboard page, a Solara component.

    Each browser session gets its own :class:`DashboardModel` (one replicate of ``scenario``,
    the full replay by default); Reset rebuilds it from the inputs' values, which take effect
    only then. Inputs left where the page put them rebuild the plain replay.
    """
    import solara
    import solara.lab
    from mesa.visualization.solara_viz import ModelController, make_initial_grid_layout

    params = model_params(scenario)
    inputs = {name: spec for name, spec in params.items() if isinstance(spec, dict)}
    views = components()
    title = f"tajsim · {scenario_path(scenario).stem}"

    @solara.component
    def Inputs(settings: solara.Reactive[dict]):
        for name, spec in inputs.items():
            value = settings.value[name]

            def change(new, name=name):
                settings.value = {**settings.value, name: new}

            label = input_label(name, spec, value)
            if spec["type"] == "SliderInt":
                solara.SliderInt(label, value=value, on_value=change, min=spec["min"], max=spec["max"],
                                 step=spec["step"])
            elif spec["type"] == "SliderFloat":
                solara.SliderFloat(label, value=value, on_value=change, min=spec["min"], max=spec["max"],
                                   step=spec["step"])
            else:
                solara.Select(label, value=value, on_value=change, values=spec["values"])

    @solara.component
    def Page():
        first = solara.use_memo(lambda: DashboardModel(**initial_settings(params)), [])
        model: solara.Reactive[DashboardModel] = solara.use_reactive(first)
        settings = solara.use_reactive(initial_settings(params))
        play_interval = solara.use_reactive(PLAY_INTERVAL)
        months_per_step = solara.use_reactive(1)
        threads = solara.use_reactive(False)
        layout, set_layout = solara.use_state(make_initial_grid_layout(len(views)))

        solara.Title(title)
        with solara.AppBar():
            solara.AppBarTitle(title)
            solara.lab.ThemeToggle()
        with solara.Sidebar(), solara.Column():
            with solara.Card("Controls"):
                solara.SliderInt(f"Play interval: {play_interval.value} ms", value=play_interval, min=10, max=500,
                                 step=10)
                solara.SliderInt(f"Months per step: {months_per_step.value}", value=months_per_step, min=1, max=24)
                ModelController(model, model_parameters=settings, play_interval=play_interval,
                                render_interval=months_per_step, use_threads=threads)
            with solara.Card("Settings (take effect on Reset)"):
                Inputs(settings)
        solara.GridDraggable(items=[View(model.value) for View in views], grid_layout=layout, resizable=True,
                             draggable=True, on_grid_layout=set_layout)

    return Page


def __getattr__(name: str):
    # ``solara run sim.present.dashboard.app:Page`` (see serve): the page of the scenario in SCENARIO_ENV
    if name == "Page":
        page = make_app(os.environ.get(SCENARIO_ENV) or None)
        globals()["Page"] = page
        return page
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
