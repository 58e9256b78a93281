"""The scenario file format: what a scenario file may say, as pydantic models.

A scenario file is YAML. It names a period (start and end month), the actors and their
attributes, exogenous driver series with their sources, scheduled exogenous events and
model parameters. Every object rejects unknown keys and is immutable once read; a value out
of range, an unknown actor code, event type or rule id is a validation error with its field
path, which :mod:`sim.scenario.reading` turns into one line. :func:`json_schema` exports the
format for editors (``tajsim schema``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from sim.core.rules import RULES
from sim.months import parse_month
from sim.scenario.fields import (  # noqa: F401  (re-exported: the format's field types)
    ActorCode,
    DriverName,
    Dyad,
    EventType,
    Month,
    PeriodId,
    Signed,
    Strict,
    Tie,
    Traits,
    Unit,
)
from sim.vocabulary import DRIVERS, MOVEMENTS, ORGANISATIONS


class ActorSpec(Strict):
    """What the texts tell of an actor, as numbers the rules read."""

    kind: Literal["state", "organisation", "movement"]
    capability: Unit = Field(description="ability to project power and give aid")
    regime: Literal[
        "post_communist", "islamic_republic", "liberal_democracy", "communist_party",
        "islamist_movement", "secular_republic", "international",
    ] = "international"
    culture_tjk: Unit = Field(0.0, description="cultural and language ties with Tajiks")
    script_barrier: Unit = Field(0.0, description="how far a different script blocks cultural contact")
    ideology_tjk: Signed = Field(0.0, description="likeness of its rulers' outlook to Dushanbe's")
    border_tjk: bool = False
    former_soviet: bool = False
    resources: tuple[Literal["gas", "oil", "water", "labour_market", "capital"], ...] = ()
    islamist_concern: Unit = Field(0.0, description="hostility to Islamist movements")
    assertiveness: Unit = Field(0.5, description="how readily its leaders press their neighbours")
    garrison: Annotated[float, Field(ge=0, le=5)] = Field(
        1.0, description="what its forces weigh when based in Tajikistan, against Russia's 201st (1); it multiplies "
                         "Parameters.garrison")
    downstream: Unit = Field(0.0, description="how far its farming depends on water flowing from Tajikistan")
    dam_stake: Unit = Field(0.0, description="how far its rulers have staked themselves on their great dam (Tajikistan: "
                                              "Rogun), so that a neighbour's squeeze over it is not given way to")
    reputation_concern: Unit = Field(0.0, description="how far its rulers weigh what giving way to one holder teaches "
                                                       "the others, so that a concession costs the more the more others "
                                                       "hold over it (Tajikistan)")
    migrant_share: Unit = Field(0.0, description="share of Tajik labour migrants it would draw at equal wages")
    energy_share: Unit = Field(0.0, description="share of Tajikistan's energy and overland transit passing through it")
    trade_share: Unit = Field(0.0, description="its share of Tajikistan's trade at independence (the weight of its pull)")
    role: Literal["political", "financial", "security", "economic_union"] | None = Field(
        None, description="for an organisation: what joining it means to Tajikistan")
    founded: Month | None = Field(None, description="month an organisation comes into being")
    members: tuple[ActorCode, ...] = Field((), description="for an organisation: the states besides Tajikistan that belong "
                                                     "to it from its founding (others join by scheduled events)")

    @model_validator(mode="after")
    def _members_of_an_organisation(self) -> ActorSpec:
        if self.members and self.kind != "organisation":
            raise ValueError("members: only an organisation has members")
        if "TJK" in self.members:
            raise ValueError("members: Tajikistan's memberships are ties in the period files or R04's decisions")
        return self


class DriverSeries(Strict):
    """A monthly exogenous series, given by points and interpolated between them."""

    source: str = Field(min_length=3, description="where the numbers come from")
    interpolation: Literal["linear", "step"] = "linear"
    points: dict[Month, float] = Field(min_length=1)


class RuleSetting(Strict):
    """Whether a rule is on, and how strongly it acts (1 is as written)."""

    enabled: bool = True
    weight: Annotated[float, Field(ge=0, le=10)] = 1.0


def _check_rule_ids(value: dict[str, RuleSetting]) -> dict[str, RuleSetting]:

    for rule_id in value:
        if rule_id not in RULES:
            raise ValueError(f"unknown rule {rule_id!r} (see 'tajsim rules')")
    return value


class Effects(Strict):
    """What a scheduled event does to the state when it fires."""

    alignment: Signed = Field(0.0, description="added to alignment both ways")
    regard: Signed = Field(0.0, description="added to how the event's actor regards its target, one way: the "
                                            "target's answer is left to the rules (a new regime's stance is the shock, "
                                            "not what its neighbours make of it)")
    aid: Annotated[float, Field(ge=0, le=5)] = 0.0
    pressure: Annotated[float, Field(ge=0, le=5)] = 0.0
    tie: Tie | None = None
    untie: Tie | None = None
    regime_security: Signed = 0.0
    regime_change: bool = Field(False, description="the event's actor has new rulers from another camp (a takeover, "
                                                   "a regime overthrown; not a successor within the same regime, as in "
                                                   "Tashkent in 2016): regard, aid and pressure to and from it start again "
                                                   "from 0 and refusals to recognise it lapse (what others made of, or gave, "
                                                   "the old rulers is not owed to the new); its traits say who they are")
    traits: Traits = Field(
        {}, description="new values of the event's actor's traits from this month (a new leader, a new regime, "
                        "a war elsewhere): capability, assertiveness, ideology_tjk")
    rules: dict[str, RuleSetting] = Field(
        {}, description="rule settings that take effect from this month for the rest of the run")
    lease: Annotated[float, Field(ge=0, le=100)] | None = Field(
        None, description="years of the lease the event's actor signs for its base in Tajikistan from this month "
                          "(sim/core/leases.py)")

    @field_validator("rules")
    @classmethod
    def _known_rules(cls, value: dict[str, RuleSetting]) -> dict[str, RuleSetting]:
        return _check_rule_ids(value)


class ScheduledEvent(Strict):
    """An exogenous event the scenario imposes at a month (an input, not a prediction)."""

    date: Month
    actor: ActorCode
    target: ActorCode
    type: EventType
    summary: str = Field(min_length=3)
    source: str = Field(min_length=3)
    record: str | None = Field(None, description="id of the record event this input reproduces")
    effects: Effects = Effects()

    @model_validator(mode="after")
    def _effects_fit_the_dyad(self) -> ScheduledEvent:
        if self.actor == self.target:  # an event of one actor alone: its own war, its new rulers
            dyadic = [name for name in ("alignment", "regard", "aid", "pressure", "tie", "untie", "lease")
                      if getattr(self.effects, name) not in (0.0, None)]
            if dyadic:
                raise ValueError(f"effects.{dyadic[0]}: an event whose actor is its target ({self.actor}) happens "
                                 f"within one actor and may change only its traits, its rulers and rules")
        if self.effects.lease is not None and (self.actor, self.target) != ("RUS", "TJK"):
            raise ValueError(f"effects.lease: only Russia's base in Tajikistan has a lease in the model (R75), so "
                             f"the event must be RUS -> TJK, not {self.actor} -> {self.target}")
        return self


class Intervention(Strict):
    """A counterfactual constraint on what one actor does to another, ``from`` a month (``to`` a month).

    ``forbid`` removes the action: the discrete actions of that type actor -> target get
    probability 0, and the flows of that type (aid, military support, pressure) are cut.
    ``force`` makes the discrete actions of that type certain each month they are on offer,
    and for a flow type adds ``amount`` a month to the flow. With ``rule``, only that rule's
    actions (and, forbidden, its flows) are touched: forcing R66's treaties makes Tajikistan give
    way where it is squeezed, not sign every treaty another rule offers. The window is ``from`` and ``to``,
    as in every change of an experiment (``start`` and ``end`` are its attributes in Python;
    build one with ``Intervention.model_validate({..., "from": ..., "to": ...})``).
    """

    mode: Literal["forbid", "force"]
    actor: ActorCode
    target: ActorCode
    type: EventType
    start: Month = Field(alias="from", description="first month the constraint holds")
    end: Month | None = Field(None, alias="to", description="last month it holds (default: to the end of the run)")
    amount: Annotated[float, Field(ge=0, le=5)] = 0.1
    rule: str | None = Field(None, description="only this rule's actions and flows (default: every rule's)")
    why: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> Intervention:
        if self.end is not None and parse_month(self.end) < parse_month(self.start):
            raise ValueError(f"to {self.end} is before from {self.start}")
        if self.rule is not None and self.rule not in RULES:
            raise ValueError(f"unknown rule {self.rule!r} (see 'tajsim rules')")
        return self


class Parameters(Strict):
    """Model-level constants (docs/ODD.md, "Submodels"); the rules' own strengths are their weights."""

    alignment_rate: Annotated[float, Field(gt=0, le=1)] = 0.08
    alignment_noise: Annotated[float, Field(ge=0, le=0.5)] = 0.03
    pull_gain: Annotated[float, Field(gt=0, le=5)] = 0.6
    aid_decay: Annotated[float, Field(ge=0, lt=1)] = 0.9
    pressure_decay: Annotated[float, Field(ge=0, lt=1)] = 0.8
    dependence_rate: Annotated[float, Field(gt=0, le=1)] = 0.05
    event_hazard: Annotated[float, Field(ge=0, le=10)] = 1.0
    onset_threshold: Annotated[float, Field(gt=0, le=5)] = 0.25
    security_rate: Annotated[float, Field(gt=0, le=1)] = 0.08
    security_base: Unit = 0.7
    security_war: Unit = 0.6
    security_afghan: Unit = 0.2
    security_military: Unit = 0.3
    economy_rate: Annotated[float, Field(gt=0, le=1)] = 0.05
    economy_base: Unit = 0.3
    economy_war: Unit = 0.3
    economy_aid: Unit = 0.25
    economy_remittances: Unit = 0.4
    economy_pressure: Unit = 0.3
    # the civil war (sim/core/conflict.py; docs/ODD.md, "Conflict")
    war_gov_base: Unit = 0.4
    war_gov_backing: Annotated[float, Field(ge=0, le=50)] = 4.0
    war_recruitment: Unit = 0.06
    war_opp_backing: Annotated[float, Field(ge=0, le=50)] = 3.0
    war_attrition: Unit = 0.15
    war_dissolution: Unit = 0.01
    war_organisation: Unit = 0.2
    war_threshold: Unit = 0.05
    war_intensity_gain: Annotated[float, Field(ge=0, le=50)] = 3.0
    war_intensity_rate: Unit = 0.4
    war_noise: Unit = 0.05
    war_control_rate: Unit = 0.3
    war_exhaustion: Unit = 0.05
    war_recovery: Unit = 0.02
    war_costs: Annotated[float, Field(ge=0, le=5)] = 0.5
    war_optimism: Unit = 0.3
    war_learning: Unit = 0.1
    war_talks_gain: Unit = 0.3
    war_talks_decay: Unit = 0.05
    war_ceasefire_effect: Unit = 0.7
    war_accord_effect: Unit = 0.9
    war_power_sharing: Unit = 0.3
    war_integration: Unit = 0.05
    war_exclusion: Unit = 0.5
    war_displacement: Unit = 0.15
    war_return: Unit = 0.05
    # the levers (sim/core/levers.py)
    squeeze_decay: Annotated[float, Field(ge=0, lt=1)] = 0.85
    migration_network: Unit = 0.05
    migration_max: Unit = 0.3
    migration_rate: Unit = 0.04
    migration_wage_gap: Annotated[float, Field(gt=0, le=20)] = 2.0
    migration_dollar: Annotated[float, Field(ge=0, le=2)] = 0.5
    union_migrant_cost: Unit = 0.14  # share of a non-member migrant's wage a union member's rules take (a prior)
    remittance_scale: Annotated[float, Field(ge=0, le=500)] = 60.0
    output_growth: Annotated[float, Field(ge=0, le=20)] = 7.0
    output_war_loss: Annotated[float, Field(ge=0, le=100)] = 30.0
    output_catch_up: Annotated[float, Field(ge=0, le=1)] = 0.05
    output_war_floor: Unit = 0.2
    output_union_loss: Unit = 0.3
    garrison: Annotated[float, Field(ge=0, le=5)] = 1.0
    resentment_memory: Annotated[float, Field(gt=0, le=30)] = 4.0
    lesson_years: Annotated[float, Field(gt=0, le=100)] = 10.0
    reputation_step: Unit = 0.2
    reputation_memory: Annotated[float, Field(ge=1 / 12, le=100)] = 7.0  # years; below a month the fade overshoots
    debt_repayment: Unit = 0.01
    trade_mass: Annotated[float, Field(ge=0, le=2)] = 0.6
    trade_rest: Annotated[float, Field(gt=0, le=5)] = 0.6
    trade_rate: Unit = 0.03
    trade_transit: Unit = 0.8
    attention_budget: Annotated[float, Field(gt=0, le=50)] = 4.0
    economy_energy: Unit = 0.3
    # the Kyrgyz-Tajik border dispute
    border_escalation: Annotated[float, Field(ge=0, le=50)] = 2.0
    border_threshold: Annotated[float, Field(ge=0, le=5)] = 0.6  # the border's tension has no cap


class ConflictStart(Strict):
    """The civil war's state when a run starts (a period that opens mid-war says so)."""

    opposition: Annotated[float, Field(ge=0, le=5)] = 0.1
    control: Unit = 1.0
    intensity: Unit = 0.0
    exhaustion: Unit = 0.0
    talks: Unit = 0.0
    sharing: Unit = 0.0


class LeverStart(Strict):
    """The levers' stocks when a run starts (sim/core/levers.py). A period that opens after
    independence says ``settled: true``: its partners' economic masses are compounded from their
    growth since independence and its migrants and trade start where the drivers put them."""

    settled: bool = False
    migrants: dict[ActorCode, Unit] = Field({}, description="share of Tajikistan's workforce working in each host")
    debt: dict[ActorCode, Annotated[float, Field(ge=0, le=5)]] = Field(
        {}, description="what Tajikistan owes each creditor, in years of its outside aid")
    own_supply: Unit = Field(0.0, description="how far Tajikistan has built its own energy (the Rogun dam, new plants)")
    dam_underway: bool = Field(False, description="whether Tajikistan has resolved to build the Rogun dam and is "
                                                  "building it (rule R70)")
    reputation: Unit = Field(0.5, description="Tajikistan's reputation for giving way to squeezes (0.5: nothing learned)")
    leases: dict[ActorCode, Annotated[float, Field(ge=0, le=100)]] = Field(
        {}, description="years left on each patron's formal lease of its base in Tajikistan (none: no lease signed)")
    output: Annotated[float, Field(gt=0, le=20)] = Field(
        1.0, description="Tajikistan's real output (GDP at constant prices) relative to 1991's")


class InitialState(Strict):
    """Starting values. ``A-B`` sets alignment both ways, ``A>B`` only how A regards B
    (written after ``A-B``, it refines it); ties are always from A to B."""

    alignment: dict[Dyad, Signed] = {}
    ties: dict[Dyad, tuple[Tie, ...]] = {}
    regime_security: Unit = 0.5
    economy: Unit = 0.5
    conflict: ConflictStart = ConflictStart()
    levers: LeverStart = LeverStart()
    traits: dict[ActorCode, Traits] = Field(
        {}, description="actors' traits when the run starts, where earlier events changed them")


class ScenarioFile(Strict):
    """The format of a scenario file (after ``extends`` has been merged)."""

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    title: str = ""
    description: str = ""
    extends: str | list[str] | None = None
    chain: list[str] | None = None
    period: PeriodId | None = None
    start: Month | None = None
    end: Month | None = None
    actors: dict[ActorCode, ActorSpec] = {}
    drivers: dict[DriverName, DriverSeries] = {}
    events: list[ScheduledEvent] = []
    parameters: Parameters = Parameters()
    rules: dict[str, RuleSetting] = {}
    initial: InitialState = InitialState()
    interventions: list[Intervention] = []

    @field_validator("rules")
    @classmethod
    def _known_rules(cls, value: dict[str, RuleSetting]) -> dict[str, RuleSetting]:
        return _check_rule_ids(value)

    @field_validator("drivers")
    @classmethod
    def _in_range(cls, value: dict[str, DriverSeries]) -> dict[str, DriverSeries]:
        for name, series in value.items():
            driver = DRIVERS[name]
            for month, number in series.points.items():
                if not driver.low <= number <= driver.high:
                    raise ValueError(f"{name}.points.{month}: {number:g} is outside {driver.range} ({driver.unit}; "
                                     "docs/drivers.md)")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> ScenarioFile:
        if self.chain is not None:
            if not self.chain:
                raise ValueError("chain: must list at least one scenario file")
            return self
        if self.start is None or self.end is None:
            raise ValueError("start and end are required (or a chain of period files)")
        start, end = parse_month(self.start), parse_month(self.end)
        if end < start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        if "TJK" not in self.actors:
            raise ValueError("actors: Tajikistan (TJK) must be among the actors")
        for number, event in enumerate(self.events):
            for role in ("actor", "target"):
                code = getattr(event, role)
                if code not in self.actors:
                    raise ValueError(f"events.{number}.{role}: {code!r} is not among the scenario's actors")
        for dyad in list(self.initial.alignment) + list(self.initial.ties):
            for code in dyad.replace(">", "-").split("-"):
                if code not in self.actors:
                    raise ValueError(f"initial: dyad {dyad!r} names {code!r}, not among the actors")
        for code, spec in self.actors.items():
            expected = "organisation" if code in ORGANISATIONS else "movement" if code in MOVEMENTS else "state"
            if spec.kind != expected:
                raise ValueError(f"actors.{code}.kind: {code} is {'an' if expected[0] == 'o' else 'a'} {expected}")
            if spec.kind == "organisation" and spec.role is None:
                raise ValueError(f"actors.{code}.role: an organisation needs a role")
        return self


class Calibration(Strict):
    """Calibrated defaults (``calibration/params.yaml``): laid under every period's own settings.

    Other keys of that file (the observation model, the fit's provenance) belong to
    calibration and are ignored here.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)
    parameters: dict[str, float] = {}
    rules: dict[str, RuleSetting] = {}

    @field_validator("parameters")
    @classmethod
    def _known_parameters(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = set(value) - set(Parameters.model_fields)
        if unknown:
            raise ValueError(f"unknown parameter(s) {', '.join(sorted(unknown))}")
        Parameters(**value)
        return value

    @field_validator("rules")
    @classmethod
    def _known_rules(cls, value: dict[str, RuleSetting]) -> dict[str, RuleSetting]:
        return _check_rule_ids(value)



def json_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file, for editors and external checks."""
    schema = ScenarioFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "tajsim scenario"
    return schema
