"""The model's core: the state (:mod:`~sim.core.world`), the rules, the agents that follow them,
and the Mesa model that steps them month by month (:mod:`~sim.core.model`).

This layer knows nothing of files: it is handed a composed run specification
(:class:`sim.scenario.Scenario`) and produces state, events and a monthly history.
"""
