"""Reads of the referential (not patient data: visible to every logged-in professional)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from . import referential
from .models import (
    EXPIRY_WARNING_DAYS,
    AdditionalSpecialty,
    Capability,
    Network,
    NetworkMembership,
    Organisation,
    OrganisationMembership,
    Professional,
    ProfessionalQualification,
)
from .rules import geo
from .rules.dates import add_months


def organisation_search(
    *, query: str = "", kind: str = "", region: str = ""
) -> QuerySet[Organisation]:
    organisations = Organisation.objects.filter(is_active=True).select_related("parent")
    if query:
        organisations = organisations.filter(
            Q(name__icontains=query)
            | Q(short_name__icontains=query)
            | Q(city__icontains=query)
            | Q(finess__startswith=query.replace(" ", ""))
        )
    if kind:
        organisations = organisations.filter(kind=kind)
    if region:
        organisations = organisations.filter(region=region)
    return organisations.order_by("name", "id")


def organisation_detail(organisation_id: uuid.UUID) -> Organisation:
    return get_object_or_404(
        Organisation.objects.select_related("parent").prefetch_related(
            Prefetch("capabilities", queryset=Capability.objects.select_related("issuer")),
            Prefetch(
                "network_memberships", queryset=NetworkMembership.objects.select_related("network")
            ),
            "units",
        ),
        pk=organisation_id,
    )


def organisation_staff(organisation: Organisation) -> QuerySet[OrganisationMembership]:
    today = timezone.localdate()
    return (
        OrganisationMembership.objects.filter(organisation=organisation, start__lte=today)
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .select_related("professional")
        .order_by("professional__last_name", "professional__first_name")
    )


def networks_overview() -> QuerySet[Network]:
    return Network.objects.annotate(
        pilots=Count("memberships", filter=Q(memberships__role="pilot")),
        experts=Count("memberships", filter=Q(memberships__role="expert")),
        members=Count("memberships"),
    ).order_by("kind", "code")


def network_detail(code: str) -> Network:
    return get_object_or_404(
        Network.objects.prefetch_related(
            Prefetch(
                "memberships",
                queryset=NetworkMembership.objects.select_related("organisation").order_by(
                    "role", "organisation__name"
                ),
            )
        ),
        code=code,
    )


@dataclass(frozen=True)
class MapPoint:
    membership: NetworkMembership
    x: float
    y: float


def network_map_points(network: Network) -> list[MapPoint]:
    points = []
    for membership in network.memberships.all():
        lat, lon = membership.organisation.position
        frame = geo.frame_for(lat, lon)
        if frame is None:
            continue
        x, y = frame.project(lat, lon)
        points.append(MapPoint(membership, x, y))
    return points


def professional_search(
    *,
    query: str = "",
    profession: str = "",
    specialty: str = "",
    organisation_id: uuid.UUID | None = None,
) -> QuerySet[Professional]:
    professionals = Professional.objects.filter(is_active=True)
    for token in query.split():
        professionals = professionals.filter(
            Q(last_name__icontains=token)
            | Q(first_name__icontains=token)
            | Q(rpps__startswith=token)
        )
    if profession:
        professionals = professionals.filter(profession=profession)
    if specialty:
        professionals = professionals.filter(
            Q(specialty=specialty)
            | Exists(
                AdditionalSpecialty.objects.filter(professional=OuterRef("pk"), specialty=specialty)
            )
        )
    if organisation_id:
        professionals = professionals.filter(
            memberships__organisation_id=organisation_id
        ).distinct()
    return professionals.prefetch_related(
        Prefetch(
            "memberships", queryset=OrganisationMembership.objects.select_related("organisation")
        ),
        "additional_specialties",
    ).order_by("last_name", "first_name", "id")


def professional_detail(professional_id: uuid.UUID) -> Professional:
    return get_object_or_404(
        Professional.objects.prefetch_related(
            Prefetch(
                "memberships",
                queryset=OrganisationMembership.objects.select_related("organisation"),
            ),
            Prefetch(
                "qualifications",
                queryset=ProfessionalQualification.objects.select_related("qualification"),
            ),
            Prefetch(
                "additional_specialties",
                queryset=AdditionalSpecialty.objects.select_related("recorded_by"),
            ),
        ),
        pk=professional_id,
    )


def expiring_capabilities(
    *, organisation_ids: list[uuid.UUID] | None = None, within_days: int = EXPIRY_WARNING_DAYS
) -> QuerySet[Capability]:
    """Capabilities whose validity ends within the warning window (or ended lately); for the
    kinds with an accreditation cycle (JACIE), the cycle's windows: renewal due, and the interim
    audit due or overdue while it is not recorded."""
    today = timezone.localdate()
    cycles = referential.accreditation_cycles()
    recently = today - dt.timedelta(days=within_days)
    due = Q(
        valid_until__isnull=False,
        valid_until__lte=today + dt.timedelta(days=within_days),
        valid_until__gte=recently,
    ) & ~Q(kind__in=list(cycles))
    for kind, cycle in cycles.items():
        due |= Q(
            kind=kind,
            valid_until__lte=today + dt.timedelta(days=cycle.renewal_warning_days),
            valid_until__gte=recently,
        )
        if cycle.interim_audit_months is not None:
            # Interim audit due on valid_from + N months: announced W days ahead.
            announced_from = add_months(
                today + dt.timedelta(days=cycle.interim_audit_warning_days),
                -cycle.interim_audit_months,
            )
            due |= Q(
                kind=kind,
                interim_audit_on__isnull=True,
                valid_from__lte=announced_from,
                valid_until__gte=today,
            )
    capabilities = Capability.objects.filter(due).select_related("organisation")
    if organisation_ids is not None:
        capabilities = capabilities.filter(organisation_id__in=organisation_ids)
    return capabilities.order_by("valid_until")


def expiring_qualifications(
    *, professional_ids: list[uuid.UUID] | None = None, within_days: int = EXPIRY_WARNING_DAYS
) -> QuerySet[ProfessionalQualification]:
    today = timezone.localdate()
    held = ProfessionalQualification.objects.filter(
        expires_on__isnull=False,
        expires_on__lte=today + dt.timedelta(days=within_days),
        expires_on__gte=today - dt.timedelta(days=within_days),
    ).select_related("professional", "qualification")
    if professional_ids is not None:
        held = held.filter(professional_id__in=professional_ids)
    return held.order_by("expires_on")


def staff_of_organisations(organisation_ids: list[uuid.UUID]) -> QuerySet[OrganisationMembership]:
    today = timezone.localdate()
    return OrganisationMembership.objects.filter(
        organisation_id__in=organisation_ids, start__lte=today
    ).filter(Q(end__isnull=True) | Q(end__gte=today))


def organisations_of(professional: Professional) -> list[uuid.UUID]:
    today = timezone.localdate()
    return list(
        OrganisationMembership.objects.filter(professional=professional, start__lte=today)
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .values_list("organisation_id", flat=True)
    )
