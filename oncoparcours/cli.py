"""The ``oncoparcours`` console script: Django's manage.py plus the project's own commands
(``demo``, ``worker``, ``serve``, ``import_referential``, ...)."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oncoparcours.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["oncoparcours", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
