"""The production profile: refuses to start without its own pseudonymisation key, and
``oncoparcours check --deploy`` is clean once the required secrets are set."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys


def _run(args: list[str], env: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    # The test process may carry variables of other tests (DJANGO_ALLOW_ASYNC_UNSAFE for the
    # browser tests): the production process gets a clean environment.
    leaks = {"DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in leaks}
    return subprocess.run(
        [sys.executable, "-c", "from oncoparcours.cli import main; main()", *args],
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "oncoparcours.settings",
            "ONCOPARCOURS_DATA_DIR": str(tmp_path),
            "ONCOPARCOURS_ENV": "prod",
            "ALLOWED_HOSTS": "oncoparcours.example.org",
            **env,
        },
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def _secrets() -> dict[str, str]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ONCOPARCOURS_PSEUDONYM_KEY": secrets.token_urlsafe(40),
        "ONCOPARCOURS_LEDGER_KEYS": "k1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
    }


def test_production_refuses_to_start_without_a_pseudonym_key(tmp_path):
    result = _run(["check"], {**_secrets(), "ONCOPARCOURS_PSEUDONYM_KEY": ""}, tmp_path)
    assert result.returncode != 0
    assert "ONCOPARCOURS_PSEUDONYM_KEY must be set in production" in result.stderr


def test_production_refuses_the_secret_key_as_pseudonym_key(tmp_path):
    keys = _secrets()
    result = _run(["check"], {**keys, "ONCOPARCOURS_PSEUDONYM_KEY": keys["SECRET_KEY"]}, tmp_path)
    assert result.returncode != 0
    assert "differ from SECRET_KEY" in result.stderr


def test_check_deploy_is_clean_in_the_production_profile(tmp_path):
    result = _run(["check", "--deploy", "--fail-level", "WARNING"], _secrets(), tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." not in result.stderr  # one silenced
    assert "WARNINGS" not in result.stdout + result.stderr
    assert "identified no issues" in result.stdout + result.stderr
