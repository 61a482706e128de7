"""Code systems, profiles and identifier systems used in the resources we build (sources: FHIR
R4 terminology, HL7 mCODE STU3 profiles, ANS annuaire santé identifiers)."""

ICD10 = "http://hl7.org/fhir/sid/icd-10"
ICDO3 = "http://terminology.hl7.org/CodeSystem/icd-o-3"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
RFC3986 = "urn:ietf:rfc:3986"  # identifier value is a URI (our UUIDs as urn:uuid:...)
RPPS = "urn:oid:1.2.250.1.71.4.2.1"  # ANS: RPPS number of a health professional

MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"
CANCER_PATIENT = MCODE + "mcode-cancer-patient"
PRIMARY_CANCER_CONDITION = MCODE + "mcode-primary-cancer-condition"
SECONDARY_CANCER_CONDITION = MCODE + "mcode-secondary-cancer-condition"
HISTOLOGY_MORPHOLOGY = MCODE + "mcode-histology-morphology-behavior"
ASSERTED_DATE = "http://hl7.org/fhir/StructureDefinition/condition-assertedDate"

LOINC = "http://loinc.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
TNM_STAGE_GROUP = MCODE + "mcode-tnm-stage-group"
ECOG_STATUS = MCODE + "mcode-ecog-performance-status"
KARNOFSKY_STATUS = MCODE + "mcode-karnofsky-performance-status"
# LOINC codes of the TNM observations (clinical / pathological) and performance scores, as the
# mCODE profiles bind them.
STAGE_GROUP_CODE = {"clinical": "21908-9", "pathological": "21902-2"}
TNM_CATEGORY_CODES = {
    "clinical": {"T": "21905-5", "N": "21906-3", "M": "21907-1"},
    "pathological": {"T": "21899-0", "N": "21900-6", "M": "21901-4"},
}
ECOG_CODE = "89247-1"
KARNOFSKY_CODE = "89243-0"
FINESS = "urn:oid:1.2.250.1.71.4.2.2"  # ANS: FINESS number of an organisation

# OncoParcours' own code systems and extensions, for what the record holds and no standard code
# carries exactly (so that an export re-imports without loss).
OWN = "https://oncoparcours.fr/fhir/"
OWN_MARKER = OWN + "CodeSystem/marker"  # code = the marker as recorded (EGFR, PD-L1…)
OWN_RESULT = OWN + "CodeSystem/marker-result"  # positive, negative, equivocal, not_assessable
OWN_RESULT_DETAIL = OWN + "CodeSystem/marker-detail"  # alteration, value
OWN_TREATMENT_KIND = OWN + "CodeSystem/treatment-kind"
OWN_END_REASON = OWN + "CodeSystem/treatment-end-reason"
OWN_STAGE_GROUP = OWN + "CodeSystem/stage-group"  # the group as written (IIIA); see interop.md
OWN_TNM_CATEGORY = OWN + "CodeSystem/tnm-category"  # the category with its prefix (cT3, pN1a)
V3_INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
OWN_LATERALITY = OWN + "StructureDefinition/laterality"
OWN_LINE = OWN + "StructureDefinition/line-of-treatment"

TUMOR_MARKER = MCODE + "mcode-tumor-marker-test"
CANCER_MEDICATION = MCODE + "mcode-cancer-related-medication-statement"
MARKER_LOINC = {"HER2": "48676-1", "ER": "16112-5", "PR": "16113-3"}
RESULT_LOINC = {"positive": "LA6576-8", "negative": "LA6577-6", "equivocal": "LA4259-3"}

# Clinical trials (ResearchStudy). ClinicalTrials.gov's identifier system is the uniqueId of HL7's
# NamingSystem "ClinicalTrials.gov" (terminology.hl7.org); the EU ones are the registries' sites.
CLINICALTRIALS_GOV = "https://clinicaltrials.gov"
EU_CT = "https://euclinicaltrials.eu"  # EU CTR/CTIS number (2022-500000-00-00)
EUDRACT = "https://www.clinicaltrialsregister.eu"  # EudraCT number (2015-000000-00)
OWN_SPONSOR_CODE = OWN + "NamingSystem/trial-sponsor-code"
STUDY_PHASE = "http://terminology.hl7.org/CodeSystem/research-study-phase"
OWN_RECRUITMENT_STATUS = OWN + "StructureDefinition/recruitment-status"
OWN_RECRUITMENT_STATUS_CODES = OWN + "CodeSystem/ctgov-overall-status"  # the registry's value
OWN_ARM_STATUS = OWN + "StructureDefinition/arm-status"  # open, suspended, closed

# CAR-T products (BiologicallyDerivedProduct). The DIN is sent as the number only, under our own
# naming system until the registered ISBT 128 identifier system is confirmed; no ISBT 128 table
# is shipped (licence).
OWN_COI = OWN + "NamingSystem/car-t-chain-of-identity"
ISBT128_DIN = OWN + "NamingSystem/isbt128-din"
OWN_CAR_T_STATE = OWN + "StructureDefinition/car-t-order-state"
OWN_CAR_T_STATE_CODES = OWN + "CodeSystem/car-t-order-state"

# Adverse events: our own term codes (no MedDRA code is shipped: licence), the CTCAE v5 / ASTCT
# grade as recorded, and HL7's adverse-event code systems.
OWN_ADVERSE_TERM = OWN + "CodeSystem/adverse-event-term"
OWN_TOXICITY_GRADE = OWN + "StructureDefinition/toxicity-grade"
OWN_ATTRIBUTION = OWN + "StructureDefinition/adverse-event-attribution"
OWN_ACTION = OWN + "StructureDefinition/adverse-event-action"
OWN_REPLACES = OWN + "StructureDefinition/replaces"
OWN_REPLACED_BY = OWN + "StructureDefinition/replaced-by"
AE_SERIOUSNESS = "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness"
AE_SEVERITY = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
AE_OUTCOME = "http://terminology.hl7.org/CodeSystem/adverse-event-outcome"

# Home follow-up assessments (QuestionnaireResponse): the answers' codes are the triage
# contract's own values (docs: ../shared/docs/triage-contract.md), not PRO-CTCAE wording.
OWN_REPORT_QUESTIONNAIRE = OWN + "Questionnaire/home-follow-up-assessment"
OWN_REPORT_ANSWER = OWN + "CodeSystem/assessment-answer"
OWN_REPORT_CONTEXT = OWN + "StructureDefinition/assessment-context"

# Care pathways (CarePlan): our versioned templates and their activities.
OWN_PATHWAY_TEMPLATE = OWN + "PlanDefinition"  # /<template code>/<version>
OWN_ACTIVITY_KIND = OWN + "CodeSystem/pathway-activity-kind"
OWN_ACTIVITY_KEY = OWN + "StructureDefinition/pathway-activity-key"
OWN_ACTIVITY_DUE = OWN + "StructureDefinition/pathway-activity-due"

# Vital signs (FHIR R4 vital-signs profiles, LOINC codes and UCUM units) and the grades of the
# home follow-up reports (our own term codes, the grading system as recorded).
FHIR_PROFILE = "http://hl7.org/fhir/StructureDefinition/"
VS_BODY_TEMPERATURE = FHIR_PROFILE + "bodytemp"
VS_HEART_RATE = FHIR_PROFILE + "heartrate"
VS_BLOOD_PRESSURE = FHIR_PROFILE + "bp"
VS_OXYGEN_SATURATION = FHIR_PROFILE + "oxygensat"
VS_BODY_WEIGHT = FHIR_PROFILE + "bodyweight"
DATA_ABSENT_REASON = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
OWN_OBSERVATION_CATEGORY = OWN + "CodeSystem/observation-category"  # toxicity-grade
OWN_GRADING_SYSTEM = OWN + "CodeSystem/grading-system"  # CTCAE-5.0, ASTCT-2019
OWN_REPORT_OBSERVATION = OWN + "NamingSystem/report-observation"  # <report hex>-<suffix>
# Laboratory values with no LOINC code for what is stored (multiples of the upper limit of
# normal): code = the stored key (interop/data/lab_codes.json says why for each).
OWN_LAB_RESULT = OWN + "CodeSystem/lab-result"
OWN_HAEMOGLOBIN_RESULT = OWN + "NamingSystem/efs-haemoglobin-result"

# Pathway steps (Task), appointments and board discussions (Encounter).
OWN_TASK_DUE = OWN_ACTIVITY_DUE
OWN_CASE_CONTEXT = OWN + "CodeSystem/board-case-context"
OWN_ENCOUNTER_CLASS = OWN + "CodeSystem/encounter-class"  # in-person-meeting
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
OWN_BOARD = OWN + "NamingSystem/board"
OWN_TOUR_VISIT = OWN + "NamingSystem/tour-visit"  # a home nurse visit of a published tour plan
OWN_EFS_BOOKING = OWN + "NamingSystem/efs-booking"  # a procedure booked at an EFS care centre
# EFS procedures (celltherapy/data/procedures.yaml codes) and car-t-infusion.
OWN_EFS_PROCEDURE = OWN + "CodeSystem/cell-therapy-procedure"
OWN_CARRY_REASON = OWN + "StructureDefinition/board-carry-over-reason"
OWN_PAUSE_REASON = OWN + "CodeSystem/pathway-pause-reason"  # toxicity, hospitalisation…


def icd10_coding(code: str, label: str) -> dict[str, str]:
    """An ICD-10 coding; without ``display`` when the code has no label in our table (FHIR
    forbids an empty string)."""
    coding = {"system": ICD10, "code": code}
    if label:
        coding["display"] = label
    return coding
