"""The historical record and how runs are judged against it.

* :mod:`~sim.record.items`: the dated events and stylized facts of ``calibration/record/``;
* :mod:`~sim.record.compare`: event recall and precision, stylized facts passed;
* :mod:`~sim.record.matching`: the record's dated events as arrays, and how simulated events match them;
* :mod:`~sim.record.observation`: the UN voting record and the observation model that maps
  latent alignment onto voting agreement;
* :mod:`~sim.record.scores`: forecast scores (MAE, CRPS, skill against baselines).
"""

from sim.record.items import Check, Mechanism, RecordEvent, StylizedFact, load_events, load_facts

__all__ = ["Check", "Mechanism", "RecordEvent", "StylizedFact", "load_events", "load_facts"]
