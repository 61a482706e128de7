"""The demo region: the public institutions named in the seed documents (by their public names,
with plausible capabilities), other CHU/CLCC cities used as expert centres, and generated local
hospitals. Network memberships beyond the pilot centres, capability figures, FINESS numbers and
everything about people are synthetic."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SiteSpec:
    key: str
    kind: str
    name: str
    departement: str
    city: str
    postcode: str
    lat: float
    lon: float
    short_name: str = ""
    parent: str = ""
    # (kind, quantity, activity, issuer key, months valid (None = open-ended), note[, products])
    capabilities: tuple[tuple, ...] = ()
    # (network code, role, service)
    networks: tuple[tuple[str, str, str], ...] = ()
    region_group: str = ""


CVL, ARA, IDF, MQ = "cvl", "ara", "idf", "mq"
# The CAR-T products a qualified site is qualified for (celltherapy/data/products.yaml codes).
CAR_T_PRODUCTS = (
    "axicabtagene_ciloleucel",
    "tisagenlecleucel",
    "brexucabtagene_autoleucel",
    "lisocabtagene_maraleucel",
    "idecabtagene_vicleucel",
    "ciltacabtagene_autoleucel",
)

PUBLIC_SITES: tuple[SiteSpec, ...] = (
    SiteSpec(
        "chru-tours",
        "chu",
        "CHRU de Tours",
        "37",
        "Tours",
        "37044",
        47.383,
        0.703,
        short_name="CHRU Tours",
        region_group=CVL,
        capabilities=(
            ("icu_beds", 8, "", "", None, "Soins intensifs d'hématologie (janvier 2021)"),
            ("jacie", None, "", "", 2, "Unité de thérapie cellulaire"),
            ("day_hospital_places", 32, "", "", None, ""),
            ("pet_ct", 2, "", "", None, ""),
            ("cancer_treatment", None, "oncological_surgery", "ars-cvl", 84, ""),
            ("cancer_treatment", None, "systemic_treatment", "ars-cvl", 84, ""),
            ("cancer_treatment", None, "external_radiotherapy", "ars-cvl", 84, ""),
        ),
        networks=(
            ("GLIOREC", "expert", "Neurochirurgie"),
            ("RECAP", "expert", "Pneumologie"),
            ("FEM-NET", "expert", "Gynécologie"),
            ("ONCOCENTRE", "member", ""),
        ),
    ),
    SiteSpec(
        "pui-chru-tours",
        "pui",
        "Pharmacie à usage intérieur — CHRU de Tours",
        "37",
        "Tours",
        "37044",
        47.381,
        0.701,
        short_name="PUI CHRU Tours",
        parent="chru-tours",
        region_group=CVL,
        capabilities=(
            (
                "car_t_qualified_pui",
                None,
                "",
                "ars-cvl",
                60,
                "Qualification de la PUI pour la dispensation des CAR-T",
                CAR_T_PRODUCTS,
            ),
        ),
    ),
    SiteSpec(
        "clb",
        "clcc",
        "Centre Léon Bérard",
        "69",
        "Lyon",
        "69008",
        45.744,
        4.883,
        short_name="CLB",
        region_group=ARA,
        capabilities=(
            ("day_hospital_places", 60, "", "", None, "Hôpital de jour"),
            ("pet_ct", 2, "", "", None, ""),
            ("cancer_treatment", None, "oncological_surgery", "ars-ara", 84, ""),
            ("cancer_treatment", None, "systemic_treatment", "ars-ara", 84, ""),
            ("cancer_treatment", None, "external_radiotherapy", "ars-ara", 84, ""),
        ),
        networks=(("FEM-NET", "pilot", "Service de gynécologie"), ("ONCO-AURA", "member", "")),
    ),
    SiteSpec(
        "gustave-roussy",
        "clcc",
        "Gustave Roussy",
        "94",
        "Villejuif",
        "94805",
        48.794,
        2.351,
        short_name="Gustave Roussy",
        region_group=IDF,
        capabilities=(
            ("icu_beds", 12, "", "", None, ""),
            ("jacie", None, "", "", 2, ""),
            ("day_hospital_places", 120, "", "", None, ""),
            ("pet_ct", 3, "", "", None, ""),
            ("pet_mri", 1, "", "", None, ""),
            ("cancer_treatment", None, "systemic_treatment", "ars-idf", 84, ""),
            ("cancer_treatment", None, "oncological_surgery", "ars-idf", 84, ""),
        ),
        networks=(
            ("FEM-NET", "expert", "Gynécologie"),
            ("RECAP", "expert", "Oncologie thoracique"),
        ),
    ),
    SiteSpec(
        "pui-gustave-roussy",
        "pui",
        "Pharmacie à usage intérieur — Gustave Roussy",
        "94",
        "Villejuif",
        "94805",
        48.795,
        2.352,
        short_name="PUI Gustave Roussy",
        parent="gustave-roussy",
        region_group=IDF,
        capabilities=(("car_t_qualified_pui", None, "", "ars-idf", 60, "", CAR_T_PRODUCTS),),
    ),
    SiteSpec(
        "chu-martinique",
        "chu",
        "CHU de Martinique",
        "972",
        "Fort-de-France",
        "97261",
        14.622,
        -61.058,
        short_name="CHU Martinique",
        region_group=MQ,
        capabilities=(
            ("day_hospital_places", 20, "", "", None, ""),
            ("pet_ct", 1, "", "", None, "Institut caribéen d'imagerie"),
            ("pet_mri", 1, "", "", None, "Institut caribéen d'imagerie"),
            ("cyclotron", None, "", "", None, "Institut caribéen d'imagerie"),
            ("cancer_treatment", None, "systemic_treatment", "ars-mq", 84, ""),
        ),
        networks=(("RECAP", "expert", "Pneumologie"),),
    ),
    SiteSpec(
        "aphp",
        "chu",
        "AP-HP — Assistance Publique-Hôpitaux de Paris",
        "75",
        "Paris",
        "75004",
        48.857,
        2.352,
        short_name="AP-HP",
        region_group=IDF,
        networks=(("RECAP", "pilot", "Coordination nationale (pneumologie)"),),
    ),
    SiteSpec(
        "pitie",
        "chu",
        "Hôpital de la Pitié-Salpêtrière (AP-HP)",
        "75",
        "Paris",
        "75013",
        48.838,
        2.364,
        short_name="Pitié-Salpêtrière",
        parent="aphp",
        region_group=IDF,
        capabilities=(("pet_mri", 1, "", "", None, ""), ("icu_beds", 20, "", "", None, "")),
        networks=(("GLIOREC", "pilot", "Service de neuro-oncologie"),),
    ),
    SiteSpec(
        "cochin",
        "chu",
        "Hôpital Cochin (AP-HP)",
        "75",
        "Paris",
        "75014",
        48.838,
        2.340,
        short_name="Cochin",
        parent="aphp",
        region_group=IDF,
        networks=(("RECAP", "expert", "Pneumologie — coordination nationale"),),
    ),
    SiteSpec(
        "ambroise-pare",
        "chu",
        "Hôpital Ambroise-Paré (AP-HP)",
        "92",
        "Boulogne-Billancourt",
        "92100",
        48.849,
        2.237,
        short_name="Ambroise-Paré",
        parent="aphp",
        region_group=IDF,
        networks=(("RECAP", "expert", "Pneumologie — coordination nationale"),),
    ),
    SiteSpec(
        "hcl",
        "chu",
        "Hospices Civils de Lyon",
        "69",
        "Lyon",
        "69002",
        45.753,
        4.832,
        short_name="HCL",
        region_group=ARA,
        capabilities=(
            ("jacie", None, "", "", 1, "Programme de greffe"),
            ("icu_beds", 16, "", "", None, ""),
        ),
        networks=(
            ("GLIOREC", "expert", "Neuro-oncologie"),
            ("RECAP", "expert", "Pneumologie"),
            ("ONCO-AURA", "member", ""),
        ),
    ),
    SiteSpec(
        "efs-tours",
        "efs_care_centre",
        "EFS — Centre de soins de Tours",
        "37",
        "Tours",
        "37000",
        47.390,
        0.690,
        short_name="EFS Tours",
        region_group=CVL,
        capabilities=(("apheresis_machines", 4, "", "", None, ""), ("jacie", None, "", "", 5, "")),
    ),
    SiteSpec(
        "efs-lyon",
        "efs_care_centre",
        "EFS — Centre de soins de Lyon",
        "69",
        "Lyon",
        "69007",
        45.740,
        4.840,
        short_name="EFS Lyon",
        region_group=ARA,
        capabilities=(("apheresis_machines", 6, "", "", None, ""), ("jacie", None, "", "", 14, "")),
    ),
    SiteSpec(
        "efs-creteil",
        "efs_care_centre",
        "EFS — Centre de soins de Créteil",
        "94",
        "Créteil",
        "94010",
        48.790,
        2.455,
        short_name="EFS Créteil",
        region_group=IDF,
        capabilities=(("apheresis_machines", 5, "", "", None, ""), ("jacie", None, "", "", 25, "")),
    ),
    SiteSpec("ars-cvl", "ars", "ARS Centre-Val de Loire", "45", "Orléans", "45000", 47.902, 1.909),
    SiteSpec("ars-ara", "ars", "ARS Auvergne-Rhône-Alpes", "69", "Lyon", "69003", 45.760, 4.855),
    SiteSpec("ars-idf", "ars", "ARS Île-de-France", "93", "Saint-Denis", "93200", 48.920, 2.355),
    SiteSpec("ars-mq", "ars", "ARS Martinique", "972", "Fort-de-France", "97200", 14.605, -61.070),
    SiteSpec(
        "onco-aura",
        "dsrc",
        "ONCO AURA — réseau régional de cancérologie",
        "69",
        "Lyon",
        "69008",
        45.745,
        4.880,
    ),
    SiteSpec(
        "oncocentre",
        "dsrc",
        "OncoCentre — réseau régional de cancérologie",
        "37",
        "Tours",
        "37000",
        47.394,
        0.685,
    ),
    SiteSpec(
        "mfr-kite",
        "manufacturer",
        "Kite (Gilead)",
        "92",
        "Boulogne-Billancourt",
        "92100",
        48.835,
        2.240,
    ),
    SiteSpec(
        "mfr-novartis", "manufacturer", "Novartis", "92", "Rueil-Malmaison", "92500", 48.877, 2.180
    ),
    SiteSpec(
        "mfr-bms",
        "manufacturer",
        "Bristol Myers Squibb",
        "92",
        "Rueil-Malmaison",
        "92500",
        48.870,
        2.190,
    ),
    SiteSpec(
        "mfr-janssen",
        "manufacturer",
        "Janssen",
        "92",
        "Issy-les-Moulineaux",
        "92130",
        48.824,
        2.270,
    ),
)

# Other university hospitals used as (synthetic) expert centres of the networks.
# (key, name, département, city, networks)
UNIVERSITY_HOSPITALS: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("chu-bordeaux", "CHU de Bordeaux", "33", "Bordeaux", ("FEM-NET", "GLIOREC", "RECAP")),
    ("chu-lille", "CHU de Lille", "59", "Lille", ("FEM-NET", "GLIOREC", "RECAP")),
    ("chu-nantes", "CHU de Nantes", "44", "Nantes", ("GLIOREC", "RECAP")),
    ("chu-toulouse", "CHU de Toulouse", "31", "Toulouse", ("FEM-NET", "GLIOREC", "RECAP")),
    (
        "chu-strasbourg",
        "Hôpitaux universitaires de Strasbourg",
        "67",
        "Strasbourg",
        ("GLIOREC", "RECAP"),
    ),
    ("chu-rennes", "CHU de Rennes", "35", "Rennes", ("FEM-NET", "GLIOREC")),
    ("chu-montpellier", "CHU de Montpellier", "34", "Montpellier", ("FEM-NET", "RECAP")),
    ("ap-hm", "AP-HM", "13", "Marseille", ("FEM-NET", "GLIOREC", "RECAP")),
    ("chu-nice", "CHU de Nice", "06", "Nice", ("GLIOREC",)),
    ("chu-grenoble", "CHU Grenoble Alpes", "38", "Grenoble", ("GLIOREC", "RECAP")),
    ("chu-clermont", "CHU de Clermont-Ferrand", "63", "Clermont-Ferrand", ("FEM-NET", "GLIOREC")),
    ("chu-dijon", "CHU Dijon Bourgogne", "21", "Dijon", ("FEM-NET",)),
    ("chu-rouen", "CHU de Rouen", "76", "Rouen", ("GLIOREC", "RECAP")),
    ("chu-caen", "CHU de Caen Normandie", "14", "Caen", ("FEM-NET", "RECAP")),
    ("chu-limoges", "CHU de Limoges", "87", "Limoges", ("GLIOREC",)),
    ("chu-poitiers", "CHU de Poitiers", "86", "Poitiers", ("RECAP",)),
    ("chu-reims", "CHU de Reims", "51", "Reims", ("FEM-NET", "RECAP")),
    ("chu-nancy", "CHRU de Nancy", "54", "Nancy", ("GLIOREC", "RECAP")),
    ("chu-saint-etienne", "CHU de Saint-Étienne", "42", "Saint-Étienne", ("FEM-NET",)),
    ("chu-orleans", "CHU d'Orléans", "45", "Orléans", ("FEM-NET",)),
    ("chu-guadeloupe", "CHU de la Guadeloupe", "971", "Pointe-à-Pitre", ("RECAP",)),
    ("chu-reunion", "CHU de La Réunion", "974", "Saint-Denis", ("FEM-NET", "RECAP")),
    ("chu-guyane", "CHU de Guyane", "973", "Cayenne", ()),
    ("ch-mayotte", "Centre hospitalier de Mayotte", "976", "Mamoudzou", ()),
)

# Generated local (proximity) hospitals: (key, town, département, lat, lon, region group)
LOCAL_HOSPITALS: tuple[tuple[str, str, str, float, float, str], ...] = (
    ("ch-amboise", "Amboise", "37", 47.41, 0.98, CVL),
    ("ch-chinon", "Chinon", "37", 47.17, 0.24, CVL),
    ("ch-loches", "Loches", "37", 47.13, 1.00, CVL),
    ("ch-blois", "Blois", "41", 47.59, 1.33, CVL),
    ("ch-vendome", "Vendôme", "41", 47.79, 1.07, CVL),
    ("ch-chateauroux", "Châteauroux", "36", 46.81, 1.69, CVL),
    ("ch-bourges", "Bourges", "18", 47.08, 2.40, CVL),
    ("ch-chartres", "Chartres", "28", 48.45, 1.49, CVL),
    ("ch-dreux", "Dreux", "28", 48.74, 1.37, CVL),
    ("ch-montargis", "Montargis", "45", 48.00, 2.73, CVL),
    ("ch-villefranche", "Villefranche-sur-Saône", "69", 45.99, 4.72, ARA),
    ("ch-vienne", "Vienne", "38", 45.52, 4.87, ARA),
    ("ch-bourg", "Bourg-en-Bresse", "01", 46.21, 5.23, ARA),
    ("ch-roanne", "Roanne", "42", 46.04, 4.07, ARA),
    ("ch-valence", "Valence", "26", 44.93, 4.89, ARA),
    ("ch-chambery", "Chambéry", "73", 45.57, 5.92, ARA),
    ("ch-annecy", "Annecy", "74", 45.90, 6.13, ARA),
    ("ch-montelimar", "Montélimar", "26", 44.56, 4.75, ARA),
    ("ch-meaux", "Meaux", "77", 48.96, 2.88, IDF),
    ("ch-versailles", "Versailles", "78", 48.80, 2.13, IDF),
    ("ch-corbeil", "Corbeil-Essonnes", "91", 48.61, 2.48, IDF),
    ("ch-argenteuil", "Argenteuil", "95", 48.95, 2.25, IDF),
    ("ch-saint-denis", "Saint-Denis", "93", 48.94, 2.36, IDF),
    ("ch-creteil", "Créteil", "94", 48.79, 2.45, IDF),
    ("ch-trinite", "Trinité", "972", 14.74, -60.96, MQ),
    ("ch-marin", "Le Marin", "972", 14.47, -60.87, MQ),
    ("ch-lamentin", "Le Lamentin", "972", 14.61, -60.99, MQ),
)

REGION_GROUPS = {
    CVL: {
        "departements": ("37", "37", "37", "41", "36", "18", "28", "45"),
        "expert": "chru-tours",
        "haem_expert": "chru-tours",
        "cns_expert": "chru-tours",
        "efs": "efs-tours",
        "ars": "ars-cvl",
    },
    ARA: {
        "departements": ("69", "69", "69", "01", "38", "42", "26", "73", "74"),
        "expert": "clb",
        "haem_expert": "hcl",
        "cns_expert": "hcl",
        "efs": "efs-lyon",
        "ars": "ars-ara",
    },
    IDF: {
        "departements": ("75", "92", "93", "94", "94", "77", "78", "91", "95"),
        "expert": "gustave-roussy",
        "haem_expert": "gustave-roussy",
        "cns_expert": "pitie",
        "lung_expert": "cochin",
        "efs": "efs-creteil",
        "ars": "ars-idf",
    },
    MQ: {
        "departements": ("972",),
        "expert": "chu-martinique",
        "haem_expert": "chu-martinique",
        "cns_expert": "chu-martinique",
        "efs": "",
        "ars": "ars-mq",
    },
}
REGION_WEIGHTS = ((ARA, 0.36), (CVL, 0.26), (IDF, 0.26), (MQ, 0.12))


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    first_name: str
    last_name: str
    site: str
    profession: str
    specialty: str
    function: str
    qualifications: tuple[str, ...] = field(default=())
    # Created by a later demo step with its own seeded random (not among the directory's draws).
    late: bool = False


# Civility of the demo logins whose first name is not in the demo's name lists (the others follow
# their first name): decides the feminine job titles shown with their names.
DEMO_CIVILITY = {"secretaire": "mme", "neuro-oncologue": "mme"}

DEMO_PASSWORD = "demo-oncoparcours"  # noqa: S105 (printed by `make demo`; synthetic data only)

DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin(
        "oncologue",
        "clinician",
        "Hélène",
        "Vasseur",
        "clb",
        "physician",
        "medical_oncology",
        "Oncologue médicale — immunothérapie",
    ),
    DemoLogin(
        "hematologue",
        "clinician",
        "Julien",
        "Marchal",
        "chru-tours",
        "physician",
        "haematology",
        "Hématologue — thérapie cellulaire (CAR-T)",
        ("car_t_handling", "crs_icans_management"),
    ),
    DemoLogin(
        "oncologue-martinique",
        "clinician",
        "Max",
        "Ursulet",
        "chu-martinique",
        "physician",
        "medical_oncology",
        "Oncologue médical — RCP Caraïbes",
    ),
    DemoLogin(
        "neuro-oncologue",
        "clinician",
        "Camille",
        "Lévêque",
        "pitie",
        "physician",
        "neuro_oncology",
        "Neuro-oncologue — GLIOREC",
    ),
    DemoLogin(
        "idec",
        "coordination_nurse",
        "Sophie",
        "Renaud",
        "clb",
        "nurse",
        "coordination_nursing",
        "Infirmière de coordination — immunothérapie à domicile",
        ("immunotherapy_initiation",),
    ),
    DemoLogin(
        "idel",
        "liberal_nurse",
        "Karine",
        "Hoarau",
        "cabinet-idel-lyon",
        "nurse",
        "liberal_nursing",
        "Infirmière libérale",
        ("immunotherapy_initiation", "tpe_40h"),
    ),
    DemoLogin(
        "pharmacien",
        "pharmacist",
        "Marc",
        "Lemoine",
        "pui-chru-tours",
        "pharmacist",
        "hospital_pharmacy",
        "Pharmacien — médicaments de thérapie innovante",
        ("car_t_handling",),
    ),
    DemoLogin(
        "efs",
        "efs_staff",
        "Anne",
        "Collet",
        "efs-tours",
        "physician",
        "transfusion_medicine",
        "Médecin du centre de soins EFS",
        ("apheresis_operator",),
    ),
    DemoLogin(
        "directeur",
        "centre_manager",
        "Pascal",
        "Guérin",
        "chru-tours",
        "administrative",
        "none",
        "Directeur de la stratégie",
    ),
    DemoLogin(
        "coordinateur",
        "network_coordinator",
        "Isabelle",
        "Fontaine",
        "clb",
        "physician",
        "gynaecological_surgery",
        "Coordinatrice du réseau FEM-NET",
    ),
    DemoLogin(
        "secretaire",
        "board_secretary",
        "Nadia",
        "Benali",
        "clb",
        "administrative",
        "none",
        "Secrétaire de RCP — thoracique et ORL",
    ),
    DemoLogin(
        "ars",
        "ars_evaluator",
        "Thierry",
        "Roussel",
        "ars-ara",
        "administrative",
        "none",
        "Chargé d'évaluation Article 51",
    ),
    DemoLogin(
        "reanimateur",
        "clinician",
        "Claire",
        "Dumas",
        "chru-tours",
        "physician",
        "intensive_care",
        "Réanimatrice — lits de réanimation CAR-T",
        late=True,
    ),
)
