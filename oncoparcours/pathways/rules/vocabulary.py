"""Closed vocabularies a template may use."""

ACTIVITY_KINDS = frozenset(
    {
        "consultation",
        "teleconsultation",
        "treatment_administration",
        "nurse_home_visit",
        "lab_test",
        "imaging",
        "education_workshop",
        "rcp_review",
        "apheresis",
        "phlebotomy",
        "hospital_stay",
        "transport",
        "document",
        "clinical_assessment",
        "referral",
        "pharmacy",
        "manufacturing",
        "procedure",
    }
)
PLACES = frozenset({"expert", "proximity", "efs", "home", "remote", "external"})
ROLES = frozenset(
    {
        "oncologist",
        "haematologist",
        "organ_specialist",
        "surgeon",
        "radiotherapist",
        "radiologist",
        "pathologist",
        "neurologist",
        "intensivist",
        "gp",
        "coordination_nurse",
        "liberal_nurse",
        "hospital_nurse",
        "had_team",
        "tpe_team",
        "pharmacist",
        "efs_physician",
        "efs_nurse",
        "tumour_board",
        "manufacturer",
        "patient",
        "secretary",
    }
)
PARAMETER_TYPES = frozenset({"choice", "integer", "boolean"})
ANCHORS = frozenset({"pathway_start", "phase_start", "phase_end"})
DURATION_UNITS = ("months", "weeks", "days")
