"""Demo data for a Tower Hamlets-like partnership (from shared/domain/seeds).

The organisations, plan and calls to action are as the partnership's public pages
list them; the six boards' names are plausible ones tied to the plan, and every
person is fictional (addresses use the reserved ``.example`` domain).
"""

from __future__ import annotations

# slug: (name, short name, sector, website)
ORGANISATIONS = {
    "tower-hamlets-council": (
        "London Borough of Tower Hamlets",
        "Tower Hamlets Council",
        "council",
        "https://www.towerhamlets.gov.uk",
    ),
    "barts-health": (
        "Barts Health NHS Trust",
        "Barts Health",
        "nhs",
        "https://www.bartshealth.nhs.uk",
    ),
    "nel-icb": ("North East London Integrated Care Board", "NHS North East London", "nhs", ""),
    "elft": ("East London NHS Foundation Trust", "ELFT", "nhs", "https://www.elft.nhs.uk"),
    "canary-wharf-group": ("Canary Wharf Group", "", "business", ""),
    "dwp": ("Department for Work and Pensions", "DWP", "other", ""),
    "elba": ("East London Business Alliance", "ELBA", "business", ""),
    "qmul": (
        "Queen Mary University of London",
        "Queen Mary",
        "education",
        "https://www.qmul.ac.uk",
    ),
    "new-city-college": ("New City College", "", "education", ""),
    "school-representatives": (
        "Local School Representatives (Full Headteachers Consultative)",
        "School representatives",
        "education",
        "",
    ),
    "met-police": ("Metropolitan Police", "Met Police", "police", "https://www.met.police.uk"),
    "london-fire-brigade": ("London Fire Brigade", "LFB", "fire", "https://www.london-fire.gov.uk"),
    "thcvs": ("Tower Hamlets Council for Voluntary Service", "THCVS", "voluntary", ""),
    "housing-forum": ("Tower Hamlets Housing Forum", "Housing Forum", "housing", ""),
    "interfaith-forum": ("Tower Hamlets Interfaith Forum", "Interfaith Forum", "faith", ""),
    "east-london-mosque": (
        "East London Mosque and London Muslim Centre",
        "East London Mosque",
        "faith",
        "",
    ),
    "council-of-mosques": ("Council of Mosques Tower Hamlets", "Council of Mosques", "faith", ""),
    "gp-care-group": ("Tower Hamlets GP Care Group", "GP Care Group", "nhs", ""),
    "healthwatch": ("Healthwatch Tower Hamlets", "Healthwatch", "voluntary", ""),
}

# key: (name, organisation slug for the email domain, phone or None)
PEOPLE = {
    "karim": ("Abdul Karim", "tower-hamlets-council", "020 7364 0101"),
    "abdi": ("Hodan Abdi", "thcvs", None),
    "dunn": ("Claire Dunn", "tower-hamlets-council", "020 7364 0102"),
    "adeyemi": ("Grace Adeyemi", "barts-health", None),
    "rahman": ("Farhana Rahman", "nel-icb", None),
    "mensah": ("Daniel Mensah", "elft", None),
    "whitfield": ("James Whitfield", "canary-wharf-group", None),
    "osei": ("Patience Osei", "dwp", None),
    "nowak": ("Tomasz Nowak", "elba", None),
    "patel": ("Priya Patel", "qmul", None),
    "marsh": ("Helen Marsh", "new-city-college", None),
    "akhtar": ("Shamim Akhtar", "school-representatives", None),
    "baker": ("Tom Baker", "met-police", None),
    "oconnor": ("Sarah O'Connor", "met-police", None),
    "adebayo": ("Femi Adebayo", "london-fire-brigade", None),
    "khanom": ("Rubina Khanom", "housing-forum", None),
    "cohen": ("Ruth Cohen", "interfaith-forum", None),
    "uddin": ("Mohammed Ali Uddin", "east-london-mosque", None),
    "hussain": ("Anwar Hussain", "council-of-mosques", None),
    "miah": ("Jamal Miah", "tower-hamlets-council", None),
    "santos": ("Maria Santos", "healthwatch", None),
    "begum": ("Rahima Begum", "tower-hamlets-council", "020 7364 0103"),
    "chowdhury": ("Nasima Chowdhury", "gp-care-group", None),
    "hoque": ("Rezaul Hoque", "tower-hamlets-council", None),
    "islam": ("Tahmina Islam", "thcvs", None),
    "farah": ("Abdirahman Farah", "thcvs", None),
    "warsame": ("Amina Warsame", "tower-hamlets-council", None),
    "khatun": ("Shahena Khatun", "tower-hamlets-council", None),
    "ahmed": ("Sultana Ahmed", "elft", None),
    "uddin-k": ("Kamal Uddin", "tower-hamlets-council", None),
    "okafor": ("Chidi Okafor", "met-police", None),
    "wei": ("Li Wei", "qmul", None),
    "brennan": ("Siobhan Brennan", "tower-hamlets-council", None),
    "ali": ("Yasmin Ali", "new-city-college", None),
    "shah": ("Imran Shah", "elba", None),
    "turner": ("Mark Turner", "london-fire-brigade", None),
}

PLAN = {
    "slug": "a-tower-hamlets-for-all",
    "name": "A Tower Hamlets for All",
    "start_year": 2023,
    "end_year": 2028,
    "vision": "Residents and partners working together to improve quality of life, advance "
    "equality, opportunity, and empowered communities.",
}

CALLS_TO_ACTION = {
    1: (
        "A fair, inclusive and anti-racist borough",
        "Tower Hamlets will be a fair, inclusive and an anti-racist borough.",
    ),
    2: (
        "Good mental health and wellbeing for everyone",
        "Everyone in Tower Hamlets should be able to enjoy good mental health and wellbeing.",
    ),
    3: (
        "Safe, good-quality homes and healthy, inviting neighbourhoods",
        "Everyone in Tower Hamlets should feel safe and live in good-quality homes and healthy, "
        "inviting neighbourhoods.",
    ),
    4: (
        "Access to good work and skills for everyone",
        "Everyone in Tower Hamlets should have access to good work and skills.",
    ),
    5: (
        "A child-friendly borough",
        "A child-friendly borough where children and young people from all backgrounds thrive.",
    ),
}

# slug: (name, short name, kind, reports into, public, calls to action, purpose)
BODIES = {
    "partnership-executive-group": (
        "Partnership Executive Group",
        "PEG",
        "executive_group",
        None,
        True,
        [1, 2, 3, 4, 5],
        "Senior officers of the partnership's member organisations. The group sets the direction "
        "of the Partnership Plan, holds the thematic boards to account and works with the "
        "twice-yearly congress to involve residents in the borough's main decisions.",
    ),
    "health-and-wellbeing-board": (
        "Health and Wellbeing Board",
        "",
        "thematic_board",
        "partnership-executive-group",
        True,
        [2],
        "Leads the partnership's work on good mental health and wellbeing and on reducing health "
        "inequalities, bringing the NHS, the council and the voluntary sector together.",
    ),
    "community-safety-partnership": (
        "Community Safety Partnership",
        "CSP",
        "thematic_board",
        "partnership-executive-group",
        True,
        [3],
        "Makes the borough safer: tackling crime, anti-social behaviour and violence against "
        "women and girls, with the police, fire brigade, council and residents.",
    ),
    "children-and-families-partnership": (
        "Children and Families Partnership",
        "",
        "thematic_board",
        "partnership-executive-group",
        True,
        [5],
        "Works towards a child-friendly borough where children and young people from all "
        "backgrounds thrive, from early years to leaving school.",
    ),
    "work-and-skills-partnership": (
        "Work and Skills Partnership",
        "",
        "thematic_board",
        "partnership-executive-group",
        True,
        [4],
        "Helps residents into good work and skills, with employers, colleges, the university "
        "and the Department for Work and Pensions.",
    ),
    "housing-and-neighbourhoods-partnership": (
        "Housing and Neighbourhoods Partnership",
        "",
        "thematic_board",
        "partnership-executive-group",
        True,
        [3],
        "Good-quality homes and healthy, inviting neighbourhoods: housing providers, residents "
        "and the council working on standards, supply and public spaces.",
    ),
    "equality-and-inclusion-board": (
        "Equality and Inclusion Board",
        "",
        "thematic_board",
        "partnership-executive-group",
        True,
        [1],
        "Leads the partnership's commitment to a fair, inclusive and anti-racist borough, "
        "including its work with faith and community organisations.",
    ),
    "tower-hamlets-together": (
        "Tower Hamlets Together Board",
        "THT",
        "partnership_board",
        "health-and-wellbeing-board",
        True,
        [2, 1],
        "The borough's health and care partnership. Vision: to work together to improve the "
        "health and wellbeing of the people of Tower Hamlets. Values: we are collaborative, "
        "compassionate, inclusive and accountable.",
    ),
    "partnership-officers-group": (
        "Partnership Officers Group",
        "",
        "other",
        "partnership-executive-group",
        False,
        [],
        "Officers who prepare the executive group's meetings and the congress. Not public.",
    ),
}

# body slug: [(person key, organisation slug, role, start, end)]
MEMBERSHIPS = {
    "partnership-executive-group": [
        ("karim", "tower-hamlets-council", "chair", "2023-11-01", None),
        ("abdi", "thcvs", "vice_chair", "2023-11-01", "2027-10-31"),
        ("dunn", "tower-hamlets-council", "secretary", "2023-11-01", None),
        ("adeyemi", "barts-health", "member", "2023-11-01", None),
        ("rahman", "nel-icb", "member", "2023-11-01", None),
        ("mensah", "elft", "member", "2023-11-01", None),
        ("whitfield", "canary-wharf-group", "member", "2023-11-01", None),
        ("osei", "dwp", "member", "2024-01-15", None),
        ("nowak", "elba", "member", "2023-11-01", None),
        ("patel", "qmul", "member", "2023-11-01", None),
        ("marsh", "new-city-college", "member", "2023-11-01", None),
        ("akhtar", "school-representatives", "member", "2024-09-01", "2026-08-31"),
        ("oconnor", "met-police", "member", "2021-04-01", "2024-03-31"),
        ("baker", "met-police", "member", "2024-04-01", None),
        ("adebayo", "london-fire-brigade", "member", "2023-11-01", None),
        ("khanom", "housing-forum", "member", "2023-11-01", None),
        ("cohen", "interfaith-forum", "member", "2023-11-01", None),
        ("uddin", "east-london-mosque", "member", "2023-11-01", None),
        ("hussain", "council-of-mosques", "member", "2023-11-01", None),
        ("miah", "tower-hamlets-council", "substitute", "2023-11-01", None),
        ("santos", "healthwatch", "observer", "2024-06-01", None),
    ],
    "health-and-wellbeing-board": [
        ("rahman", "nel-icb", "chair", "2024-04-01", None),
        ("chowdhury", "gp-care-group", "vice_chair", "2024-04-01", None),
        ("begum", "tower-hamlets-council", "secretary", "2024-04-01", None),
        ("mensah", "elft", "member", "2024-04-01", None),
        ("adeyemi", "barts-health", "member", "2024-04-01", None),
        ("santos", "healthwatch", "member", "2024-04-01", None),
        ("islam", "thcvs", "member", "2024-04-01", None),
        ("ahmed", "elft", "substitute", "2024-04-01", None),
    ],
    "community-safety-partnership": [
        ("baker", "met-police", "chair", "2024-04-01", None),
        ("hoque", "tower-hamlets-council", "vice_chair", "2024-04-01", None),
        ("brennan", "tower-hamlets-council", "secretary", "2024-04-01", None),
        ("turner", "london-fire-brigade", "member", "2024-04-01", None),
        ("okafor", "met-police", "substitute", "2024-04-01", None),
        ("farah", "thcvs", "member", "2024-04-01", None),
        ("khanom", "housing-forum", "member", "2024-04-01", None),
        ("oconnor", "met-police", "chair", "2022-04-01", "2024-03-31"),
    ],
    "children-and-families-partnership": [
        ("akhtar", "school-representatives", "chair", "2024-09-01", None),
        ("warsame", "tower-hamlets-council", "vice_chair", "2024-09-01", None),
        ("khatun", "tower-hamlets-council", "secretary", "2024-09-01", None),
        ("chowdhury", "gp-care-group", "member", "2024-09-01", None),
        ("ali", "new-city-college", "member", "2024-09-01", None),
        ("islam", "thcvs", "member", "2024-09-01", None),
        ("okafor", "met-police", "member", "2024-09-01", None),
    ],
    "work-and-skills-partnership": [
        ("nowak", "elba", "chair", "2024-01-15", None),
        ("osei", "dwp", "vice_chair", "2024-01-15", None),
        ("uddin-k", "tower-hamlets-council", "secretary", "2024-01-15", None),
        ("whitfield", "canary-wharf-group", "member", "2024-01-15", None),
        ("marsh", "new-city-college", "member", "2024-01-15", None),
        ("wei", "qmul", "member", "2024-01-15", None),
        ("shah", "elba", "substitute", "2024-01-15", None),
    ],
    "housing-and-neighbourhoods-partnership": [
        ("khanom", "housing-forum", "chair", "2024-04-01", None),
        ("hoque", "tower-hamlets-council", "vice_chair", "2024-04-01", None),
        ("brennan", "tower-hamlets-council", "secretary", "2024-04-01", None),
        ("turner", "london-fire-brigade", "member", "2024-04-01", None),
        ("farah", "thcvs", "member", "2024-04-01", None),
        ("whitfield", "canary-wharf-group", "observer", "2024-04-01", None),
    ],
    "equality-and-inclusion-board": [
        ("abdi", "thcvs", "chair", "2024-02-01", None),
        ("cohen", "interfaith-forum", "vice_chair", "2024-02-01", None),
        ("miah", "tower-hamlets-council", "secretary", "2024-02-01", None),
        ("uddin", "east-london-mosque", "member", "2024-02-01", None),
        ("hussain", "council-of-mosques", "member", "2024-02-01", None),
        ("patel", "qmul", "member", "2024-02-01", None),
        ("santos", "healthwatch", "member", "2024-02-01", "2025-01-31"),
    ],
    "tower-hamlets-together": [
        ("chowdhury", "gp-care-group", "chair", "2024-04-01", None),
        ("ahmed", "elft", "vice_chair", "2024-04-01", None),
        ("begum", "tower-hamlets-council", "secretary", "2024-04-01", None),
        ("rahman", "nel-icb", "member", "2024-04-01", None),
        ("adeyemi", "barts-health", "member", "2024-04-01", None),
        ("santos", "healthwatch", "member", "2024-04-01", None),
        ("islam", "thcvs", "member", "2024-04-01", None),
        ("warsame", "tower-hamlets-council", "member", "2024-04-01", None),
    ],
    "partnership-officers-group": [
        ("dunn", "tower-hamlets-council", "chair", "2023-11-01", None),
        ("begum", "tower-hamlets-council", "member", "2023-11-01", None),
        ("miah", "tower-hamlets-council", "member", "2023-11-01", None),
    ],
}
