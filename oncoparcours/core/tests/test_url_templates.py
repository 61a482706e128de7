import uuid

from django.urls import reverse, set_script_prefix

from oncoparcours.core.url_templates import UrlTemplate


def test_a_url_template_gives_what_reverse_gives():
    patient, instance, activity = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    done = UrlTemplate(
        "pathways:activity_action", "patient_id", "instance_id", "activity_id", action="done"
    )
    assert done(patient_id=patient, instance_id=instance, activity_id=activity) == reverse(
        "pathways:activity_action", args=[patient, instance, activity, "done"]
    )
    record = UrlTemplate("patients:detail", "patient_id")
    # One template serves every row.
    for other in (patient, uuid.uuid4()):
        assert record(patient_id=other) == reverse("patients:detail", args=[other])


def test_a_url_template_keeps_the_script_prefix_of_the_request():
    patient = uuid.uuid4()
    set_script_prefix("/oncoparcours/")
    try:
        url = UrlTemplate("patients:detail", "patient_id")(patient_id=patient)
        assert url == reverse("patients:detail", args=[patient])
        assert url.startswith("/oncoparcours/patients/")
    finally:
        set_script_prefix("/")
