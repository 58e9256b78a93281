"""The works the rules rest on: the two seed texts and named public sources after them.

Every rule cites one of these by key, with a verbatim quote from it. The seed texts' quotes are
checked against the texts (tests/test_rules_and_record.py); a public source's quote was copied
from the work as stored in the project's source dossier, and its address is given here so that a
reader can check it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    """A work a rule rests on."""

    author: str
    title: str
    year: int | None
    venue: str
    url: str = ""

    def citation(self) -> str:
        year = f" ({self.year})" if self.year else ""
        where = f", {self.venue}" if self.venue else ""
        link = f", {self.url}" if self.url else ""
        return f"{self.author}{year}, \u201c{self.title}\u201d{where}{link}"


SOURCES: dict[str, Source] = {
    "seed:000": Source("Library of Congress, Federal Research Division", "Tajikistan: Foreign Relations", 1996,
                       "Tajikistan: A Country Study (Library of Congress country studies)"),
    "seed:002": Source("K. Kluczewska", "Transformation of Tajikistan's foreign policy towards Russia", 2023,
                       "Ghent Institute for International and European Studies"),
    # --- theory ---------------------------------------------------------------------------
    "fearon1995": Source("J. D. Fearon", "Rationalist Explanations for War", 1995, "International Organization 49(3)",
                         "https://doi.org/10.1017/S0020818300033324"),
    "zartman2000": Source("I. W. Zartman", "Ripeness: The Hurting Stalemate and Beyond", 2000,
                          "in P. Stern and D. Druckman (eds.), International Conflict Resolution After the Cold War, "
                          "National Academies Press", "http://www.nap.edu/openbook.php?record_id=9897&page=225"),
    "salehyan2007": Source("I. Salehyan", "Transnational Rebels: Neighboring States as Sanctuary for Rebel Groups", 2007,
                           "World Politics 59(2)", "https://doi.org/10.1353/wp.2007.0024"),
    "stedman1997": Source("S. J. Stedman", "Spoiler Problems in Peace Processes", 1997, "International Security 22(2)",
                          "https://doi.org/10.1162/isec.22.2.5"),
    "mason2011": Source("T. D. Mason, M. Gurses, P. T. Brandt and J. M. Quinn",
                        "When Civil Wars Recur: Conditions for Durable Peace after Civil Wars", 2011,
                        "International Studies Perspectives 12, 171-189",
                        "https://paperzz.com/doc/7921906/when-civil-wars-recur--conditions-for-durable-peace-after..."),
    "cunningham2010": Source("D. E. Cunningham", "Blocking resolution: How external states can prolong civil wars",
                             2010, "Journal of Peace Research 47(2)", "https://doi.org/10.1177/0022343309353488"),
    # --- the civil war and the peace process ---------------------------------------------------
    "rferl1997iran": Source("Radio Free Europe/Radio Liberty", "News item, Tehran, 20 January 1997", 1997, "RFE/RL",
                            "https://www.rferl.org/a/1083308.html"),
    "jamestown1996": Source("Jamestown Foundation", "CIS peacekeeping force mandate extended in Tajikistan", 1996,
                            "Monitor 2(16)", "https://jamestown.org/program/cis-peacekeeping-force-mandate-extended-in-tajikistan/"),
    "rediff1997": Source("Rediff.com", "Tajikstan on the road to peace, finally", 1997, "Rediff.com, April 1997",
                         "http://rediff.com/news/apr/15tajik.htm"),
    "pam1996": Source("Kroc Institute, Peace Accords Matrix",
                      "General Agreement on the Establishment of Peace and National Accord in Tajikistan: cease fire",
                      None, "University of Notre Dame",
                      "http://peaceaccords.nd.edu/accord/general-agreement-establishment-peace-and-national-accord-tajikistan"),
    "pam1997": Source("Kroc Institute, Peace Accords Matrix",
                      "General Agreement on the Establishment of Peace and National Accord in Tajikistan: power-sharing "
                      "transitional government", None, "University of Notre Dame",
                      "http://peaceaccords.nd.edu/provision/powersharing-transitional-government-general-agreement-"
                      "establishment-peace-and-national"),
    "hrw1996": Source("Human Rights Watch", "World Report 1996: Tajikistan", 1996, "Human Rights Watch",
                      "https://www.hrw.org/legacy/reports/1996/WR96/Helsinki-18.htm"),
    "eurasianet2000": Source("EurasiaNet", "Nuri and the future of Tajikistan", 2000, "EurasiaNet",
                             "https://eurasianet.org/nuri-and-the-future-of-tajikistan"),
    "jamestown1998": Source("Jamestown Foundation", "Cold war breaks out between Uzbekistan and Tajikistan", 1998,
                            "Monitor 4(213)", "https://jamestown.org/program/cold-war-breaks-out-between-uzbekistan-and-tajikistan/"),
    "iwpr2010": Source("V. Davlatov (IWPR)", "Tajikistan Moves Against Militants", None,
                       "Institute for War and Peace Reporting", "https://iwpr.net/global-voices/tajikistan-moves-against-militants"),
    # --- the Kyrgyz-Tajik border ---------------------------------------------------------------
    "wps2021": Source("A. Arynova and S. Schmeier",
                      "Conflicts over water and water infrastructure at the Tajik-Kyrgyz border", None,
                      "Water, Peace and Security partnership",
                      "https://readkong.com/page/conflicts-over-water-and-water-infrastructure-at-the-4151923"),
    "envsec2005": Source("UNEP, UNDP, OSCE and NATO (the Environment and Security Initiative)", "Environment and "
                         "Security: Transforming Risks into Cooperation. Central Asia: Ferghana/Osh/Khujand Area", 2005,
                         "ENVSEC", "https://cld.bz/bookdata/cYZcJmp/basic-html/page-19.html"),
    "valieva2014": Source("S. Valieva", "Kyrgyzstan, Tajikistan: Land and Water Conflicts", 2014,
                          "The Center for Climate & Security",
                          "https://climateandsecurity.org/2014/01/kyrgyzstan-tajikistan-land-and-water-conflicts/"),
    "toktomushev2018": Source("K. Toktomushev", "Understanding Cross-Border Conflict in Post-Soviet Central Asia: The "
                              "Case of Kyrgyzstan and Tajikistan", 2018, "Connections: The Quarterly Journal 17(1), 21-41",
                              "http://connections-qj.org/article/understanding-cross-border-conflict-post-soviet-central-"
                              "asia-case-kyrgyzstan-and-tajikistan"),
    "aa2022": Source("Anadolu Agency", "Putin meets Kyrgyz, Tajik counterparts on sidelines of CICA summit in Astana",
                     2022, "The Asia Today / AA",
                     "https://theasiatoday.org/news/central-asia/putin-meets-kyrgyz-tajik-counterparts-on-sidelines-of-"
                     "cica-summit-in-astana-%ef%bf%bc/amp"),
    # --- dependence, leverage and hedging (theory) ----------------------------------------------
    "hirschman1980": Source("A. O. Hirschman", "National Power and the Structure of Foreign Trade (expanded edition, "
                            "preface)", 1980, "University of California Press",
                            "https://zlibrary.cc/dl/national-power-and-structure-of-foreign-trade"),
    "keohane_nye1977": Source("R. O. Keohane and J. S. Nye, quoted by J. Strachan",
                              "Disparities in Sensitivity and Vulnerability in the Liberal System", 2014,
                              "LC Meridian Journal (quoting Power and Interdependence, 1977)",
                              "https://lcmeridianjournal.com/2014/11/16/disparities-in-sensitivity-and-vulnerability-in-the-liberal-system/"),
    "cooley2012": Source("Saltzman Institute, summarising A. Cooley", "Alexander Cooley Interviewed for Radio Free "
                         "Europe/Radio Liberty (on Great Games, Local Rules, 2012)", 2012, "SIWPS, Columbia University",
                         "https://www.siwps.org/alexander-cooley-interviewed-for-radio-free-europe-radio-liberty/"),
    "kuik2021": Source("C.-C. Kuik", "Getting hedging right: a small-state perspective", 2021,
                       "China International Strategy Review 3", "https://doi.org/10.1007/s42533-021-00089-5"),
    "lake2009": Source("Foreign Affairs, capsule review of D. A. Lake", "Hierarchy in International Relations", 2009,
                       "Foreign Affairs", "https://www.foreignaffairs.com/reviews/capsule-review/2009-12-19/hierarchy-"
                       "international-relations"),
    # --- Russia's levers ------------------------------------------------------------------------
    "rferl2011": Source("Radio Free Europe/Radio Liberty", "Russian Response To Tajik Court Ruling Becomes Clearer",
                        2011, "RFE/RL", "https://www.rferl.org/a/russian_response_to_tajik_court_ruling_gains_in_"
                        "clarity/24388218.html"),
    "moscowtimes2011": Source("The Moscow Times", "Pilot Freed After Migrant Hunts", 2011, "The Moscow Times",
                              "https://www.themoscowtimes.com/2011/11/22/pilot-freed-after-migrant-hunts-a10954"),
    "menga2015": Source("F. Menga", "Building a nation through a dam: the case of Rogun in Tajikistan", 2015,
                        "Nationalities Papers 43(3): 479-494", "https://doi.org/10.1080/00905992.2014.924489"),
    "schelling1966": Source("T. C. Schelling", "Arms and Influence, chapter 1: The Diplomacy of Violence", 1966,
                            "Yale University Press; the passage as quoted by the Stimson Center, 2015",
                            "https://www.stimson.org/2015/arms-and-influence/"),
    "weisiger2015": Source("A. Weisiger and K. Yarhi-Milo", "Revisiting Reputation: How Past Actions Matter in "
                           "International Politics", 2015, "International Organization 69(2): 473-495",
                           "https://doi.org/10.1017/S0020818314000393"),
    "afp2015eeu": Source("Agence France-Presse (InfoBalkans)", "Kyrgyzstan joins Russia-backed economic bloc", 2015,
                         "AFP", "https://infobalkans.com/2015/08/06/kyrgyzstan-joins-russia-backed-economic-bloc"),
    "vorotagoroda2015": Source("Vorota Goroda (a Moscow migration-services firm)", "Work patent", 2015, "Vorota Goroda",
                               "https://www.vorotagoroda.com/en/info/our-services/work-patent"),
    "kg24_2019": Source("24.kg, reporting a Higher School of Economics study",
                        "Migrants from Kyrgyzstan earn least of all, but want to stay in Russia", 2019, "24.kg",
                        "https://24.kg/english/78076_Migrants_from_Kyrgyzstan_earn_least_of_all_but_want_to_stay_in_Russia/"),
    "walter2006": Source("B. F. Walter", "Building Reputation: Why Governments Fight Some Separatists but Not Others",
                         2006, "American Journal of Political Science 50(2): 313-330",
                         "https://doi.org/10.1111/j.1540-5907.2006.00186.x"),
    "aljazeera2004": Source("Al Jazeera", "Russia gets Tajikistan military base", 2004, "Al Jazeera",
                            "https://www.aljazeera.com/archive/2004/10/200841014233247496.html"),
    "reuters2012base": Source("R. Kozhevnikov (Reuters)", "Tajikistan agrees Russian base deal to curb militant threat",
                              2012, "Reuters, 14 September 2012 (reposted by There Are No Sunglasses)",
                              "https://therearenosunglasses.wordpress.com/2012/09/14/tajikistan-russia-reportedly-come-"
                              "to-agreement-on-201st-russian-base-in-dushanbe/"),
    "reuters2012lease": Source("G. Bryanski (Reuters)", "Russia extends Tajik base lease to curb militant threat", 2012,
                               "Reuters, 5 October 2012 (reposted by Townhall)",
                               "https://townhall.com/news/world/2012/10/05/russia-extends-tajik-base-lease-to-curb-"
                               "militant-threat-n1295567"),
    "eurasianet2009dushanbe": Source("D. Trilling (EurasiaNet)", "French Air Detachment in Dushanbe", 2009,
                                     "EurasiaNet, 18 May 2009 (reposted by Ocnus.Net)",
                                     "http://www.ocnus.net/artman2/publish/Defence_Arms_13/French_Air_Detachment_in_"
                                     "Dushanbe_printer.shtml"),
    "eurasianet2012base": Source("EurasiaNet", "Tajikistan, Russia Reportedly Agree On Base Extension", 2012,
                                 "EurasiaNet, 5 October 2012 (reposted by Tajikistan Focus)",
                                 "https://tajikistanfocus.wordpress.com/2012/10/06/tajikistan-russia-reportedly-agree-"
                                 "on-base-extension-eurasianet-org/"),
    "ria2011base": Source("RIA Novosti", "Russia to extend lease of Tajikistan military base", 2011,
                          "RIA Novosti, 2 September 2011 (reposted by Windows to Russia)",
                          "https://news.windowstorussia.com/russia-to-extend-lease-of-tajikistan-military-base.html"),
    "goble2021": Source("P. Goble, summarising S. Konovalov (Nezavisimaya Gazeta)",
                        "Russia's presence in Tajikistan doesn't give Moscow the influence it wants", 2021,
                        "Window on Eurasia", "http://windowoneurasia2.blogspot.com/2022/01/russias-presence-in-"
                        "tajikistan-doesnt.html"),
    "republicworld2022": Source("Republic World", "Tajik President asks Putin not to consider Central Asian nations "
                                "as 'former Soviet Union'", 2022, "Republic World",
                                "https://republicworld.com/world-news/rest-of-the-world-news/tajik-president-asks-putin-not"),
    # --- Uzbekistan's levers and its thaw ----------------------------------------------------------------------
    "afp2010": Source("Agence France-Presse (Daily Times)", "Uzbekistan cuts energy to Tajikistan amid tensions", 2010,
                      "Daily Times, 9 February 2010 (reposted by tajikwater.net)",
                      "http://tajikwater.net/docs/100209_DailyTimes.htm"),
    "diplomat2014hydro": Source("E. Kasym", "Central Asia’s Hydropower Spat", 2014, "The Diplomat, 19 December 2014",
                                "https://thediplomat.com/2014/12/central-asias-hydropower-spat"),
    "icg2014": Source("International Crisis Group", "Water Pressures in Central Asia (Europe and Central Asia Report "
                      "N°233)", 2014, "International Crisis Group",
                      "http://www.css.ethz.ch/en/services/digital-library/articles/article.html/183920"),
    "tolipov2018": Source("F. Tolipov", "Uzbekistan-Tajikistan Relations: The Long Way to Strategic Partnership", 2018,
                          "CACI Analyst, 18 September 2018",
                          "http://cacianalyst.org/publications/analytical-articles/item/13533-uzbekistan-tajikistan-"
                          "relations-the-long-way-to-strategic-partnership.html"),
    "sputnik2018": Source("Sputnik Tajikistan", "Как проходила встреча Мирзиёева во Дворце нации в Душанбе", 2018,
                          "Sputnik Tajikistan, 9 March 2018",
                          "https://tj.sputniknews.ru/amp/20180309/kak-prohodila-vstrecha-mirziyoeva-vo-dvorce-naciy-"
                          "dushanbe-fotolenta-1024965782.html"),
    "shambaugh2002": Source("G. E. Shambaugh and J. Lepgold", "Who Owes Whom, How Much, and When? Understanding "
                            "Reciprocated Social Exchange in International Politics", 2002,
                            "Review of International Studies 28: 229-252", "https://ssrn.com/abstract=2123542"),
    # --- China and the United States ---------------------------------------------------------------
    "asiaplus2017": Source("Asia-Plus", "Tajikistan's external debt (Ministry of Finance data)", 2017, "Asia-Plus",
                           "http://www.asiaplus.tj/ru/node/240186"),
    "asiaplus2019": Source("Asia-Plus", "Russian remittances to Central Asia's nations rise again (after Eurasianet and "
                           "the Central Bank of Russia's data)", 2019, "Asia-Plus, 24 May 2019",
                           "http://www.asiaplus.tj/en/news/tajikistan/economic/20190524/"
                           "russian-remittances-to-central-asias-nations-rise-again"),
    "asiaplus2018": Source("Asia-Plus", "Tajik government agrees to give TBEA rights to further deposits", 2018,
                           "Asia-Plus", "http://www.asiaplus.tj/ru/node/253997"),
    "asiaplus2012rent": Source("Asia-Plus", "Tajikistan will insist on payment of rent for Russian military base "
                               "(report of Ambassador A. Dostiyev's interview with RFE/RL's Tajik Service)", 2012,
                               "Asia-Plus, 29 February 2012", "https://asiaplus.news/?p=85818"),
    "moscowtimes2012rent": Source("The Moscow Times", "Tajikistan Wants $250M for Russian Base, Report Says", 2012,
                                  "The Moscow Times, 11 July 2012", "https://www.themoscowtimes.com/2012/07/11/"
                                  "tajikistan-wants-250m-for-russian-base-report-says-a16197"),
    "kyivpost2012base": Source("Kyiv Post, reporting Kommersant", "Kommersant newspaper: Tajikistan puts Russian "
                               "military base rental fees at $250 million a year", 2012, "Kyiv Post, 12 July 2012",
                               "http://www.kyivpost.com/content/russia-and-former-soviet-union/kommersant-newspaper-"
                               "tajikistan-puts-russian-milit.html"),
    "asiaplus2012terms": Source("Asia-Plus", "Tajikistan reportedly agrees terms of Russia military base", 2012,
                                "Asia-Plus, 17 July 2012", "https://asiaplustj.info/en/news/tajikistan/politics/20120717/"
                                "tajikistan-reportedly-agrees-terms-russia-military-base"),
    "state2005aid": Source("US Department of State, Bureau of European and Eurasian Affairs", "U.S. Assistance to "
                           "Tajikistan -- Fiscal Year 2005 (fact sheet)", 2005, "US Department of State, 17 August 2005",
                           "https://2001-2009.state.gov/p/eur/rls/fs/51370.htm"),
    "usembassy2021security": Source("U.S. Embassy in Tajikistan", "U.S.-Tajikistan Security Assistance Fact Sheet", 2021,
                                    "U.S. Embassy Dushanbe, 19 November 2021",
                                    "https://tj.usembassy.gov/us-tajikistan-security-assistance-fact-sheet-111921/"),
    "terredasie2013": Source("Terre d'Asie", "La Russie a accordé au Tadjikistan une assistance militaire et technique "
                             "de 400 millions de dollars", 2013, "Terre d'Asie, October 2013",
                             "https://terredasie.com/la-russie-a-accorde-au-tadjikistan-une-assistance-militaire-et-technique-"
                             "de-400-millions-de-dollars"),
    "pravda2012base": Source("D. Sudakov (Pravda.ru), reporting Kommersant and A. Karavayev", "China and USA oust Russia "
                             "from Asia", 2012, "Pravda.ru (English), July 2012",
                             "https://english.pravda.ru/amp/russia/121580-tajikistan_russia"),
    "edm2012base": Source("Eurasia Daily Monitor (Jamestown Foundation)", "Russian, Tajikistani Officials Diverge on "
                          "Progress Made in Base Talks", 2012, "Eurasia Daily Monitor 9(129), July 2012",
                          "https://jamestown.org/program/russian-tajikistani-officials-diverge-on-progress-made-in-base-talks/"),
    "trend2012pannier": Source("V. Zhavoronkova (Trend), quoting B. Pannier (RFE/RL)",
                               "Russian to maintain dominant influence in Central Asia", 2012, "Trend, 1 March 2012",
                               "https://en.trend.az/azerbaijan/politics/1998807.html"),
    "carnegie2021": Source("Carnegie Endowment for International Peace",
                           "Why Russia Sees Little Threat in China's Growing Involvement in Tajikistan", 2021,
                           "Carnegie Politika", "https://carnegieendowment.org/posts/2021/12/why-russia-sees-little-"
                           "threat-in-chinas-growing-involvement-in-tajikistan"),
    "rferl2021base": Source("RFE/RL's Tajik Service", "Tajikistan Approves Construction Of New Chinese-Funded Base As "
                            "Beijing's Security Presence In Central Asia Grows", 2021, "Radio Free Europe/Radio Liberty, "
                            "27 October 2021", "https://www.rferl.org/a/tajikistan-approves-chinese-base/31532078.html"),
    "wapo2019posts": Source("G. Shih (The Washington Post)", "In Central Asia's forbidding highlands, a quiet newcomer: "
                            "Chinese troops", 2019, "The Washington Post, 18 February 2019",
                            "https://www.washingtonpost.com/world/asia_pacific/in-central-asias-forbidding-highlands-a-quiet-"
                            "newcomer-chinese-troops/2019/02/18/78d4a8d0-1e62-11e9-a759-2b8541bbbe20_story.html"),
    "rferl2021majlis": Source("B. Pannier (RFE/RL)", "Majlis Podcast: Tajikistan Takes A Hard Line On The Taliban", 2021,
                              "Radio Free Europe/Radio Liberty, August 2021",
                              "https://www.rferl.org/a/majlis-podcast-tajikistan-taliban/31433669.html"),
    "rferl2016eeu": Source("RFE/RL, Qishloq Ovozi", "Tajikistan Mulls EEU Membership, Feels Pull of Russia", 2016,
                           "Radio Free Europe/Radio Liberty (Gandhara)",
                           "https://gandhara.rferl.org/a/tajikistan-mulls-eeu-membership-russia/27895269.html"),
    "jamestown2001": Source("Jamestown Foundation", "Tajikistan Agrees to American Military Presence", 2001,
                            "Monitor", "https://jamestown.org/program/tajikistan-agrees-to-american-military-presence/"),
    "moscowtimes2001": Source("The Moscow Times", "Tajiks May Open Bases to U.S. Troops", 2001, "The Moscow Times",
                              "http://oldtmt.vedomosti.ru/sitemap/free/2001/9/article/tajiks-may-open-bases-to-us-troops/"),
}
