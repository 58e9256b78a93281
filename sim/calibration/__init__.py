"""Calibration against the UN voting record, and forecasts of voting agreement.

``tajsim calibrate`` fits on training years and scores the test years
(:mod:`~sim.calibration.calibrate`); ``tajsim forecast`` predicts agreement years ahead with
intervals (:mod:`~sim.calibration.forecast`). ``calibration/README.md`` explains the method.
"""

#: Default number of candidate evaluations: keeps ``tajsim calibrate`` well under 10 minutes on 2 cores.
DEFAULT_BUDGET = 600
#: Default replicates per candidate evaluation.
DEFAULT_REPLICATES = 8
#: Default candidate evaluations and replicates per evaluation of the war's stage.
DEFAULT_WAR_BUDGET = 240
DEFAULT_WAR_REPLICATES = 16
#: Default candidate evaluations and replicates per evaluation of the levers' stage.
DEFAULT_LEVER_BUDGET = 120
DEFAULT_LEVER_REPLICATES = 8
#: Default candidate evaluations of the output's stage (its replicates are the levers').
DEFAULT_OUTPUT_BUDGET = 60
