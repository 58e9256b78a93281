"""Russia: reluctant at first, then the government's backer, border guard and older brother."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.core.rulebook import rule
from sim.core.rules.common import afghan_threat, pos
from sim.core.world import World

if TYPE_CHECKING:
    from sim.core.agents import Actor


@rule("R22", "Russia, absorbed by its own transformation, is at first not interested in Tajikistan's war",
      "seed:002", "Already dealing with challenges from its own post-socialist transformation in the early 1990s, "
      "initially Russia was not interested in interfering in Tajikistan’s domestic conflict.", ("RUS",))
def russia_preoccupied(w: World, me: Actor, k: float) -> None:
    slump = max(-w.drive("russia_growth"), 0.0) / 15.0
    w.pull(me.code, "TJK", -0.5 * k * slump)


@rule("R23", "Russia backs the Tajik government with the 201st division in proportion to its engagement and the war",
      "seed:002", "Together with the 201st division, the Tajik forces were thus able to quickly regain control of "
      "Dushanbe and launch an offensive against the rebels", ("RUS",))
def russia_backs_government(w: World, me: Actor, k: float) -> None:
    engaged = pos(w.align(me.code, "TJK"))
    need = w.conflict.threat + 0.3 * w.drive("afghan_instability")
    w.give_aid(me.code, "TJK", 0.12 * k * engaged * need, "Russia's 201st division and border troops back the Tajik government",
               military=True)
    w.propose(me.code, "TJK", "military", 0.2 * k * pos(engaged - 0.2) * w.conflict.war * ~w.has(me.code, "TJK", "base"),
              "Russia puts the 201st division at the Tajik government's side", tie="base", alignment=0.1, security=0.1)


@rule("R24", "Russia defends the Afghan border, and so the CIS, against extremism and drug trafficking",
      "seed:000", "Russia also has justified its active involvement in the affairs of Tajikistan by citing the need to "
      "defend the Tajikistan-Afghanistan border--and thus, the CIS--from penetration by Islamic extremism and drug "
      "trafficking.", ("RUS",))
def russia_guards_border(w: World, me: Actor, k: float) -> None:
    threat = afghan_threat(w)
    w.pull(me.code, "TJK", 0.5 * k * threat)
    w.support(me.code, "TJK", 0.1 * k * threat)
    w.give_aid(me.code, "TJK", 0.03 * k * threat * pos(w.align(me.code, "TJK")))


@rule("R25", "Russia protects the Russian minority: engagement while it is at risk, and a citizenship treaty after",
      "seed:000", "The protection of the Russian minority in strife-ridden Tajikistan is a stated foreign policy goal "
      "of the Russian government.", ("RUS",))
def russia_protects_minority(w: World, me: Actor, k: float) -> None:
    w.pull(me.code, "TJK", 0.4 * k * w.conflict.war)
    calm = 1.0 - w.conflict.war
    w.propose(me.code, "TJK", "treaty", 0.004 * k * calm * pos(w.align(me.code, "TJK")) * (w.conflict.war > 0.05),
              "Russia and Tajikistan agree on dual citizenship", tie="treaty", alignment=0.05)


@rule("R26", "Russian officers and advisers serve in and around the Dushanbe government",
      "seed:000", "Russian personnel in Dushanbe acted as advisers to the post-civil war government.", ("RUS",))
def russian_personnel(w: World, me: Actor, k: float) -> None:
    engaged = pos(w.align(me.code, "TJK"))
    w.support(me.code, "TJK", 0.05 * k * engaged)
    w.propose(me.code, "TJK", "personnel", 0.02 * k * engaged * w.need_security,
              "Russian officials take posts in or advise the Dushanbe government", alignment=0.03)


@rule("R27", "Tajik migrants' earnings in Russia make Tajikistan depend on Russia's economy",
      "asiaplus2019", "Uzbekistan, Tajikistan and Kyrgyzstan are among the largest recipients of remittances from Russia, "
      "which makes them especially vulnerable to the Russian economy.", ("RUS",))
def remittance_tie(w: World, me: Actor, k: float) -> None:
    share = w.levers.remittances[:, me.index] / 50.0
    boom = 1.0 + w.drive("russia_growth") / 20.0
    w.support(me.code, "TJK", 0.5 * k * share * boom)
    w.pull("TJK", me.code, 0.3 * k * share)


@rule("R51", "Russia is Tajikistan's recognised strategic partner: a base and treaties bind both sides",
      "seed:002", "Russia is officially recognised as its strategic partner.", ("RUS",))
def strategic_partnership(w: World, me: Actor, k: float) -> None:
    w.pull(me.code, "TJK", 0.5 * k * w.has(me.code, "TJK", "base"))
    w.pull("TJK", me.code, 0.3 * k * w.has("TJK", me.code, "treaty"))


@rule("R64", "Russia arms Kabul's rulers as they lose ground to the Islamists, the more the nearer their outlook to Dushanbe's",
      "seed:000", "The situation changed in late 1995 and early 1996, when Russia began to support President Burhanuddin "
      "Rabbani's faction in the ongoing Afghan civil war.", ("RUS",))
def russia_arms_afghan_partners(w: World, me: Actor, k: float) -> None:
    """How far Kabul's rulers have lost ground is how far their capability has fallen below the actors file's (the
    Taliban's advance of 1994-95 is a shock that lowers it; new rulers come with their own). Their outlook gates it,
    as 1 + ``ideology_tjk``: Rabbani's government (-0.3) gets 0.7 of it, the Bonn government (0) all, the Taliban
    (-0.8) 0.2. The scale is Russia's backing of Dushanbe's side in its own war (R23): against Russia's means the
    flow does not grow large enough, in the months Rabbani's government has, to be logged as an episode's
    onset. What the armed rulers make of it is R39's."""
    if not w.present("AFG"):
        return
    backing = w.weakened(["AFG"])[0] * pos(1.0 + w.trait("AFG", "ideology_tjk"))
    w.give_aid(me.code, "AFG", 0.12 * k * backing, "Russia arms the Afghan government against the Islamists", military=True)
    w.pull(me.code, "AFG", 0.3 * k * backing)


@rule("R85", "Russia guards the CIS's southern border against Islamic extremism: it cools to Afghan rulers as far as "
      "their outlook lies from Dushanbe's secular one", "seed:000", "Russia also has justified its active involvement "
      "in the affairs of Tajikistan by citing the need to defend the Tajikistan-Afghanistan border--and thus, the "
      "CIS--from penetration by Islamic extremism and drug trafficking.", ("RUS",))
def guard_the_southern_border(w: World, me: Actor, k: float) -> None:
    """Only a cooling: the text gives Russia's fear of Islamic extremism beyond the border, not a warmth for
    rulers who do not share it. Kabul's outlook is a trait its regime changes set (the Taliban's in 1996 and
    2021), so Russia's regard for Afghanistan answers who rules there, not the calendar."""
    if w.present("AFG"):
        w.pull(me.code, "AFG", 0.3 * k * me.spec.islamist_concern * min(w.trait("AFG", "ideology_tjk"), 0.0))
