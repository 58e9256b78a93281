"""Uzbekistan: arms the winners, closes its border, fears Islamism, resents the victors; a successor mends fences."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.core.rulebook import rule
from sim.core.rules.common import armed, pos, pressing
from sim.core.world import World

if TYPE_CHECKING:
    from sim.core.agents import Actor


def victors_secure(w: World):
    """How secure the war's victors are in Dushanbe: the resentment R31 reads and R86's warmth in its place."""
    return w.security * (1.0 - w.conflict.war)


@rule("R28", "Uzbekistan arms the government side in the civil war, against the opposition",
      "seed:000", "Uzbekistan gave military support to the factions that won Tajikistan's civil war", ("UZB",))
def uzbekistan_backs_government(w: World, me: Actor, k: float) -> None:
    """Only while an armed opposition fights it (:func:`armed`, 0 once its fighters are integrated): the
    government's distance from safety (``threat``) outlasts the war, as the country out of its control, and the
    text's support went to the war's winners against their armed enemies."""
    engaged = me.spec.islamist_concern * (0.5 + pos(w.align(me.code, "TJK") + 0.5))
    in_danger = w.conflict.threat * armed(w)
    w.give_aid(me.code, "TJK", 0.08 * k * in_danger * engaged, "Uzbekistan gives military support to the government side",
               military=True)
    w.propose(me.code, "TJK", "treaty", 0.03 * k * in_danger * engaged * ~w.has(me.code, "TJK", "treaty"),
              "Uzbekistan and Tajikistan sign a defence cooperation treaty", tie="treaty", alignment=0.05)


@rule("R29", "Uzbekistan closes its border against refugees while the war rages",
      "seed:000", "closed its border with Tajikistan in the fall of 1992 to prevent opposition refugees from the "
      "civil war from fleeing to Uzbekistan.", ("UZB",))
def uzbekistan_closes_border(w: World, me: Actor, k: float) -> None:
    w.apply_pressure(me.code, "TJK", 0.08 * k * pos(w.conflict.war - 0.3), "Uzbekistan closes its border with Tajikistan")


@rule("R30", "Uzbekistan answers with fear of Islamic radicalism, pressing Tajik-language schooling",
      "seed:000", "In response, citing fears of Islamic radicalism in Tajikistan, Uzbekistan closed its Tajik-language "
      "schools in mid-1992.", ("UZB",))
def uzbekistan_fears_radicalism(w: World, me: Actor, k: float) -> None:
    fear = me.spec.islamist_concern * (w.conflict.war + 0.3 * w.drive("afghan_instability"))
    w.pull(me.code, "TJK", -0.2 * k * fear)
    w.propose(me.code, "TJK", "cultural", 0.02 * k * fear, "Uzbekistan closes Tajik-language schools",
              alignment=-0.08, pressure=0.1)


@rule("R31", "Once the war is won, Tashkent resents victors less amenable to its leadership",
      "seed:000", "the government in Tashkent was increasingly displeased that the dominant factions among the victors "
      "in Tajikistan's civil war were much less amenable to Uzbekistan's leadership than were the factions that had "
      "controlled Tajikistani politics before the war.", ("UZB",))
def uzbekistan_ambivalent(w: World, me: Actor, k: float) -> None:
    consolidated = victors_secure(w) * w.trait(me.code, "assertiveness")
    w.pull(me.code, "TJK", -0.75 * k * consolidated)
    w.apply_pressure(me.code, "TJK", 0.025 * k * consolidated, "Uzbekistan presses Dushanbe, displeased with the victors")


@rule("R32", "Uzbekistan urges Dushanbe towards conciliation with the opposition as the war ebbs",
      "seed:000", "By 1995 the Uzbekistani government was urging the government in Dushanbe to be more conciliatory "
      "toward the opposition in postwar peace talks.", ("UZB",))
def uzbekistan_urges_conciliation(w: World, me: Actor, k: float) -> None:
    ebbing = w.conflict.war * (1.0 - w.conflict.war) * w.security
    w.propose(me.code, "TJK", "mediation", 0.08 * k * ebbing, "Uzbekistan urges Dushanbe to compromise with the opposition")


@rule("R86", "A successor who presses his neighbours less than his predecessor makes overtures to Dushanbe: warmth as "
      "great as the resentment he no longer bears, and a series of visits", "tolipov2018",
      "Uzbekistan’s President Shavkat Mirziyoev’s state visit to Tajikistan on March 9-10, 2018, represented a "
      "“closure of the circle” in a series of trips since Mirziyoev was elected and proclaimed Central Asia as "
      "the new foreign policy priority for Uzbekistan.", ("UZB",))
def successor_mends_fences(w: World, me: Actor, k: float) -> None:
    """What a successor in Tashkent presses less than the actors file's leader (Karimov; the succession of 2016 is
    the shock that lowers ``assertiveness``) is resentment R31 no longer exerts; R86 turns as much of it into warmth
    (R31's form and scale, so that the resentment Karimov bore becomes warmth of its size), and proposes visits as far
    as the successor presses less (1 - :func:`pressing`). Nothing while the file's leader rules. Tajikistan's answer
    is its own rules' (R02 reads the regard and the pressure it is shown)."""
    w.pull(me.code, "TJK", 0.75 * k * victors_secure(w) * pos(w.spec(me.code).assertiveness - w.trait(me.code, "assertiveness")))
    w.propose(me.code, "TJK", "visit", 0.02 * k * pos(1.0 - pressing(w, me.code)),
              "Uzbekistan's president comes to Dushanbe offering compromise: border crossings, flights, water",
              alignment=0.05)
