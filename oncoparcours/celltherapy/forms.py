"""Forms of cell therapy: order, lifecycle step with its custody details, custody event,
bedside confirmation, tocilizumab reservation, benefit–risk decision, CRS/ICANS administrations,
tank reading, excursion acknowledgement, EFS booking (with the haemoglobin of gated procedures)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oncoparcours.boards.models import Decision
from oncoparcours.core.number_fields import FrenchDecimalField, FrenchFloatField
from oncoparcours.directory.models import CARE_SITE_KINDS, Organisation, OrganisationKind
from oncoparcours.patients.models import Patient

from . import catalogue
from .models import (
    BedUnit,
    BookingStatus,
    CarTOrder,
    CustodyKind,
    Machine,
    OrderState,
    Tank,
    TreatmentDrug,
    TreatmentIndication,
    TreatmentRoute,
)
from .rules.safety import recommends_car_t
from .services.custody import CustodyDetails

TEXTAREA = forms.Textarea(attrs={"rows": 2})


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _model_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    return cast(forms.ModelChoiceField, form.fields[name])


def _choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


class DecisionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        when = timezone.localtime(obj.validated_at)
        return f"{obj.case.board} — {when:%d/%m/%Y} — {obj.proposal[:80]}"


def car_t_decisions(patient: Patient) -> Any:
    """The patient's validated board decisions that recommend CAR-T cells, current versions."""
    decisions = Decision.objects.filter(case__patient=patient, amended_by__isnull=True)
    return [d.pk for d in decisions.only("pk", "modalities") if recommends_car_t(d.modalities)]


class OrderForm(forms.Form):
    product = forms.ChoiceField(label=_("Product"))
    indication = forms.CharField(label=_("Indication"), max_length=200)
    decision = DecisionChoiceField(
        label=_("Tumour board decision recommending CAR-T cells"),
        queryset=Decision.objects.none(),
        required=False,
        empty_label=_("— choose —"),
        help_text=_(
            "Validated decisions of the patient's boards whose modalities include CAR-T cell "
            "therapy (current version)."
        ),
    )
    eligibility = forms.MultipleChoiceField(
        label=_("Eligibility checklist"), widget=forms.CheckboxSelectMultiple, required=False
    )
    manufacturer_reference = forms.CharField(label=_("Manufacturer order reference"), max_length=60)
    coi = forms.CharField(
        label=_("Chain of identity (COI)"),
        max_length=40,
        required=False,
        help_text=_("Leave empty to have one assigned; type it when the manufacturer assigns it."),
    )
    din = forms.CharField(
        label=_("ISBT 128 donation number (DIN)"),
        max_length=20,
        required=False,
        help_text=_("Optional; checked with its check character (ISO/IEC 7064 mod 37-2)."),
    )
    treating_centre = forms.ModelChoiceField(
        label=_("Treating centre"), queryset=Organisation.objects.none()
    )
    pharmacy = forms.ModelChoiceField(
        label=_("Hospital pharmacy (PUI)"), queryset=Organisation.objects.none()
    )
    efs_centre = forms.ModelChoiceField(
        label=_("EFS care centre (apheresis)"), queryset=Organisation.objects.none()
    )

    def __init__(self, *args: Any, patient: Patient, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "product").choices = [("", "—")] + [
            (p.code, f"{p} — {p.manufacturer}") for p in catalogue.products()
        ]
        _choice_field(self, "eligibility").choices = catalogue.eligibility_items()
        _model_field(self, "decision").queryset = (
            Decision.objects.filter(pk__in=car_t_decisions(patient))
            .select_related("case__board")
            .order_by("-validated_at")
        )
        active = Organisation.objects.filter(is_active=True).order_by("name")
        _model_field(self, "treating_centre").queryset = active.filter(kind__in=CARE_SITE_KINDS)
        _model_field(self, "pharmacy").queryset = active.filter(kind=OrganisationKind.PUI)
        _model_field(self, "efs_centre").queryset = active.filter(
            kind=OrganisationKind.EFS_CARE_CENTRE
        )


class CustodyFieldsMixin(forms.Form):
    at = forms.DateTimeField(
        label=_("Time"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Empty: now."),
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    container = forms.CharField(label=_("Container / shipper id"), max_length=60, required=False)
    seal = forms.CharField(label=_("Seal number"), max_length=60, required=False)
    temperature_c = FrenchFloatField(label=_("Temperature (°C)"), required=False)
    logger = forms.CharField(label=_("Temperature logger reference"), max_length=60, required=False)
    note = forms.CharField(label=_("Note"), widget=TEXTAREA, required=False, max_length=1000)

    def custody_details(self) -> CustodyDetails:
        data = self.cleaned_data
        return CustodyDetails(
            at=_aware(data.get("at")),
            place=data.get("place", ""),
            container=data.get("container", ""),
            seal=data.get("seal", ""),
            temperature_c=data.get("temperature_c"),
            logger=data.get("logger", ""),
            note=data.get("note", ""),
        )


class TransitionForm(CustodyFieldsMixin):
    to = forms.ChoiceField(label=_("Step"), choices=OrderState.choices, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(label=_("Reason"), widget=TEXTAREA, required=False, max_length=1000)
    tank = forms.ModelChoiceField(label=_("Tank"), queryset=Tank.objects.none(), required=False)
    position = forms.CharField(label=_("Position"), max_length=12, required=False)

    field_order = ["to", "version", "tank", "position", "at", "place", "container", "seal"]

    def __init__(self, *args: Any, pharmacy_id: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_field(self, "tank").queryset = Tank.objects.filter(
            organisation_id=pharmacy_id, active=True
        )


class CustodyEventForm(CustodyFieldsMixin):
    kind = forms.ChoiceField(
        label=_("Event"),
        choices=[
            (CustodyKind.INSPECTION, CustodyKind.INSPECTION.label),
            (CustodyKind.HANDOVER, CustodyKind.HANDOVER.label),
            (CustodyKind.CRYOPRESERVED, CustodyKind.CRYOPRESERVED.label),
        ],
        help_text=_(
            "Cryopreservation: by the cell-therapy unit that holds the apheresis material; give "
            "the place (unit, freezer) and the storage temperature."
        ),
    )
    holder = forms.CharField(
        label=_("Handed to"),
        max_length=200,
        required=False,
        help_text=_("For a handover: who receives the product."),
    )
    organisation = forms.ModelChoiceField(
        label=_("Recorded for"), queryset=Organisation.objects.none(), required=False
    )
    field_order = ["kind", "organisation", "holder"]

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisations is not None:
            _model_field(self, "organisation").queryset = organisations


class BedsideForm(forms.Form):
    identity_confirmed = forms.BooleanField(
        label=_(
            "I have checked the patient's identity (name, first names, birth date) with the "
            "patient and the wristband."
        ),
        required=False,
    )
    scanned_coi = forms.CharField(
        label=_("COI scanned or typed from the bag"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ReadingForm(forms.Form):
    temperature_c = FrenchFloatField(label=_("Temperature (°C)"))
    at = forms.DateTimeField(
        label=_("Time"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    source = forms.CharField(label=_("Source (probe, logger)"), max_length=60, required=False)

    def clean_at(self) -> dt.datetime | None:
        return _aware(self.cleaned_data.get("at"))


class AcknowledgeForm(forms.Form):
    action_taken = forms.CharField(label=_("Action taken"), widget=TEXTAREA, max_length=1000)


class OrderFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All")), ("active", _("In progress")), *OrderState.choices],
    )
    manufacturer = forms.ChoiceField(label=_("Manufacturer"), required=False)
    q = forms.CharField(label=_("COI or reference"), required=False, max_length=60)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "manufacturer").choices = [("", _("All"))] + [
            (m, m) for m in catalogue.manufacturers()
        ]


class HaemoglobinFieldsMixin(forms.Form):
    haemoglobin_g_dl = FrenchDecimalField(
        label=_("Haemoglobin (g/dL)"),
        required=False,
        max_digits=4,
        decimal_places=1,
        help_text=_("Phlebotomy: no session at or below 11 g/dL (HAS 2005)."),
    )
    haemoglobin_on = forms.DateField(
        label=_("Haemoglobin measured on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class BookingRequestForm(HaemoglobinFieldsMixin):
    centre = forms.ModelChoiceField(
        label=_("EFS care centre"), queryset=Organisation.objects.none()
    )
    procedure = forms.ChoiceField(label=_("Procedure"))
    wanted_from = forms.DateField(
        label=_("Wanted from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    wanted_until = forms.DateField(
        label=_("Wanted until"), widget=forms.DateInput(attrs={"type": "date"})
    )
    mobile_site = forms.ModelChoiceField(
        label=_("Mobile session at (patient cannot travel)"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("— no: the patient comes to the centre —"),
    )
    order = forms.ModelChoiceField(
        label=_("CAR-T order (leukapheresis)"), queryset=CarTOrder.objects.none(), required=False
    )
    note = forms.CharField(label=_("Note"), widget=TEXTAREA, required=False, max_length=1000)

    def __init__(self, *args: Any, patient: Patient, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        active = Organisation.objects.filter(is_active=True).order_by("name")
        _model_field(self, "centre").queryset = active.filter(kind=OrganisationKind.EFS_CARE_CENTRE)
        _model_field(self, "mobile_site").queryset = active.filter(
            kind__in=[
                OrganisationKind.CHU,
                OrganisationKind.CLCC,
                OrganisationKind.CH,
                OrganisationKind.PRIVATE_CLINIC,
            ]
        )
        _choice_field(self, "procedure").choices = [("", "—")] + [
            (p.code, p.label) for p in catalogue.procedures()
        ]
        _model_field(self, "order").queryset = CarTOrder.objects.filter(
            patient=patient, state="qualified"
        )


class ScheduleForm(HaemoglobinFieldsMixin):
    machine = forms.ModelChoiceField(label=_("Machine"), queryset=Machine.objects.none())
    starts_at = forms.DateTimeField(
        label=_("Start"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, centre: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_field(self, "machine").queryset = Machine.objects.filter(centre=centre, active=True)

    def clean_starts_at(self) -> dt.datetime | None:
        return _aware(self.cleaned_data.get("starts_at"))


class BookingCloseForm(HaemoglobinFieldsMixin):
    status = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (BookingStatus.DONE, BookingStatus.DONE.label),
            (BookingStatus.DECLINED, BookingStatus.DECLINED.label),
            (BookingStatus.CANCELLED, BookingStatus.CANCELLED.label),
        ],
    )
    reason = forms.CharField(label=_("Reason"), widget=TEXTAREA, required=False, max_length=1000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class TocilizumabForm(forms.Form):
    doses_reserved = forms.IntegerField(
        label=_("Tocilizumab doses reserved on site for this patient"), min_value=0, max_value=20
    )
    further_dose_access = forms.BooleanField(
        label=_("A further dose can be obtained within the label's delay"), required=False
    )
    note = forms.CharField(label=_("Note (batch, place)"), max_length=200, required=False)


class BenefitRiskForm(forms.Form):
    deviation = forms.CharField(
        label=_("What is out of specification"),
        widget=TEXTAREA,
        max_length=2000,
        help_text=_("As the manufacturer's certificate or the bedside check states it."),
    )
    rationale = forms.CharField(
        label=_("Benefit–risk assessment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )
    patient_informed = forms.BooleanField(
        label=_("The patient was informed of the deviation and agrees to the infusion"),
        required=False,
    )
    patient_informed_on = forms.DateField(
        label=_("Patient informed on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class CountersignForm(forms.Form):
    countersign = forms.BooleanField(
        label=_("I have read the decision and countersign it as the pharmacist"), required=True
    )


UNIT_CHOICES = [("mg", "mg"), ("mg/kg", "mg/kg")]


class TreatmentForm(forms.Form):
    drug = forms.ChoiceField(label=_("Drug"), choices=TreatmentDrug.choices)
    dose = FrenchDecimalField(label=_("Dose"), max_digits=7, decimal_places=2)
    unit = forms.ChoiceField(label=_("Unit"), choices=UNIT_CHOICES)
    route = forms.ChoiceField(label=_("Route"), choices=TreatmentRoute.choices)
    given_at = forms.DateTimeField(
        label=_("Given at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    indication = forms.ChoiceField(label=_("Indication"), choices=TreatmentIndication.choices)
    grade = forms.TypedChoiceField(
        label=_("Grade (ASTCT 2019)"),
        coerce=int,
        choices=[(g, str(g)) for g in (1, 2, 3, 4)],
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean_given_at(self) -> dt.datetime | None:
        return _aware(self.cleaned_data.get("given_at"))


class EnteredInErrorForm(forms.Form):
    treatment = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why this entry is wrong"), max_length=300)


class BedRequestForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Intensive care unit"), queryset=BedUnit.objects.none(), empty_label=None
    )
    first_day = forms.DateField(
        label=_("Planned infusion day"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, units: list[BedUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_field(self, "unit").queryset = BedUnit.objects.filter(pk__in=[u.pk for u in units])


class InfusionDateForm(forms.Form):
    planned_infusion_on = forms.DateField(
        label=_("Planned infusion"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty to clear the date."),
    )


class ReservationMoveForm(forms.Form):
    to = forms.ChoiceField(
        choices=[
            ("confirmed", _("Confirm")),
            ("refused", _("Refuse")),
            ("released", _("Release")),
            ("cancelled", _("Cancel")),
        ]
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
