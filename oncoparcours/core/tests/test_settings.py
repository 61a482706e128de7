import os
import subprocess
import sys


def run_settings(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; from django.conf import settings; "
            "django.setup(); print(settings.DEBUG, settings.SESSION_COOKIE_SECURE, "
            "settings.SECURE_HSTS_SECONDS)",
        ],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "oncoparcours.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    env = {"ONCOPARCOURS_ENV": "prod", "SECRET_KEY": "", "ALLOWED_HOSTS": "example.org"}
    result = run_settings(env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


LEDGER_KEYS = "k1:" + "A" * 44


def test_production_refuses_to_start_without_a_ledger_key():
    env = {
        "ONCOPARCOURS_ENV": "prod",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "example.org",
        "ONCOPARCOURS_PSEUDONYM_KEY": "p" * 40,
        "ONCOPARCOURS_LEDGER_KEYS": "",
        "ONCOPARCOURS_LEDGER_KEY_FILE": "",
    }
    result = run_settings(env)
    assert result.returncode != 0
    assert "ONCOPARCOURS_LEDGER_KEYS or ONCOPARCOURS_LEDGER_KEY_FILE must be set" in result.stderr


def test_production_profile_is_hardened():
    env = {
        "ONCOPARCOURS_ENV": "prod",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "example.org",
        "ONCOPARCOURS_LEDGER_KEYS": LEDGER_KEYS,
        "ONCOPARCOURS_PSEUDONYM_KEY": "p" * 40,
    }
    result = run_settings(env)
    assert result.returncode == 0, result.stderr
    debug, secure_cookie, hsts = result.stdout.split()
    assert (debug, secure_cookie) == ("False", "True")
    assert int(hsts) >= 31536000


def test_invalid_boolean_is_a_clear_error():
    result = run_settings({"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_models_and_migrations_agree(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_the_default_database_directory_is_created(tmp_path):
    data_dir = tmp_path / "fresh" / "var"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; from django.conf import settings; django.setup(); "
            "print(settings.DATABASES['default']['NAME'])",
        ],
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "oncoparcours.settings",
            "ONCOPARCOURS_DATA_DIR": str(data_dir),
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert data_dir.is_dir()
    assert result.stdout.strip() == str(data_dir / "oncoparcours.sqlite3")


def test_debug_is_off_by_default_and_on_only_when_asked():
    clean = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    default = subprocess.run(
        [sys.executable, "-c", "import django; from django.conf import settings; "
         "django.setup(); print(settings.DEBUG)"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "oncoparcours.settings"},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert default.stdout.strip() == "False", default.stderr
    assert run_settings({"DEBUG": "1"}).stdout.split()[0] == "True"
