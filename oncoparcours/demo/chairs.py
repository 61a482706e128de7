"""Demo chairs and apheresis machines (issue 18): the `idec` login's centre gets a day hospital of
chairs and the `efs` login's EFS care centre apheresis separators and phlebotomy chairs; today's
plans are built from the pathway activities and published. Appended last, with its own random
(it draws nothing before the existing steps)."""

from __future__ import annotations

import random

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from oncoparcours.celltherapy.models import Machine
from oncoparcours.celltherapy.services.machines import machine_link
from oncoparcours.core.models import User
from oncoparcours.directory.models import Organisation, OrganisationKind, OrganisationMembership
from oncoparcours.pathways.models import ActivityInstance
from oncoparcours.planning import chair_services, config
from oncoparcours.planning.chair_selectors import can_plan_chairs
from oncoparcours.planning.models import ChairCentre, Resource, ResourceKind


class ChairsDemo:
    def __init__(self, *, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(f"{seed}-chairs")

    @transaction.atomic
    def run(self) -> None:
        self._plan_for(("idec", False), ("efs", True))
        # Appended (cold pass): the `directeur` login's hospital gets its day hospital too, so
        # the menu's "Fauteuils et séparateurs" is not a dead end; its own random.
        self.rng = random.Random(f"{self.seed}-chairs-manager")
        self._plan_for(("directeur", False))

    def _plan_for(self, *logins: tuple[str, bool]) -> None:
        for username, efs in logins:
            user = User.objects.filter(username=username).first()
            if user is None:
                continue
            memberships = OrganisationMembership.objects.filter(
                professional__user=user
            ).select_related("organisation")
            if efs:
                memberships = memberships.filter(
                    organisation__kind=OrganisationKind.EFS_CARE_CENTRE
                )
            organisations = [m.organisation for m in memberships.order_by("organisation__name")]
            if not organisations:
                continue
            # The organisation with the most sessions today (the first one when none has).
            sessions = {
                row["organisation_id"]: row["n"]
                for row in ActivityInstance.objects.filter(
                    organisation__in=organisations,
                    day=timezone.localdate(),
                    kind__in=config.chair_session_kinds(),
                )
                .values("organisation_id")
                .annotate(n=Count("pk"))
            }
            organisation = max(organisations, key=lambda o: sessions.get(o.pk, 0))
            centre = self._centre(organisation, efs, user)
            if can_plan_chairs(user, centre):
                plan = chair_services.chair_plan_build(
                    actor=user, centre=centre, day=timezone.localdate(), seed=1
                )
                chair_services.chair_plan_publish(actor=user, plan=plan)

    def _centre(self, organisation: Organisation, efs: bool, user: User) -> ChairCentre:
        centre, created = ChairCentre.objects.get_or_create(
            organisation=organisation,
            defaults={
                "opens": 8 * 60,
                "closes": 18 * 60 if efs else 19 * 60,
                "nurses": 2 if efs else self.rng.choice([3, 4]),
                "starts_per_slot": 1 if efs else 2,
            },
        )
        if created:
            if efs:
                # the EFS machines' own names: a published plan places their bookings
                names = [(ResourceKind.APHERESIS, f"Spectra Optia {i}") for i in range(1, 4)]
                names += [(ResourceKind.CHAIR, f"Fauteuil saignée {i}") for i in range(1, 3)]
            else:
                count = self.rng.randint(10, 14)
                names = [(ResourceKind.CHAIR, f"Fauteuil {i}") for i in range(1, count + 1)]
            resources = Resource.objects.bulk_create(
                [Resource(centre=centre, kind=kind, name=name) for kind, name in names]
            )
            if efs:
                self._link_machines(organisation, resources, user)
        return centre

    def _link_machines(
        self, organisation: Organisation, resources: list[Resource], user: User
    ) -> None:
        """Each planned machine is the EFS machine made with it ("planned as")."""
        machines = {m.name: m for m in Machine.objects.filter(centre=organisation)}
        for resource in resources:
            machine = machines.get(resource.name)
            if machine is not None:
                machine_link(actor=user, machine=machine, resource=resource)
