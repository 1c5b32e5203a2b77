"""Word lists the generated titles, sentences and page furniture draw from.

Generated sentences join short pieces from several lists, so that two unrelated
articles rarely share a run of five words: the near-duplicate detector must see
them as different stories.
"""
from __future__ import annotations

FIRST_NAMES = (
    "Amira", "Boris", "Carmen", "Dario", "Elena", "Farid", "Greta", "Hassan", "Irina", "Jonas",
    "Karim", "Leila", "Marco", "Nadia", "Omar", "Petra", "Rami", "Sofia", "Tariq", "Ursula",
    "Viktor", "Wanda", "Yusuf", "Zara", "Anton", "Bianca", "Cyrus", "Dalia", "Emil", "Fatima",
    "Goran", "Hana", "Ilya", "Jamila", "Kenan", "Lucia", "Milan", "Noor", "Oskar", "Rania",
)
LAST_NAMES = (
    "Abbasi", "Berg", "Castell", "Demir", "Ekström", "Farouk", "Galan", "Haddad", "Ivanova", "Jansen",
    "Kovac", "Lindqvist", "Mansour", "Novak", "Okafor", "Petrov", "Qureshi", "Rahimi", "Santos", "Toma",
    "Usmanov", "Varga", "Wolff", "Yilmaz", "Zoric", "Aziz", "Brennan", "Costa", "Dumas", "Esposito",
    "Fischer", "Grigoryan", "Halabi", "Ionescu", "Jaber", "Karimov", "Lemaire", "Moretti", "Nasser", "Orlov",
)
ROLES = (
    "deputy minister", "regional governor", "spokesperson", "senior analyst", "committee chair",
    "economist", "military observer", "former diplomat", "district mayor", "union leader",
    "energy consultant", "legal expert", "trade envoy", "port director", "researcher",
    "security adviser", "farm cooperative head", "opposition lawmaker", "ministry official", "think-tank fellow",
)
ORGS = (
    "the foreign ministry", "the defence ministry", "the finance ministry", "the central bank",
    "the national grid operator", "the customs service", "the railway company", "the health ministry",
    "the regional council", "the statistics office", "the coast guard", "the interior ministry",
    "the energy regulator", "the chamber of commerce", "the transport ministry", "the electoral commission",
    "the agriculture ministry", "the state news agency", "the parliamentary committee", "the development bank",
    "the water authority", "the civil aviation agency", "the labour federation", "the audit chamber",
)
PLACES = (
    "Aleppo", "Ankara", "Baghdad", "Basra", "Beirut", "Damascus", "Doha", "Dubai", "Erbil", "Homs",
    "Idlib", "Istanbul", "Izmir", "Jeddah", "Kabul", "Karachi", "Khartoum", "Kuwait City", "Latakia",
    "Manama", "Mosul", "Muscat", "Riyadh", "Sanaa", "Tabriz", "Tehran", "Tripoli", "Tunis", "Aden",
    "Amman", "Algiers", "Astana", "Baku", "Belgrade", "Cairo", "Caracas", "Lagos", "Minsk", "Nairobi",
    "Oran", "Tashkent", "Tbilisi", "Vienna", "Yerevan", "Almaty", "Bishkek", "Dushanbe", "Hodeidah",
    "Kirkuk", "Mashhad", "Mersin", "Misrata", "Nicosia", "Rabat", "Salalah", "Sfax", "Sochi",
    "Tartus", "Hama", "Deir Ezzor",
)
TOPICS = (
    "Grain Exports", "Fuel Subsidies", "Border Trade", "Water Rights", "Gas Pipeline Talks",
    "Rail Freight", "Port Expansion", "Power Shortages", "Wheat Harvest", "Housing Reform",
    "Customs Rules", "Airspace Access", "Refugee Returns", "Oil Output", "Currency Reserves",
    "Road Repairs", "Election Law", "Fishing Quotas", "Drought Relief", "Mining Licences",
    "Ceasefire Monitoring", "Prisoner Exchange", "Arms Control Talks", "Naval Drills", "Air Defence Upgrades",
    "Troop Rotation", "Peace Talks", "Sanctions Relief", "Debt Restructuring", "Transit Fees",
    "Nuclear Talks", "Cyber Security", "Food Prices", "Teacher Pay", "Hospital Funding",
    "Desalination Plans", "Solar Farms", "Shipping Insurance", "Tourism Revival", "Bridge Safety",
    "Satellite Launches", "Flood Defences", "Wildfire Response", "Cotton Exports", "Tanker Traffic",
    "Visa Rules", "Fertiliser Supplies", "Metro Construction", "Copper Mining", "Truck Convoys",
)
TITLE_TEMPLATES = (
    "{place} Officials Discuss {topic} Amid Regional Tensions",
    "{topic}: What the Latest Talks in {place} Mean",
    "New Dispute Over {topic} Emerges in {place}",
    "{place} Sets Deadline on {topic}",
    "Analysts Weigh Outcome of {place} Meeting on {topic}",
    "{topic} Back on Agenda as Delegations Meet in {place}",
    "{place} Residents Voice Concern Over {topic}",
    "Ministers Fail to Agree on {topic} at {place} Summit",
    "{place} Announces Plan to Overhaul {topic}",
    "Why {topic} Matters for {place}",
    "{place} Report Casts Doubt on {topic}",
    "Experts Warn of Risks in {place} {topic} Deal",
    "{topic} Stalls as {place} Talks Drag On",
    "Breakthrough on {topic} Reported in {place}",
    "{place} Parliament Debates {topic}",
    "Local Leaders in {place} Push Back on {topic}",
    "{topic} Tops Agenda of {place} Visit",
    "Protests in {place} Over {topic}",
    "{place} Signs Memorandum on {topic}",
    "Inside the Row Over {topic} in {place}",
    "{place} Eyes Compromise on {topic}",
    "Security Council Briefed on {topic} Near {place}",
    "{topic} Review Ordered After {place} Incident",
    "{place} Governor Pledges Action on {topic}",
    "Observers Question {place} Figures on {topic}",
    "{topic} Deal With {place} Could Come Within Weeks",
    "{place} Delegation Heads Abroad for Talks on {topic}",
    "Court in {place} Rules on {topic}",
    "Fresh Clashes Near {place} Complicate {topic}",
    "{place} Business Community Welcomes Move on {topic}",
)
SECTIONS_TAGS = (
    "Syria", "Iraq", "Iran", "Turkey", "Russia", "Yemen", "Lebanon", "Libya", "Afghanistan", "Egypt",
    "NATO", "United Nations", "Energy", "Economy", "Diplomacy", "Military", "Trade", "Security",
    "Elections", "Sanctions", "Infrastructure", "Agriculture", "Humanitarian Aid", "Oil", "Gas",
)

# Sentence pieces: attributions, claims and tails, combined freely.
ATTRIBUTIONS = (
    "{role} {name} said", "according to {org},", "{org} said in a statement that", "{name}, a {role}, told reporters that",
    "sources close to {org} said", "{role} {name} noted that", "a statement from {org} said", "{name} argued that",
    "officials in {place} said", "{org} confirmed that", "local media in {place} reported that", "{name} insisted that",
    "a {role} speaking on condition of anonymity said", "{role} {name} warned that", "{org} estimated that",
)
CLAIMS = (
    "talks on {topic} would resume within {num} days",
    "the {topic} plan had been delayed by disagreements over funding",
    "about {num} people were affected by the latest measures",
    "the cost of the {topic} programme had risen to {num} million dollars",
    "{num} trucks crossed the checkpoint near {place} on {day}",
    "a working group on {topic} would meet in {place} next month",
    "the government in {place} was ready to compromise on {topic}",
    "delegations had exchanged draft proposals on {topic}",
    "the first phase of work near {place} was {num} percent complete",
    "inspectors would visit {place} before the end of {month}",
    "the figures for {month} showed a decline of {num} percent",
    "{topic} remained the main obstacle to an agreement",
    "the situation around {place} had stabilised since {day}",
    "the deadline for {topic} could be extended until {month}",
    "a convoy of {num} vehicles had reached {place}",
    "prices in {place} had risen by {num} percent since {month}",
    "the next round of consultations on {topic} was scheduled for {month}",
    "{num} specialists had been sent to {place} to assess the damage",
    "the two sides disagreed on how to verify {topic}",
    "the proposal on {topic} had the support of most regional governments",
    "a final decision on {topic} was not expected before {month}",
    "the authorities in {place} had opened an investigation",
    "demand for {topic} had been underestimated for years",
    "{num} families had returned to villages near {place}",
    "the contract for {topic} would be signed in {place} on {day}",
)
TAILS = (
    "", "", "", " despite objections from several neighbours", " after weeks of uncertainty",
    " in a move widely expected by analysts", " although details remain unclear", " amid growing public pressure",
    " according to preliminary data", " in the coming weeks", " for the first time since {month}",
    " as negotiations continued behind closed doors", " without giving further details",
    " citing security concerns", " while stressing that no final decision had been taken",
)
CONNECTORS = (
    "", "", "", "Meanwhile, ", "At the same time, ", "Separately, ", "Earlier, ", "On {day}, ",
    "In {place}, ", "Later, ", "However, ", "In response, ", "By contrast, ", "Since then, ",
)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)

# French pieces for Mondialisation.ca.
LIEUX = (
    "Alep", "Ankara", "Bagdad", "Bassora", "Beyrouth", "Damas", "Doha", "Dubaï", "Erbil", "Homs",
    "Idleb", "Istanbul", "Djeddah", "Kaboul", "Karachi", "Khartoum", "Lattaquié", "Mossoul", "Mascate",
    "Riyad", "Sanaa", "Téhéran", "Tripoli", "Tunis", "Aden", "Amman", "Alger", "Bakou", "Belgrade",
    "Le Caire", "Caracas", "Minsk", "Nairobi", "Oran", "Tachkent", "Tbilissi", "Vienne", "Erevan",
    "Rabat", "Sfax", "Tartous", "Hama", "Kirkouk", "Misrata", "Nicosie", "Sotchi", "Mersin", "Tabriz",
    "Mechhed", "Salalah",
)
SUJETS = (
    "les exportations de céréales", "les subventions aux carburants", "le commerce frontalier",
    "le partage de l'eau", "le projet de gazoduc", "le fret ferroviaire", "l'extension du port",
    "les pénuries d'électricité", "la récolte de blé", "la réforme du logement", "les règles douanières",
    "l'accès à l'espace aérien", "le retour des réfugiés", "la production pétrolière", "les réserves de change",
    "la réfection des routes", "la loi électorale", "les quotas de pêche", "l'aide contre la sécheresse",
    "les permis miniers", "la surveillance du cessez-le-feu", "l'échange de prisonniers",
    "le contrôle des armements", "les manœuvres navales", "les négociations de paix",
    "la levée des sanctions", "la restructuration de la dette", "les droits de transit",
    "les négociations nucléaires", "la cybersécurité", "les prix alimentaires", "le salaire des enseignants",
    "le financement des hôpitaux", "les centrales solaires", "l'assurance maritime", "la relance du tourisme",
    "la sécurité des ponts", "la défense contre les crues", "les exportations de coton", "le trafic des pétroliers",
)
TITRES = (
    "{lieu} : les responsables discutent de {sujet}",
    "Ce que signifient les pourparlers de {lieu} sur {sujet}",
    "Nouveau différend à {lieu} autour de {sujet}",
    "{lieu} fixe une échéance pour {sujet}",
    "Les analystes évaluent la réunion de {lieu} sur {sujet}",
    "Les habitants de {lieu} s'inquiètent pour {sujet}",
    "Pas d'accord à {lieu} sur {sujet}",
    "{lieu} annonce un plan pour {sujet}",
    "Pourquoi {sujet} compte pour {lieu}",
    "Un rapport de {lieu} met en doute {sujet}",
    "Les experts mettent en garde contre l'accord de {lieu} sur {sujet}",
    "À {lieu}, le dossier sur {sujet} piétine",
    "Avancée signalée à {lieu} sur {sujet}",
    "Le parlement de {lieu} débat sur {sujet}",
    "Manifestations à {lieu} contre {sujet}",
    "{lieu} signe un protocole sur {sujet}",
    "Au cœur de la querelle sur {sujet} à {lieu}",
    "{lieu} cherche un compromis sur {sujet}",
    "Le gouverneur de {lieu} promet d'agir sur {sujet}",
    "Une délégation de {lieu} à l'étranger pour {sujet}",
)
ATTRIBUTIONS_FR = (
    "selon {org},", "{role} {name} a déclaré que", "{org} a indiqué dans un communiqué que",
    "{name}, {role}, a affirmé que", "des sources proches de {org} ont indiqué que",
    "les autorités de {lieu} ont annoncé que", "la presse locale de {lieu} rapporte que",
    "{role} {name} a averti que", "{org} a confirmé que", "{name} estime que",
)
ROLES_FR = (
    "le vice-ministre", "le gouverneur régional", "le porte-parole", "l'analyste", "le président de la commission",
    "l'économiste", "l'ancien diplomate", "le maire du district", "le dirigeant syndical", "le chercheur",
)
ORGS_FR = (
    "le ministère des Affaires étrangères", "le ministère de la Défense", "la banque centrale",
    "le gestionnaire du réseau électrique", "le service des douanes", "la compagnie ferroviaire",
    "le ministère de la Santé", "le conseil régional", "l'office des statistiques", "les garde-côtes",
    "le ministère de l'Intérieur", "la chambre de commerce", "la commission électorale", "la banque de développement",
)
CLAIMS_FR = (
    "les discussions sur {sujet} reprendraient d'ici {num} jours",
    "le plan concernant {sujet} avait été retardé par des désaccords sur le financement",
    "environ {num} personnes étaient concernées par les dernières mesures",
    "le coût du programme lié à {sujet} atteignait {num} millions de dollars",
    "{num} camions avaient franchi le poste de contrôle près de {lieu} {jour}",
    "un groupe de travail sur {sujet} se réunirait à {lieu} le mois prochain",
    "le gouvernement de {lieu} était prêt à un compromis sur {sujet}",
    "la première phase des travaux près de {lieu} était achevée à {num} %",
    "des inspecteurs se rendraient à {lieu} avant la fin de {mois}",
    "les chiffres de {mois} montraient une baisse de {num} %",
    "{sujet} restait le principal obstacle à un accord",
    "la situation autour de {lieu} s'était stabilisée depuis {jour}",
    "un convoi de {num} véhicules était arrivé à {lieu}",
    "les prix avaient augmenté de {num} % à {lieu} depuis {mois}",
    "{num} familles étaient rentrées dans des villages proches de {lieu}",
    "une décision finale sur {sujet} n'était pas attendue avant {mois}",
    "les autorités de {lieu} avaient ouvert une enquête",
    "le contrat portant sur {sujet} serait signé à {lieu} {jour}",
)
TAILS_FR = (
    "", "", "", " malgré les objections de plusieurs voisins", " après des semaines d'incertitude",
    " sans donner plus de détails", " selon des données préliminaires", " dans les semaines à venir",
    " sous une pression croissante de l'opinion", " tout en soulignant qu'aucune décision définitive n'avait été prise",
)
CONNECTORS_FR = ("", "", "", "Par ailleurs, ", "Dans le même temps, ", "Auparavant, ", "Cependant, ", "À {lieu}, ", "En réponse, ")
JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MOIS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)

COMMENT_USERS = (
    "Austrian School", "dvdgrg09", "Marques rouges", "ivanwa", "jas", "Hermes69", "cast235", "Tom Welsh",
    "michael", "Drain the Swamp", "Ian Patrick", "LandOfTheFreeHomeOfTheBrave", "Shar2", "Mikhail Sergeyev",
    "Bogdan", "Lagrange", "K.Smith", "vladjohnson", "Crack Fox", "Rick Tony",
)
COMMENT_TEXTS = (
    "Good analysis, thanks for the balanced reporting.",
    "If you have such allies you don't need foes.",
    "Let's wait and see what actually happens on the ground.",
    "Another feather in the cap for quiet diplomacy.",
    "The numbers in this piece do not add up to me.",
    "Finally some common sense from the people in charge.",
    "History will judge who was right about this.",
    "Nothing will change until the outside powers stop meddling.",
    "Interesting, but where are the sources for these claims?",
    "This was predictable months ago.",
    "The ordinary people always pay the price.",
    "Talks are always better than bombs.",
)
