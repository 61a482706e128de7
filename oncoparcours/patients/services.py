"""Every write to patient data: atomic, validated, audited (``actor=`` is who does it)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from oncoparcours.core.audit import audit_record
from oncoparcours.core.errors import ApplicationError
from oncoparcours.core.forms import application_error_from_validation
from oncoparcours.core.models import AuditAction, Role, User
from oncoparcours.core.rules.identifiers import ins_problem, normalise_identifier
from oncoparcours.core.validators import ins_message
from oncoparcours.directory.models import Professional, Specialty
from oncoparcours.directory.referential import departements, icd10_problem
from oncoparcours.directory.rules import icd10 as icd10_rules

from . import permissions, survival
from .identity import HOMONYM_KEYS, HOMONYM_TRIGGERS, check_traits
from .models import (
    Biomarker,
    BreakGlassAccess,
    CareTeamMember,
    CareTeamRole,
    ConsentDecision,
    ConsentKind,
    ConsentRecord,
    ConsentScope,
    Diagnosis,
    IdentityCorrection,
    MolecularFinding,
    Patient,
    PerformanceScale,
    PerformanceStatus,
    Staging,
    TreatmentCourse,
    TreatmentEndReason,
    TreatmentKind,
)
from .referential import survival_table
from .rules import staging
from .selectors import Homonyms, forget_break_glass, identity_homonyms, professional_for

PATIENT_FIELDS = (
    "ins",
    "birth_last_name",
    "used_last_name",
    "first_names",
    "used_first_name",
    "birth_date",
    "birth_place_code",
    "sex",
    "address",
    "postcode",
    "city",
    "departement",
    "latitude",
    "longitude",
    "phone",
    "gp",
    "expert_centre",
    "proximity_centre",
    "deceased_on",
)

ROLE_BY_SPECIALTY = {
    Specialty.MEDICAL_ONCOLOGY: CareTeamRole.REFERRING_ONCOLOGIST,
    Specialty.HAEMATOLOGY: CareTeamRole.HAEMATOLOGIST,
    Specialty.RADIOTHERAPY: CareTeamRole.RADIOTHERAPIST,
    Specialty.GENERAL_PRACTICE: CareTeamRole.GP,
    Specialty.COORDINATION_NURSING: CareTeamRole.COORDINATION_NURSE,
    Specialty.LIBERAL_NURSING: CareTeamRole.LIBERAL_NURSE,
    Specialty.HOSPITAL_PHARMACY: CareTeamRole.PHARMACIST,
    Specialty.TRANSFUSION_MEDICINE: CareTeamRole.EFS_PHYSICIAN,
}


def role_for_professional(professional: Professional) -> str:
    if professional.is_surgeon:
        return CareTeamRole.SURGEON
    return ROLE_BY_SPECIALTY.get(professional.specialty, CareTeamRole.ORGAN_SPECIALIST)  # type: ignore[call-overload]


def _full_clean(instance: Any, *, exclude: list[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        raise application_error_from_validation(error) from error


def _check_identity(patient: Patient, fields: Iterable[str]) -> dict[str, list[str]]:
    """Normalise the traits in ``fields`` (those entered or changed) and check the record."""
    errors = check_traits(patient, fields)
    today = timezone.localdate()
    if patient.birth_date and patient.birth_date > today:
        errors["birth_date"] = [_("The birth date is in the future.")]
    elif patient.birth_date and patient.birth_date.year < 1900:
        errors["birth_date"] = [_("The birth date is before 1900.")]
    if patient.deceased_on and patient.deceased_on > today:
        errors["deceased_on"] = [_("The date of death is in the future.")]
    if patient.deceased_on and patient.birth_date and patient.deceased_on < patient.birth_date:
        errors["deceased_on"] = [_("The date of death is before the birth date.")]
    if patient.ins:
        patient.ins = normalise_identifier(patient.ins)
        problem = ins_problem(patient.ins, sex=patient.sex, birth_date=patient.birth_date)
        if problem:
            errors["ins"] = [ins_message(problem)]
        elif Patient.objects.filter(ins=patient.ins).exclude(pk=patient.pk).exists():
            errors["ins"] = [_("Another patient already has this INS.")]
    if patient.departement and patient.departement not in departements():
        errors["departement"] = [_("Unknown département code.")]
    if (patient.latitude is None) != (patient.longitude is None):
        errors["latitude"] = [_("Give both latitude and longitude, or neither.")]
    return errors


def _entry_errors(patient: Patient, fields: Iterable[str]) -> dict[str, list[str]]:
    """Every problem of the traits in ``fields`` (identity rules, then the model's own checks
    on the fields that passed them), all at once so that a form reports them in one round."""
    fields = list(fields)
    errors = _check_identity(patient, fields)
    try:
        patient.full_clean(
            exclude=[
                f.name for f in Patient._meta.fields if f.name not in fields or f.name in errors
            ]
        )
    except ValidationError as error:
        for field, messages in application_error_from_validation(error).errors.items():
            errors.setdefault(field, messages)
    return errors


def _refuse_entry(
    *,
    actor: User,
    patient: Patient,
    errors: dict[str, list[str]],
    homonym_check: bool,
    confirmed: bool,
) -> dict[str, Any]:
    """Refuse the entry with every problem at once (``errors``, from ``_entry_errors`` and the
    caller's own checks) and, when the names and birth date are usable, the homonym warning
    (``HomonymWarning`` carries the other errors too). Returns the audit details of a confirmed
    homonym."""
    homonyms = None
    keys_usable = all(getattr(patient, key) for key in HOMONYM_KEYS) and not (
        set(errors) & set(HOMONYM_KEYS)
    )
    if homonym_check and keys_usable:
        homonyms = identity_homonyms(user=actor, patient=patient)
    if homonyms and not confirmed:
        raise HomonymWarning(homonyms, errors=errors)
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], errors=errors)
    if not homonyms:
        return {}
    return {
        "homonym_confirmed": True,
        "homonyms_shown": [str(p.pk) for p in homonyms.visible],
        "homonyms_elsewhere": homonyms.elsewhere,
    }


def _save_patient(patient: Patient) -> None:
    try:
        with transaction.atomic():
            patient.save()
    except IntegrityError as error:  # a concurrent insert of the same INS
        raise ApplicationError(_("Another patient already has this INS."), field="ins") from error


class HomonymWarning(ApplicationError):
    """Patients with the same names and birth date exist: the user must confirm that this is a
    different person (identity vigilance) before the record is saved. Carries the other problems
    of the entry too, so that the form shows everything in one round."""

    def __init__(self, homonyms: Homonyms, *, errors: dict[str, list[str]] | None = None) -> None:
        messages = []
        if homonyms.visible:
            messages.append(
                _(
                    "A patient with the same birth name, first first-name and birth date already "
                    "exists (listed below). Check that it is not the same person."
                )
            )
        if homonyms.elsewhere:
            messages.append(
                _(
                    "An identity with the same names and birth date exists in another care team. "
                    "Contact the identity-vigilance cell."
                )
            )
        message = " ".join(messages)
        super().__init__(
            message,
            errors={
                **(errors or {}),
                "__all__": [message],
                "homonym_confirmed": [
                    _(
                        "Tick this box only if this is a different person; otherwise correct "
                        "the entry."
                    )
                ],
            },
        )
        self.homonyms = homonyms


def patient_entry_problems(
    *,
    actor: User,
    data: dict[str, Any],
    patient: Patient | None = None,
    reason: str = "",
    homonym_confirmed: bool = False,
) -> ApplicationError | None:
    """What a save of ``data`` (the fields a form could read; a creation when ``patient`` is
    None) would refuse, without saving: lets a form with its own errors report the identity
    problems and the homonyms in the same round. Nothing is written."""
    if patient is None:
        candidate = Patient(**{key: value for key, value in data.items() if key in PATIENT_FIELDS})
        fields = [key for key in data if key in PATIENT_FIELDS]
        homonym_check = True
    else:
        candidate = Patient.objects.get(pk=patient.pk)
        fields = [
            key
            for key, value in data.items()
            if key in PATIENT_FIELDS and getattr(candidate, key) != value
        ]
        for key in fields:
            setattr(candidate, key, data[key])
        homonym_check = bool(set(fields) & set(HOMONYM_TRIGGERS))
    if candidate.ins == "":
        candidate.ins = None
    try:
        errors = _entry_errors(candidate, fields)
        if patient is not None:
            errors |= _correction_reason_error(previous=patient, patient=candidate, reason=reason)
        _refuse_entry(
            actor=actor,
            patient=candidate,
            errors=errors,
            homonym_check=homonym_check,
            confirmed=homonym_confirmed,
        )
    except ApplicationError as problem:
        return problem
    return None


# Who opens a patient record: the people who take care of the patient. Evaluators, managers and
# network coordinators read figures, never create records.
PATIENT_CREATING_ROLES = frozenset(
    {Role.CLINICIAN, Role.COORDINATION_NURSE, Role.LIBERAL_NURSE, Role.EFS_STAFF}
)


@transaction.atomic
def patient_create(
    *, actor: User, data: dict[str, Any], homonym_confirmed: bool = False
) -> Patient:
    """Create a patient; the creating professional joins the care team as its lead. Patients
    with the same names and birth date refuse the creation (``HomonymWarning``) until the user
    confirms that this is a different person; the confirmation is audited."""
    professional = professional_for(actor)
    if professional is None:
        raise ApplicationError(_("Only professionals of the referential can create patients."))
    if actor.role not in PATIENT_CREATING_ROLES:
        raise ApplicationError(
            _("Patient records are created by the care team (physician, nurse, EFS staff).")
        )
    patient = Patient(**{key: value for key, value in data.items() if key in PATIENT_FIELDS})
    if patient.ins == "":
        patient.ins = None
    details = _refuse_entry(
        actor=actor,
        patient=patient,
        errors=_entry_errors(patient, PATIENT_FIELDS),
        homonym_check=True,
        confirmed=homonym_confirmed,
    )
    _save_patient(patient)
    CareTeamMember.objects.create(
        patient=patient,
        professional=professional,
        role=role_for_professional(professional),
        is_lead=True,
        added_by=actor,
        reason=_("Created the patient record"),
    )
    audit_record(
        actor=actor, action=AuditAction.CREATE, patient_id=patient.pk, obj=patient, details=details
    )
    return patient


# Identity fields whose every correction is kept (previous value, who, when, why): the
# rectification trail (GDPR art. 16), shown on the record.
IDENTITY_FIELDS = tuple(
    key
    for key in PATIENT_FIELDS
    if key not in {"latitude", "longitude", "gp", "expert_centre", "proximity_centre"}
)


def _corrected(previous: dict[str, Any] | Patient, patient: Patient) -> list[str]:
    """The identity fields whose value changes (as kept in the rectification trail)."""
    before = (
        previous
        if isinstance(previous, dict)
        else {key: getattr(previous, key) for key in IDENTITY_FIELDS}
    )
    return [
        key
        for key in IDENTITY_FIELDS
        if _trail_value(before[key]) != _trail_value(getattr(patient, key))
    ]


def _correction_reason_error(
    *, previous: dict[str, Any] | Patient, patient: Patient, reason: str
) -> dict[str, list[str]]:
    corrected = _corrected(previous, patient)
    if not corrected or reason.strip():
        return {}
    return {
        "correction_reason": [
            _("Say why the identity is corrected (%(fields)s).")
            % {"fields": ", ".join(str(Patient.field_label(f)) for f in corrected)}
        ]
    }


def _trail_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)[:300]


@transaction.atomic
def patient_update(
    *,
    actor: User,
    patient: Patient,
    data: dict[str, Any],
    reason: str = "",
    homonym_confirmed: bool = False,
) -> Patient:
    """Update the record; a correction of an identity field needs a reason and keeps the
    previous value (``IdentityCorrection``). Changed traits are checked as on creation, and a
    change of names or birth date that makes a homonym needs the same confirmation."""
    permissions.require_identity_editor(actor, patient.pk)
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    previous = {key: getattr(patient, key) for key in IDENTITY_FIELDS}
    changed = []
    for key, value in data.items():
        if key in PATIENT_FIELDS and getattr(patient, key) != value:
            setattr(patient, key, value)
            changed.append(key)
    if patient.ins == "":
        patient.ins = None
    errors = _entry_errors(patient, changed)
    reason = reason.strip()
    errors |= _correction_reason_error(previous=previous, patient=patient, reason=reason)
    details: dict[str, Any] = {"fields": changed}
    details |= _refuse_entry(
        actor=actor,
        patient=patient,
        errors=errors,
        homonym_check=bool(set(changed) & set(HOMONYM_TRIGGERS)),
        confirmed=homonym_confirmed,
    )
    corrected = _corrected(previous, patient)
    _save_patient(patient)
    IdentityCorrection.objects.bulk_create(
        [
            IdentityCorrection(
                patient=patient,
                field=key,
                previous_value=_trail_value(previous[key]),
                new_value=_trail_value(getattr(patient, key)),
                reason=reason,
                corrected_by=actor,
            )
            for key in corrected
        ]
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=patient.pk,
        obj=patient,
        details={**details, "corrected": corrected},
        reason=reason if corrected else "",
    )
    return patient


def _check_clinical_date(patient: Patient, day: dt.date | None, field: str) -> dict[str, list[str]]:
    if day is None:
        return {field: [_("This date is required.")]}
    if day > timezone.localdate():
        return {field: [_("This date is in the future.")]}
    if day < patient.birth_date:
        return {
            field: [
                _("This date is before the patient's birth (%(date)s).")
                % {"date": patient.birth_date.strftime("%d/%m/%Y")}
            ]
        }
    return {}


def _staging_errors(
    diagnosis: Diagnosis, t: str, n: str, m: str, stage_group: str, staged_on: dt.date | None
) -> dict[str, list[str]]:
    """What is wrong with a staging of ``diagnosis`` (entered, or corrected by a re-import)."""
    errors: dict[str, list[str]] = {}
    # Blank categories are accepted only beside a stage group (a group received without them).
    blank_ok = bool(stage_group) and not all((t, n, m))
    if not (blank_ok and not t) and not staging.t_ok(t):
        errors["t"] = [_("Not a T category of TNM 8 (e.g. T2a, Tis, TX).")]
    if not (blank_ok and not n) and not staging.n_ok(n):
        errors["n"] = [_("Not an N category of TNM 8 (e.g. N0, N1mi, N2b, NX).")]
    if not (blank_ok and not m) and not staging.m_ok(m):
        errors["m"] = [_("Not an M category of TNM 8 (M0, M1, M1a...).")]
    if stage_group and not staging.stage_ok(stage_group):
        errors["stage_group"] = [_("Not a stage group (0, I, IA, IIB, IIIC, IV...).")]
    errors.update(_check_clinical_date(diagnosis.patient, staged_on, "staged_on"))
    if staged_on and staged_on < diagnosis.diagnosed_on - dt.timedelta(days=90):
        errors["staged_on"] = [_("Staging more than 90 days before the diagnosis date.")]
    return errors


def _correction_errors(row: Any) -> dict[str, list[str]]:
    """The entry rules a corrected row must still meet (a re-import corrects rows through
    ``clinical_row_correct``; it must not write what the entry forms refuse)."""
    if isinstance(row, Staging):
        return _staging_errors(row.diagnosis, row.t, row.n, row.m, row.stage_group, row.staged_on)
    if isinstance(row, Diagnosis):
        errors = _check_clinical_date(row.patient, row.diagnosed_on, "diagnosed_on")
        earliest = row.diagnosed_on - dt.timedelta(days=90)
        if not errors and row.stagings.filter(staged_on__lt=earliest).exists():
            errors["diagnosed_on"] = [
                _("A staging of this diagnosis is more than 90 days before this date.")
            ]
        return errors
    dates = {
        TreatmentCourse: ("started_on",),
        PerformanceStatus: ("recorded_on",),
        Biomarker: ("tested_on",),
    }.get(type(row), ())
    patient = row.patient if hasattr(row, "patient") else row.diagnosis.patient
    errors = {}
    for name in dates:
        errors.update(_check_clinical_date(patient, getattr(row, name), name))
    return errors


@transaction.atomic
def diagnosis_add(
    *,
    actor: User,
    patient: Patient,
    icd10: str,
    diagnosed_on: dt.date,
    icdo3_topography: str = "",
    icdo3_morphology: str = "",
    laterality: str = "not_applicable",
    is_primary: bool = True,
    note: str = "",
) -> Diagnosis:
    permissions.require_diagnosis_author(actor, patient.pk)
    errors: dict[str, list[str]] = {}
    code = (icd10 or "").strip().upper()
    problem = icd10_problem(code)
    if problem == "format":
        errors["icd10"] = [_("Not an ICD-10 code (expected e.g. C34.1).")]
    elif problem:
        errors["icd10"] = [
            _("Unknown ICD-10 code %(code)s in the oncology referential.") % {"code": code}
        ]
    else:
        code = icd10_rules.normalise(code)
    if icdo3_topography and not staging.topography_ok(icdo3_topography.strip().upper()):
        errors["icdo3_topography"] = [_("An ICD-O-3 topography looks like C34.1 (C00.0 to C80.9).")]
    if icdo3_morphology and not staging.morphology_ok(icdo3_morphology.strip()):
        errors["icdo3_morphology"] = [
            _("An ICD-O-3 morphology looks like 8140/3 (code/behaviour).")
        ]
    errors.update(_check_clinical_date(patient, diagnosed_on, "diagnosed_on"))
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], errors=errors)
    diagnosis = Diagnosis(
        patient=patient,
        icd10=code,
        diagnosed_on=diagnosed_on,
        icdo3_topography=icdo3_topography.strip().upper(),
        icdo3_morphology=icdo3_morphology.strip(),
        laterality=laterality,
        is_primary=is_primary,
        note=note,
        recorded_by=actor,
    )
    assessment = survival.assess(diagnosis, stagings=())
    survival.apply(diagnosis, assessment)
    _full_clean(diagnosis, exclude=["patient"])
    diagnosis.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        patient_id=patient.pk,
        obj=diagnosis,
        details={
            "icd10": code,
            "prognosis": assessment.status.value,
            "survival_entry": assessment.entry_key,
            "survival_table": assessment.table_version,
        },
    )
    return diagnosis


def _reassess(
    diagnosis: Diagnosis, *, actor: User | None, reason: str, save: bool = True
) -> tuple[str, str] | None:
    """Recompute one loaded diagnosis (patient, stagings, molecular results at hand); when the
    flag changes, save it and audit the change. Returns (old status, new status) when changed."""
    before = {
        "status": diagnosis.prognosis_status,
        "entry": diagnosis.survival_entry,
        "table": diagnosis.survival_table_version,
    }
    changes = survival.apply(diagnosis, survival.assess(diagnosis))
    if not changes:
        return None
    if save:
        diagnosis.save(update_fields=[*changes, "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            patient_id=diagnosis.patient_id,
            obj=diagnosis,
            reason=reason,
            details={
                "what": "prognosis",
                "from": before,
                "to": {
                    "status": diagnosis.prognosis_status,
                    "entry": diagnosis.survival_entry,
                    "table": diagnosis.survival_table_version,
                },
                "missing": diagnosis.prognosis_missing,
            },
        )
    return before["status"], diagnosis.prognosis_status


def _with_facts() -> Any:
    return Diagnosis.objects.select_related("patient").prefetch_related(
        "stagings",
        Prefetch(
            "patient__molecular",
            queryset=MolecularFinding.objects.current(),
            to_attr="current_molecular",
        ),
    )


def diagnosis_reassess(*, actor: User | None, diagnosis: Diagnosis, reason: str) -> bool:
    """Recompute the prognosis flag with the current survival table and the record's facts
    (called inside the transaction that changed them). True when the flag changed."""
    loaded = _with_facts().get(pk=diagnosis.pk)
    return _reassess(loaded, actor=actor, reason=reason) is not None


def diagnoses_recompute(
    *, actor: User | None, dry_run: bool = False, batch_size: int = 500
) -> Counter[tuple[str, str]]:
    """Recompute every diagnosis with the current survival table (after a table update), batch
    by batch, each batch in its own transaction. Counts (old status, new status) of the changed
    ones and ("unchanged", status) of the others."""
    counts: Counter[tuple[str, str]] = Counter()
    table = survival_table()
    reason = _("Survival table applied: %(table)s (%(version)s)") % {
        "table": table.label,
        "version": table.version,
    }
    last = None
    while True:
        page = _with_facts().order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        batch = list(page[:batch_size])
        if not batch:
            return counts
        with transaction.atomic():
            for diagnosis in batch:
                change = _reassess(diagnosis, actor=actor, reason=reason, save=not dry_run)
                counts[change or ("unchanged", diagnosis.prognosis_status)] += 1
        last = batch[-1].pk


@transaction.atomic
def staging_add(
    *,
    actor: User,
    diagnosis: Diagnosis,
    kind: str,
    t: str,
    n: str,
    m: str,
    stage_group: str = "",
    staged_on: dt.date,
    edition: int = 8,
) -> Staging:
    permissions.require_diagnosis_author(actor, diagnosis.patient_id)
    t, n, m, stage_group = t.strip(), n.strip(), m.strip(), stage_group.strip()
    errors = _staging_errors(diagnosis, t, n, m, stage_group, staged_on)
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], errors=errors)
    record = Staging.objects.create(
        diagnosis=diagnosis,
        kind=kind,
        t=t,
        n=n,
        m=m,
        stage_group=stage_group,
        staged_on=staged_on,
        edition=edition,
    )
    audit_record(
        actor=actor, action=AuditAction.CREATE, patient_id=diagnosis.patient_id, obj=record
    )
    diagnosis_reassess(actor=actor, diagnosis=diagnosis, reason=_("Staging recorded"))
    return record


def biomarker_add(
    *,
    actor: User,
    diagnosis: Diagnosis,
    marker: str,
    result: str,
    tested_on: dt.date | None,
    alteration: str = "",
    value: str = "",
    source: str = "",
) -> MolecularFinding:
    """The simple biomarker entry of a diagnosis: a structured molecular result of the patient
    (``molecular_services.molecular_entry_add``; the free-text rows are no longer written)."""
    from .molecular_services import molecular_entry_add

    return molecular_entry_add(
        actor=actor, patient=diagnosis.patient, marker=marker, result=result,
        tested_on=tested_on, alteration=alteration, value=value, source=source,
    )  # fmt: skip


@transaction.atomic
def performance_status_add(
    *, actor: User, patient: Patient, scale: str, value: int, recorded_on: dt.date
) -> PerformanceStatus:
    errors = _check_clinical_date(patient, recorded_on, "recorded_on")
    if scale == PerformanceScale.ECOG and value not in staging.ECOG_VALUES:
        errors["value"] = [_("ECOG/WHO performance status is 0 to 4.")]
    if scale == PerformanceScale.KARNOFSKY and value not in staging.KARNOFSKY_VALUES:
        errors["value"] = [_("Karnofsky index is 0 to 100 in steps of 10.")]
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], errors=errors)
    record = PerformanceStatus.objects.create(
        patient=patient, scale=scale, value=value, recorded_on=recorded_on
    )
    audit_record(actor=actor, action=AuditAction.CREATE, patient_id=patient.pk, obj=record)
    return record


@transaction.atomic
def care_team_add(
    *,
    actor: User,
    patient: Patient,
    professional: Professional,
    role: str,
    is_lead: bool = False,
    start: dt.date | None = None,
    end: dt.date | None = None,
    reason: str = "",
) -> CareTeamMember:
    permissions.require_care_team_manager(actor, patient.pk)
    start = start or timezone.localdate()
    if not professional.is_active:
        raise ApplicationError(_("This professional is no longer active."), field="professional")
    if end and end < start:
        raise ApplicationError(_("The end date is before the start date."), field="end")
    today = timezone.localdate()
    overlapping = CareTeamMember.objects.filter(
        patient=patient, professional=professional, role=role
    ).exclude(end__lt=today)
    if overlapping.exists():
        raise ApplicationError(
            _("This professional already has this role in the care team."), field="professional"
        )
    member = CareTeamMember.objects.create(
        patient=patient,
        professional=professional,
        role=role,
        is_lead=is_lead,
        start=start,
        end=end,
        added_by=actor,
        reason=reason,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        patient_id=patient.pk,
        obj=member,
        reason=reason,
        details={"professional": str(professional.pk), "role": role},
    )
    return member


@transaction.atomic
def care_team_end(
    *, actor: User, member: CareTeamMember, end: dt.date, reason: str
) -> CareTeamMember:
    permissions.require_care_team_manager(actor, member.patient_id)
    member = CareTeamMember.objects.select_for_update().get(pk=member.pk)
    if member.end is not None and member.end < timezone.localdate():
        raise ApplicationError(_("This membership has already ended."))
    if end < member.start:
        raise ApplicationError(_("The end date is before the start date."), field="end")
    if not reason.strip():
        raise ApplicationError(_("Give the reason for ending this membership."), field="reason")
    if member.is_lead:
        other_leads = (
            CareTeamMember.objects.filter(patient=member.patient_id, is_lead=True)
            .exclude(pk=member.pk)
            .exclude(end__lt=timezone.localdate())
        )
        if not other_leads.exists():
            raise ApplicationError(
                _("Name another care team lead before ending the lead's membership.")
            )
    member.end = end
    member.reason = reason
    member.save(update_fields=["end", "reason", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=member.patient_id,
        obj=member,
        reason=reason,
        details={"end": end.isoformat()},
    )
    return member


@transaction.atomic
def consent_record(
    *,
    actor: User,
    patient: Patient,
    kind: str,
    scope: str,
    decision: str,
    recorded_on: dt.date,
    note: str = "",
) -> ConsentRecord:
    permissions.require_decision_recorder(
        actor, patient.pk, objection=decision == ConsentDecision.OPPOSITION
    )
    errors = _check_clinical_date(patient, recorded_on, "recorded_on")
    if kind == ConsentKind.RCP_INFORMATION and scope != ConsentScope.CARE_TEAM:
        errors["scope"] = [
            _("The tumour board information concerns the care team: choose “Care team”.")
        ]
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], errors=errors)
    record = ConsentRecord(
        patient=patient,
        kind=kind,
        scope=scope,
        decision=decision,
        recorded_on=recorded_on,
        recorded_by=actor,
        note=note,
    )
    _full_clean(record, exclude=["patient", "recorded_by"])
    record.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        patient_id=patient.pk,
        obj=record,
        details={"kind": kind, "scope": scope, "decision": decision},
    )
    return record


def break_glass_open(*, actor: User, ins: str, reason: str, minutes: int) -> BreakGlassAccess:
    """Emergency access to a patient outside one's care teams: reasoned, time-limited, audited."""
    errors: dict[str, list[str]] = {}
    if professional_for(actor) is None:
        raise ApplicationError(_("Only professionals of the referential can use emergency access."))
    if len(reason.strip()) < 15:
        errors["reason"] = [_("Explain the emergency in at least 15 characters.")]
    if not 1 <= minutes <= settings.BREAK_GLASS_MAX_MINUTES:
        errors["minutes"] = [
            _("Duration must be between 1 and %(max)s minutes.")
            % {"max": settings.BREAK_GLASS_MAX_MINUTES}
        ]
    normalised = normalise_identifier(ins)
    patient = Patient.objects.filter(ins=normalised).first() if normalised else None
    if patient is None and not errors:
        # A failed attempt is audited too (outside any transaction that would roll it back).
        audit_record(
            actor=actor,
            action=AuditAction.BREAK_GLASS,
            reason=reason,
            details={"ins_searched": normalised, "found": False},
        )
        errors["ins"] = [_("No patient with this INS.")]
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], errors=errors)
    assert patient is not None
    now = timezone.now()
    with transaction.atomic():
        access = BreakGlassAccess.objects.create(
            user=actor,
            patient=patient,
            reason=reason.strip(),
            started_at=now,
            expires_at=now + dt.timedelta(minutes=minutes),
        )
        audit_record(
            actor=actor,
            action=AuditAction.BREAK_GLASS,
            patient_id=patient.pk,
            obj=access,
            reason=reason.strip(),
            break_glass=True,
            details={"expires_at": access.expires_at.isoformat()},
        )
    forget_break_glass(actor)
    return access


@transaction.atomic
def treatment_start(
    *,
    actor: User,
    patient: Patient,
    kind: str,
    regimen: str,
    started_on: dt.date,
    line: int | None = None,
    note: str = "",
) -> TreatmentCourse:
    """Record an anticancer treatment in course (home follow-up grades reports for it)."""
    permissions.require_care_planner(actor, patient.pk)
    errors: dict[str, list[str]] = {}
    if kind not in TreatmentKind.values:
        errors["kind"] = [_("Choose a kind of treatment from the list.")]
    if not (regimen or "").strip():
        errors["regimen"] = [_("Name the regimen or the drugs.")]
    if line is not None and line < 1:
        errors["line"] = [_("The line of treatment is 1 or more.")]
    errors.update(_check_clinical_date(patient, started_on, "started_on"))
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], errors=errors)
    course = TreatmentCourse.objects.create(
        patient=patient,
        kind=kind,
        regimen=regimen.strip(),
        line=line,
        started_on=started_on,
        note=note,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        patient_id=patient.pk,
        obj=course,
        details={"kind": kind, "started_on": started_on.isoformat()},
    )
    return course


@transaction.atomic
def treatment_end(
    *, actor: User, course: TreatmentCourse, ended_on: dt.date, end_reason: str
) -> TreatmentCourse:
    permissions.require_care_planner(actor, course.patient_id)
    course = TreatmentCourse.objects.select_for_update().get(pk=course.pk)
    errors: dict[str, list[str]] = {}
    if course.ended_on is not None:
        errors["ended_on"] = [
            _("This treatment already ended on %(date)s.")
            % {"date": course.ended_on.strftime("%d/%m/%Y")}
        ]
    elif ended_on is None or ended_on > timezone.localdate():
        errors["ended_on"] = [_("Give the end date (today at the latest).")]
    elif ended_on < course.started_on:
        errors["ended_on"] = [
            _("The end date is before the start (%(date)s).")
            % {"date": course.started_on.strftime("%d/%m/%Y")}
        ]
    if end_reason not in TreatmentEndReason.values:
        errors["end_reason"] = [_("Choose why the treatment ended.")]
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], errors=errors)
    course.ended_on, course.end_reason = ended_on, end_reason
    course.save(update_fields=["ended_on", "end_reason", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=course.patient_id,
        obj=course,
        details={"ended_on": ended_on.isoformat(), "end_reason": end_reason},
    )
    return course


@transaction.atomic
def clinical_row_correct(*, actor: User, row: Any, changes: dict[str, Any], reason: str) -> bool:
    """Correct fields of a diagnosis, staging, performance status, biomarker or treatment row
    received again from another system (FHIR re-import): the row is checked as on entry and the
    previous values are kept in the audit trail. Returns whether anything changed."""
    if not isinstance(row, Diagnosis | Staging | PerformanceStatus | Biomarker | TreatmentCourse):
        raise ApplicationError(_("This record cannot be corrected here."))
    row = type(row).objects.select_for_update().get(pk=row.pk)
    before = {key: getattr(row, key) for key in changes}
    changed = {key: value for key, value in changes.items() if before[key] != value}
    if not changed:
        return False
    for key, value in changed.items():
        setattr(row, key, value)
    _full_clean(row)
    errors = _correction_errors(row)
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], errors=errors)
    row.save(update_fields=list(changed))
    patient_id = row.patient_id if hasattr(row, "patient_id") else row.diagnosis.patient_id
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        patient_id=patient_id,
        obj=row,
        details={
            "reason": reason,
            "previous": {key: _trail_value(before[key]) for key in changed},
            "new": {key: _trail_value(value) for key, value in changed.items()},
        },
    )
    return True
