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
# Activities addressed to someone (a letter to the GP, a referral): they may name a recipient role.
LETTER_KINDS = frozenset({"document", "referral"})
PLACES = frozenset({"expert", "proximity", "efs", "home", "remote", "external"})
ROLES = frozenset(
    {
        "oncologist",
        "haematologist",
        "organ_specialist",
        "surgeon",
        "radiotherapist",
        "radiologist",
        "nuclear_physician",
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
# The anticancer treatment a pathway delivers (same codes as patients.models.TreatmentKind): home
# follow-up grades the reports of a patient on an active pathway for it.
TREATMENTS = (
    "chemotherapy",
    "immune_checkpoint_inhibitor",
    "car_t",
    "t_cell_engager",
    "antibody_drug_conjugate",
    "targeted_therapy",
    "hormone_therapy",
    "radiotherapy",
    "other",
)
