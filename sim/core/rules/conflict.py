"""War and peace: who supports the opposition, the parties' decisions on ceasefires and an
accord, the backers' push to settle, reneging and spoilers, and the Kyrgyz border.

The war itself moves in :mod:`sim.core.conflict`; these rules are the decisions that feed it.
The government's own backers are in their actors' modules (Russia R23, Uzbekistan R28, the CIS
R47), the mediators too (Uzbekistan R32, Kyrgyzstan R36, Iran R38, Afghanistan R39, the United
States R44, the UN R48).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.core import border
from sim.core.rulebook import rule
from sim.core.rules.common import afghan_threat, armed, in_exile, pos
from sim.core.world import World

if TYPE_CHECKING:
    from sim.core.agents import Actor



# --- the opposition and its outside support ---------------------------------------------------


@rule("R52", "The armed opposition seeks bases and arms across the Afghan border and refuge in Tehran",
      "seed:000", "Beginning in 1992, border crossings--for private smuggling, to escape the Tajikistani civil war, or "
      "to obtain weapons for one side or the other in that war--became increasingly numerous.", ("UTO",))
def opposition_seeks_support(w: World, me: Actor, k: float) -> None:
    need = armed(w)
    w.pull(me.code, "AFG", 0.3 * k * need)
    w.pull(me.code, "IRN", 0.3 * k * need)
    w.propose(me.code, "AFG", "request", 0.05 * k * need, "The opposition seeks bases and arms in northern Afghanistan",
              alignment=0.03)
    w.propose(me.code, "IRN", "request", 0.02 * k * need, "Opposition leaders seek refuge and support in Tehran",
              alignment=0.03)


@rule("R53", "Across a permeable border, Afghan factions give the exiled opposition bases and arms, less as they "
      "come to terms with Dushanbe, none once an accord brings it home", "salehyan2007",
      "Results suggest that weak neighbors, rival neighbors, and refugee diasporas contribute to rebellion and that "
      "conflicts endure longer when rebels have access to external bases.",
      ("AFG",))
def afghan_sanctuary(w: World, me: Actor, k: float) -> None:
    weak_border = w.drive("afghan_instability")
    sympathy = 0.3 + pos(w.align(me.code, "UTO"))
    estranged = 1.0 - pos(w.align(me.code, "TJK"))
    w.pull(me.code, "UTO", 0.2 * k * me.spec.culture_tjk)
    w.give_aid(me.code, "UTO", 0.03 * k * weak_border * sympathy * estranged * in_exile(w),
               "Afghan factions give the Tajik opposition bases and arms", military=True)


@rule("R54", "Iran hosts the opposition's leaders and supports them while they are in exile and it mediates",
      "rferl1997iran", "Iran, which supports the opposition, and Russia, which backs the Dushanbe government, launched a "
      "diplomatic drive under UN auspices three years ago to end the fighting.", ("IRN",))
def iran_hosts_opposition(w: World, me: Actor, k: float) -> None:
    need = in_exile(w)
    w.pull(me.code, "UTO", 0.3 * k * need)
    w.give_aid(me.code, "UTO", 0.005 * k * need, "Iran hosts and supports the Tajik opposition's leaders")


# --- the parties' decisions --------------------------------------------------------------------


@rule("R55", "The parties agree a ceasefire for the period of talks once the talks have momentum and a bargain exists",
      "pam1996", "From the date of signature of the present Agreement, to proclaim a ceasefire and the cessation of "
      "other hostile activities for the entire period of the inter-Tajik talks.", ("UTO",))
def agree_ceasefire(w: World, me: Actor, k: float) -> None:
    c = w.conflict
    w.propose(me.code, "TJK", "treaty", 0.2 * k * c.talks * c.bargaining_range() * ~c.ceasefire * armed(w),
              "The government and the opposition agree a ceasefire for the talks", tie="ceasefire", alignment=0.05)


@rule("R56", "A side that believes it can win on the battlefield breaks the ceasefire",
      "hrw1996", "The September 1994 cease-fire agreement was, however, extended to February 1996, although armed clashes "
      "continued along the Tajik-Afghan border.", ("TJK", "UTO"))
def break_ceasefire(w: World, me: Actor, k: float) -> None:
    c = w.conflict
    gov, opp = c.expects_to_win()
    confident = gov if me.code == "TJK" else opp
    other = "UTO" if me.code == "TJK" else "TJK"
    w.propose(me.code, other, "conflict", 0.2 * k * c.ceasefire * ~c.accord * pos(confident - 0.6),
              "A side breaks the ceasefire and attacks", untie="ceasefire", alignment=-0.05)


@rule("R57", "At a ripe moment - both sides hurting, neither able to win - the parties sign an accord that shares power",
      "zartman2000", "Parties resolve their conflict only when they are ready to do so—when alternative, usually "
      "unilateral, means of achieving a satisfactory result are blocked and the parties find themselves in an "
      "uncomfortable and costly predicament.", ("UTO",))
def sign_accord(w: World, me: Actor, k: float) -> None:
    c = w.conflict
    ready = c.bargaining_range() & (np.minimum(c.exhaustion_gov, c.exhaustion_opp) > 0.15)
    w.propose(me.code, "TJK", "treaty", 0.15 * k * c.talks ** 2 * ready * ~c.accord * armed(w),
              "The government and the opposition sign a peace accord that shares power", tie="accord",
              alignment=0.3, security=0.1)


@rule("R58", "A government that has consolidated its hold takes back the posts it promised the opposition",
      "eurasianet2000", "Today, the number of UTO cabinet members is far fewer than 30 percent, and neither of the two "
      "ministerial posts was given to the UTO.", ("TJK",))
def renege_on_sharing(w: World, me: Actor, k: float) -> None:
    c = w.conflict
    w.renege(0.01 * k * w.security * (1.0 - c.war) * c.accord)


# --- the backers -----------------------------------------------------------------------------


@rule("R59", "Russia presses both sides to settle when the war costs it and the Afghan threat grows",
      "jamestown1996", "today we told Rakhmonov it’s enough. We can’t carry Tajikistan in our arms forever. Our men, "
      "Russians, are dying there.", ("RUS",))
def russia_presses_for_peace(w: World, me: Actor, k: float) -> None:
    c = w.conflict
    cost = np.minimum(c.backing_gov, 1.0) * c.war
    threat = afghan_threat(w)
    chance = 0.15 * k * cost * (0.3 + threat) * pos(w.align(me.code, "TJK"))
    w.propose(me.code, "TJK", "mediation", chance, "Russia presses Dushanbe to negotiate with the opposition")
    w.propose(me.code, "UTO", "mediation", chance, "Russia hosts talks with the opposition")


@rule("R60", "Iran, like Russia, turns to pressing its side to settle as the Taliban advance",
      "rediff1997", "This convergence of the policies of Iran and Russia has much to do with the rise of the "
      "ultra-fundamentalist Taliban movement in Afghanistan", ("IRN",))
def iran_presses_for_peace(w: World, me: Actor, k: float) -> None:
    c = w.conflict
    threat = pos(afghan_threat(w) - 0.5) * 2.0
    w.propose(me.code, "UTO", "mediation", 0.1 * k * threat * c.war * pos(w.align(me.code, "UTO")),
              "Iran presses the opposition to compromise")


@rule("R61", "Uzbekistan backs armed challengers to a Dushanbe government that shares power with Islamists",
      "jamestown1998", "The rebellion targeted not the Tajik government per se but its compromise with the United Tajik "
      "Opposition (UTO), a deal objectionable to Karimov", ("UZB",))
def uzbekistan_backs_spoilers(w: World, me: Actor, k: float) -> None:
    """Arms reach challengers only while there are men in arms outside the state (``armed``): once the accord's
    integration is done nobody is left to arm, whatever Tashkent thinks of the compromise (without the gate the
    rule kept an armed opposition alive that never fought, from 1998 to Karimov's death). The model has one armed
    opposition, so the UTO's stock stands in for the spoilers (Khudoiberdiev's men of 1998 were renegades of the
    government's own side, not the UTO's): the project's coding. The gate also cuts the rule's flows in 1998, as
    the UTO's fighters were being integrated, to about a third."""
    c = w.conflict
    resentment = pos(-w.align(me.code, "TJK")) * me.spec.islamist_concern
    w.give_aid(me.code, "UTO", 0.02 * k * resentment * c.sharing / 0.3 * c.accord * armed(w),
               "Uzbekistan backs armed challengers of the Dushanbe compromise", military=True)


# --- the Kyrgyz-Tajik border -----------------------------------------------------------------


@rule("R62", "Tajik villagers and border forces press their side of the disputed Kyrgyz border, the more the worse "
      "Tajikistan regards Kyrgyzstan, and each incident Kyrgyzstan starts sours that regard",
      "wps2021", "In April 2021, the installation of surveillance cameras over a water intake station located on "
      "territory disputed by Tajikistan and Kyrgyzstan by Tajik citizens triggered a spark of violence", ("TJK",))
def tajik_side_of_the_line(w: World, me: Actor, k: float) -> None:
    if not w.present("KGZ"):
        return
    _press_the_line(w, me, "KGZ", k)


@rule("R84", "Kyrgyz villagers and border forces press their side of the disputed Tajik border, the more the worse "
      "Kyrgyzstan regards Tajikistan, and each incident Tajikistan starts sours that regard",
      "valieva2014", "led the Kyrgyz government to commence construction of a road connecting the Kyrgyz villages of "
      "Kok-Tash and Aksai, aiming to bypass the Vorukh settlement", ("KGZ",))
def kyrgyz_side_of_the_line(w: World, me: Actor, k: float) -> None:
    if not w.present("TJK"):
        return
    _press_the_line(w, me, "TJK", k)


def _press_the_line(w: World, me: Actor, other: str, k: float) -> None:
    """A side's incidents (a calm rate, more the more people its valleys feed and the worse it regards the
    other side) and the souring of its regard by the incidents it suffered last month."""
    w.border.press(me.code, k * border.INCIDENTS_A_MONTH * border.crowding(w, me.code) * (1.0 + pos(-w.align(me.code, other))))
    w.pull(me.code, other, -border.SOURING * k * w.border.suffered(me.code))


@rule("R83", "Each side arms its border forces in answer to the incidents the other starts",
      "toktomushev2018", "four variables, which exacerbate tensions and hinder the restoration of a peaceful social "
      "fabric in the Batken-Isfara region: the unresolved legacies of the Soviet past, inefficient use of natural "
      "resources, militarization of borders, and lack of evidence-based policymaking", ("KGZ", "TJK"))
def arm_the_border(w: World, me: Actor, k: float) -> None:
    """That the arming answers the other side's incidents (a security dilemma at the line) is the project's
    reading of the militarisation the source names; how far one incident arms a side is
    :data:`~sim.core.border.ARMING`, how fast arms fade :data:`~sim.core.border.ARMS_HALF_LIFE`."""
    if not (w.present("KGZ") and w.present("TJK")):
        return
    w.border.arm(me.code, border.ARMING * k * w.border.suffered(me.code))


@rule("R63", "Russia mediates between its two allies when their border dispute turns violent",
      "aa2022", "The Russian president on Thursday met his Kyrgyz and Tajik counterparts in an attempt to settle border "
      "differences between the two neighbors.", ("RUS",))
def russia_calms_the_border(w: World, me: Actor, k: float) -> None:
    if not w.present("KGZ"):
        return
    fighting = w.border.intensity
    standing = 0.5 * (pos(w.align(me.code, "KGZ")) + pos(w.align(me.code, "TJK")))
    w.propose(me.code, "KGZ", "mediation", 0.3 * k * np.minimum(fighting * 4.0, 1.0) * standing,
              "Russia mediates between Kyrgyzstan and Tajikistan over their border", alignment=0.02)
    w.pull("KGZ", "TJK", 0.5 * k * fighting * standing)
    w.pull("TJK", "KGZ", 0.5 * k * fighting * standing)
