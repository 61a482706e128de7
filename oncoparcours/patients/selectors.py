"""Permission-scoped reads of patient data. Every read of one patient is audited; a patient
outside the user's care teams (and without an active break-the-glass access) is a 404."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils import timezone

from oncoparcours.core.audit import audit_record
from oncoparcours.core.models import AuditAction, AuditEvent, User
from oncoparcours.core.request_context import request_memo
from oncoparcours.directory.models import (
    Network,
    NetworkMembership,
    NetworkRole,
    Organisation,
    Professional,
)
from oncoparcours.directory.referential import departements
from oncoparcours.directory.rules import geo, icd10

from .models import (
    BreakGlassAccess,
    CareTeamMember,
    ConsentRecord,
    Diagnosis,
    MolecularFinding,
    Patient,
    PrognosisStatus,
    TreatmentCourse,
    search_key,
)
from .rules.networks import Proposal, referral_proposal


def professional_for(user: User) -> Professional | None:
    """The professional record of a user (cached on the user object for the request)."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_cached_professional"):
        user._cached_professional = Professional.objects.filter(user=user, is_active=True).first()  # type: ignore[attr-defined]
    return user._cached_professional  # type: ignore[attr-defined]


def _current_membership(professional_id: uuid.UUID) -> QuerySet[CareTeamMember]:
    today = timezone.localdate()
    return CareTeamMember.objects.filter(professional_id=professional_id, start__lte=today).filter(
        Q(end__isnull=True) | Q(end__gte=today)
    )


def _active_break_glass(user: User) -> QuerySet[BreakGlassAccess]:
    now = timezone.now()
    return BreakGlassAccess.objects.filter(user=user, started_at__lte=now, expires_at__gt=now)


def _break_glass_patient_ids(user: User) -> list[uuid.UUID]:
    """The patients opened by the user's active break-the-glass grants, read once per request
    (each panel of a page filters on them); ``forget_break_glass`` after a grant is written."""
    memo = request_memo()
    key = f"break_glass:{user.pk}"
    if memo is not None and key in memo:
        return list(memo[key])
    ids = list(_active_break_glass(user).values_list("patient_id", flat=True))
    if memo is not None:
        memo[key] = tuple(ids)
    return ids


def forget_break_glass(user: User) -> None:
    memo = request_memo()
    if memo is not None:
        memo.pop(f"break_glass:{user.pk}", None)


def visible_patient_filter(user: User, field: str = "patient_id") -> Q:
    """A filter on ``field`` (a patient id) keeping the user's patients — for querying other
    tables (activities, alerts...) without joining the patient table."""
    professional = professional_for(user)
    if professional is None:
        return Q(pk__in=[])
    condition = Q(
        **{f"{field}__in": _current_membership(professional.pk).order_by().values("patient_id")}
    )
    glass_ids = _break_glass_patient_ids(user)
    if glass_ids:
        condition |= Q(**{f"{field}__in": glass_ids})
    return condition


def patients_for_user(user: User) -> QuerySet[Patient]:
    """Patients whose care team the user currently belongs to, or opened by break-the-glass."""
    professional = professional_for(user)
    if professional is None:
        return Patient.objects.none()
    # A plain IN (subquery) lets the database drive from the user's memberships (an index-only
    # scan) instead of testing every patient; break-the-glass grants are rare and few, so they
    # are read first and added as literal ids only when there are some.
    condition = Q(pk__in=_current_membership(professional.pk).order_by().values("patient_id"))
    glass_ids = _break_glass_patient_ids(user)
    if glass_ids:
        condition |= Q(pk__in=glass_ids)
    return Patient.objects.filter(condition)


@dataclass(frozen=True)
class PatientAccess:
    patient: Patient
    membership: CareTeamMember | None
    break_glass: BreakGlassAccess | None

    @property
    def is_lead(self) -> bool:
        return bool(self.membership and self.membership.is_lead)


def patient_access_for_user(
    *, user: User, patient_id: uuid.UUID, care_team: bool = False
) -> PatientAccess | None:
    """The user's access to the patient, None without one. With ``care_team``, the patient's
    whole care team (with each professional) is read instead of the user's membership alone, and
    left prefetched on the patient (``patient.care_team.all()``): one query for a page that shows
    the team anyway."""
    professional = professional_for(user)
    if professional is None:
        return None
    patient = (
        Patient.objects.select_related("gp", "expert_centre", "proximity_centre")
        .filter(pk=patient_id)
        .first()
    )
    if patient is None:
        return None
    if care_team:
        prefetch_related_objects(
            [patient],
            Prefetch("care_team", queryset=CareTeamMember.objects.select_related("professional")),
        )
        today = timezone.localdate()
        # The team in its default order (lead first): the first current membership of the
        # user's is the one the query below would pick.
        membership = next(
            (
                member
                for member in patient.care_team.all()
                if member.professional_id == professional.pk
                and member.start <= today
                and (member.end is None or member.end >= today)
            ),
            None,
        )
    else:
        membership = (
            _current_membership(professional.pk)
            .filter(patient=patient)
            .order_by("-is_lead")
            .first()
        )
    grant = None
    if membership is None:
        grant = _active_break_glass(user).filter(patient=patient).order_by("-expires_at").first()
        if grant is None:
            return None
    return PatientAccess(patient=patient, membership=membership, break_glass=grant)


def patient_get_for_user(
    *,
    user: User,
    patient_id: uuid.UUID,
    action: str = AuditAction.VIEW,
    what: str = "record",
    care_team: bool = False,
) -> PatientAccess:
    """The patient if the user may see it (one audit event written), else Http404.
    ``care_team``: see :func:`patient_access_for_user`."""
    access = patient_access_for_user(user=user, patient_id=patient_id, care_team=care_team)
    if access is None:
        audit_record(
            actor=user, action=AuditAction.DENIED, patient_id=patient_id, details={"what": what}
        )
        raise Http404
    audit_record(
        actor=user,
        action=action,
        patient_id=access.patient.pk,
        obj=access.patient,
        break_glass=access.break_glass is not None,
        reason=access.break_glass.reason if access.break_glass else "",
        details={"what": what},
    )
    return access


def patient_search(
    *,
    user: User,
    query: str = "",
    icd10_prefix: str = "",
    centre_id: uuid.UUID | None = None,
    poor_prognosis: bool | None = None,
    prognosis_to_check: bool = False,
) -> QuerySet[Patient]:
    patients = patients_for_user(user)
    text = search_key(query)
    for token in text.split():
        patients = patients.filter(search_text__contains=token)
    if icd10_prefix:
        patients = patients.filter(
            Exists(
                Diagnosis.objects.filter(
                    patient=OuterRef("pk"), icd10__startswith=icd10_prefix.upper().strip()
                )
            )
        )
    if centre_id:
        patients = patients.filter(Q(expert_centre_id=centre_id) | Q(proximity_centre_id=centre_id))
    if poor_prognosis is not None:
        patients = patients.filter(
            Exists(Diagnosis.objects.filter(patient=OuterRef("pk"), poor_prognosis=poor_prognosis))
        )
    if prognosis_to_check:
        patients = patients.filter(
            Exists(
                Diagnosis.objects.filter(
                    patient=OuterRef("pk"), poor_prognosis__isnull=True
                ).exclude(prognosis_missing=[])
            )
        )
    return (
        patients.select_related("expert_centre", "proximity_centre")
        .prefetch_related(
            Prefetch(
                "diagnoses", queryset=Diagnosis.objects.order_by("-is_primary", "-diagnosed_on")
            )
        )
        .order_by("sort_name", "id")
    )


def latest_consents(patient: Patient) -> list[ConsentRecord]:
    """The record in force for each (kind, scope): latest decision date, then latest entry."""
    seen: set[tuple[str, str]] = set()
    current = []
    # The record page reads the consents once, with who recorded them, in this same (default)
    # order: reused then.
    records = (
        patient.consents.all()
        if "consents" in getattr(patient, "_prefetched_objects_cache", {})
        else patient.consents.select_related("recorded_by").order_by(
            "-recorded_on", "-recorded_at", "-id"
        )
    )
    for record in records:
        key = (record.kind, record.scope)
        if key not in seen:
            seen.add(key)
            current.append(record)
    return current


@dataclass(frozen=True)
class MolecularRecord:
    """The patient's molecular results as the record shows them."""

    current: list[MolecularFinding]  # in force (``current()``), newest sampling first
    history: list[MolecularFinding]  # the corrections and withdrawals, latest first


def molecular_record(patient: Patient) -> MolecularRecord:
    """The patient's molecular results read in one query, once per patient object: the record
    page shows the results in force under its diagnoses and in its section, its prognosis
    explanations read them, and the section lists the corrections."""
    cached = patient.__dict__.get("_molecular_record")
    if cached is not None:
        return cached
    # The model's order: newest sampling first, then kind and gene. A correction or a withdrawal
    # is a finding of the same patient (``molecular_services``), so each finding's "replaces"
    # and "replaced_by" are among these rows: linked here rather than joined twice in SQL (the
    # joins cost ~1 ms of query compilation per record, issue 19).
    rows = list(MolecularFinding.objects.filter(patient=patient))
    by_id = {f.pk: f for f in rows}
    replaced_by = {f.replaces_id: f for f in rows if f.replaces_id is not None}
    replaces_field = MolecularFinding._meta.get_field("replaces")
    for f in rows:
        if f.replaces_id is None:
            replaces_field.set_cached_value(f, None)
        elif f.replaces_id in by_id:
            replaces_field.set_cached_value(f, by_id[f.replaces_id])
        replaces_field.remote_field.set_cached_value(f, replaced_by.get(f.pk))
    record = MolecularRecord(
        # current(): neither replaced by a correction (no "replaced_by") nor withdrawn
        current=[f for f in rows if not f.withdrawn and not hasattr(f, "replaced_by")],
        history=sorted(
            (f for f in rows if f.replaces_id is not None),
            key=lambda f: f.created_at,
            reverse=True,
        ),
    )
    patient.__dict__["_molecular_record"] = record
    return record


@dataclass(frozen=True)
class CentreSuggestion:
    membership: NetworkMembership
    distance_km: float | None


@dataclass(frozen=True)
class NetworkSuggestion:
    network: Network
    diagnosis: Diagnosis
    centres: list[CentreSuggestion]
    proposal: Proposal = Proposal.PROPOSED

    @property
    def to_check(self) -> bool:
        return self.proposal == Proposal.TO_CHECK


def network_suggestions(
    patient: Patient, diagnoses: list[Diagnosis], *, limit: int = 3, include_to_check: bool = False
) -> list[NetworkSuggestion]:
    """INCa networks of excellence whose scope covers a diagnosis of the patient, with their
    nearest pilot/expert centres: proposed for a poor-prognosis cancer and, with
    ``include_to_check``, shown "to check" when the prognosis is not determined
    (rules/networks.py). One implementation for the patient record and the referral page."""
    wanted = {Proposal.PROPOSED, Proposal.TO_CHECK} if include_to_check else {Proposal.PROPOSED}
    if not any(d.prognosis_status != PrognosisStatus.NOT_POOR for d in diagnoses):
        return []
    networks = list(Network.objects.filter(kind="inca_excellence"))
    # The pilot and expert centres of these networks as plain values, in the memberships' own
    # order (issue 19: their model instances with every column of the organisation cost the
    # record 3 ms); only the centres shown become model instances (``_membership``).
    rows = NetworkMembership.objects.filter(
        network_id__in=[network.pk for network in networks],
        role__in=[NetworkRole.PILOT, NetworkRole.EXPERT],
    ).values_list("network_id", *_MEMBERSHIP_FIELDS, *_ORGANISATION_FIELDS)
    centres_of: dict[Any, list[tuple[Any, ...]]] = {network.pk: [] for network in networks}
    for row in rows:
        centres_of[row[0]].append(row[1:])
    suggestions = []
    for diagnosis in diagnoses:
        for network in networks:
            proposal = referral_proposal(
                status=diagnosis.prognosis_status,
                in_scope=icd10.in_any_range(diagnosis.icd10, network.scope_ranges),
            )
            if proposal not in wanted:
                continue
            ranked = []
            for row in centres_of[network.pk]:
                distance = None
                if patient.latitude is not None and patient.longitude is not None:
                    lat, lon = _position(row)
                    distance = geo.distance_km(patient.latitude, patient.longitude, lat, lon)
                ranked.append((distance, row))
            ranked.sort(key=lambda c: (c[0] is None, c[0] or 0))
            centres = [
                CentreSuggestion(_membership(row, rows.db), distance)
                for distance, row in ranked[:limit]
            ]
            suggestions.append(NetworkSuggestion(network, diagnosis, centres, proposal))
    return suggestions


_MEMBERSHIP_FIELDS = ("id", "role", "organisation_id")
_ORGANISATION_FIELDS = (
    "organisation__name",
    "organisation__short_name",
    "organisation__latitude",
    "organisation__longitude",
    "organisation__departement",
)


def _position(row: tuple[Any, ...]) -> tuple[float, float]:
    """``Organisation.position`` from a row of ``network_suggestions``."""
    latitude, longitude, departement = row[-3:]
    if latitude is not None and longitude is not None:
        return latitude, longitude
    dep = departements()[departement]
    return dep.latitude, dep.longitude


def _membership(row: tuple[Any, ...], db: str) -> NetworkMembership:
    """A membership and its organisation from a row of ``network_suggestions``, as ``.only()``
    would give them: the other columns are deferred (read from the database if ever used)."""
    membership_id, role, organisation_id, *organisation = row
    membership = _from_values(
        NetworkMembership,
        db,
        {"id": membership_id, "role": role, "organisation_id": organisation_id},
    )
    names = (name.removeprefix("organisation__") for name in _ORGANISATION_FIELDS)
    membership.organisation = _from_values(
        Organisation, db, {"id": organisation_id, **dict(zip(names, organisation, strict=True))}
    )
    return membership


def _from_values(model: Any, db: str, values: dict[str, Any]) -> Any:
    """``model.from_db`` (what a query gives) for these columns, the others deferred."""
    fields = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(db, fields, [values[name] for name in fields])


def audit_events_for_patient(*, access: PatientAccess) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(patient_id=access.patient.pk).order_by("-at", "-id")


def treatments_in_progress(
    patient_id: Any, day: dt.date | None = None, *, ended_within_days: int = 0
) -> list[TreatmentCourse]:
    """Anticancer treatments in course on ``day`` (today by default), latest started first; with
    ``ended_within_days``, also those that ended that many days before ``day`` or less."""
    day = day or timezone.localdate()
    since = day - dt.timedelta(days=ended_within_days)
    return list(
        TreatmentCourse.objects.filter(patient_id=patient_id, started_on__lte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=since))
        .order_by("-started_on")
    )


@dataclass
class CorrectionRow:
    field: str
    previous: str
    new: str
    reason: str
    by: str
    at: Any


def identity_corrections(patient: Patient, limit: int = 50) -> list[CorrectionRow]:
    """The rectification trail of the patient's identity, latest first."""
    from .models import IdentityCorrection

    # Plain values (issue 19): the rows with their author (every column of the user) as model
    # instances cost the record ~0.3 ms, for a list that is most often empty.
    rows = IdentityCorrection.objects.filter(patient=patient).values_list(
        "field",
        "previous_value",
        "new_value",
        "reason",
        "corrected_by__first_name",
        "corrected_by__last_name",
        "corrected_by__username",
        "corrected_at",
    )
    return [
        CorrectionRow(
            field=Patient.field_label(field),
            previous=previous,
            new=new,
            reason=reason,
            # ``User.get_full_name()``, else the login
            by=f"{first_name} {last_name}".strip() or username,
            at=at,
        )
        for field, previous, new, reason, first_name, last_name, username, at in rows[:limit]
    ]


@dataclass(frozen=True)
class Homonyms:
    """Existing patients with the same birth name, first first-name and birth date: those the
    user may see, and how many others exist in care teams the user is not part of."""

    visible: list[Patient]
    elsewhere: int

    def __bool__(self) -> bool:
        return bool(self.visible) or self.elsewhere > 0


def identity_homonyms(*, user: User, patient: Patient) -> Homonyms:
    """Possible duplicates of ``patient`` (not saved yet, or being edited) among all patients:
    born the same day (indexed, one query) with a family name and a first name starting alike
    (``rules.identity.may_be_the_same_person``); only the ones in the user's care teams are
    returned, the others are only counted."""
    from .identity import homonym_names
    from .rules.identity import may_be_the_same_person

    names = homonym_names(patient)
    candidates = Patient.objects.filter(birth_date=patient.birth_date).exclude(pk=patient.pk)
    fields = ("id", "birth_last_name", "first_names", "used_last_name", "used_first_name")
    same = [
        p.pk for p in candidates.only(*fields) if may_be_the_same_person(names, homonym_names(p))
    ]
    if not same:
        return Homonyms(visible=[], elsewhere=0)
    visible = list(patients_for_user(user).filter(pk__in=same).order_by("sort_name", "id"))
    return Homonyms(visible=visible, elsewhere=len(same) - len(visible))


def homonyms_shown(*, user: User, homonyms: Homonyms) -> None:
    """Audit the display of homonyms in a warning (a read of those records). Called by the view
    once the refused write has been rolled back, so the audit events stay."""
    for shown in homonyms.visible:
        audit_record(
            actor=user,
            action=AuditAction.VIEW,
            patient_id=shown.pk,
            obj=shown,
            details={"what": "homonym warning"},
        )
