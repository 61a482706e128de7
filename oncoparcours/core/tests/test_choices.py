import pytest
from django.utils import translation

from oncoparcours.core.choices import display
from oncoparcours.patients.models import CareTeamMember, ConsentRecord, TreatmentCourse

FIELDS = [
    (CareTeamMember, "role"),
    (ConsentRecord, "kind"),
    (ConsentRecord, "scope"),
    (ConsentRecord, "decision"),
    (TreatmentCourse, "kind"),
    (TreatmentCourse, "end_reason"),
]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(("model", "name"), FIELDS)
def test_display_gives_what_get_field_display_gives(model, name, language):
    field = model._meta.get_field(name)
    values = [value for value, _label in field.flatchoices] + ["not-a-choice", "", None]
    with translation.override(language):
        for value in values:
            instance = model(**{field.attname: value})
            expected = getattr(instance, f"get_{name}_display")()
            assert display(instance, name) == expected
            assert type(display(instance, name)) is type(expected)


def test_display_follows_the_active_language():
    """The labels are kept lazy: a label read once in English is French on a French page."""
    member = CareTeamMember(role="coordination_nurse")
    with translation.override("en"):
        assert display(member, "role") == "Coordination nurse (IDEC)"
    with translation.override("fr"):
        assert display(member, "role") == member.get_role_display()
