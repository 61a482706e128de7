"""The Server-Timing header load drills read: off unless asked for, then the server's time."""

import re

import pytest


@pytest.mark.django_db
def test_no_server_timing_header_unless_asked_for(clinician_client):
    assert "Server-Timing" not in clinician_client.get("/")


@pytest.mark.django_db
def test_server_timing_gives_the_time_spent_on_the_request(clinician_client, settings):
    settings.SERVER_TIMING = True
    header = clinician_client.get("/")["Server-Timing"]
    match = re.fullmatch(r"app;dur=([0-9]+\.[0-9])", header)
    assert match is not None, header
    assert float(match.group(1)) > 0
