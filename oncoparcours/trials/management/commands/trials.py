"""``oncoparcours trials import-ctgov FILE | import-ctml FILE | export-ctml NCT | rematch``: fill
the registry from ClinicalTrials.gov API v2 JSON or CTML YAML (all-or-nothing per file; every bad
record named), print a trial as CTML (unsupported criteria refused by name), or match every
patient again against the open arms (after a change of the matching rules is deployed: the
stored matches and the network worklist are rewritten, and the referring physicians are told
of each change)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from oncoparcours.core.errors import ApplicationError
from oncoparcours.trials import services
from oncoparcours.trials.models import Trial


class Command(BaseCommand):
    help = "Import trials (ClinicalTrials.gov JSON, CTML YAML) or export a trial as CTML."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action", choices=["import-ctgov", "import-ctml", "export-ctml", "rematch"]
        )
        parser.add_argument(
            "target", nargs="?", default="", help="a file to import, or an NCT number to export"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action, target = options["action"], options["target"]
        if action == "rematch":
            from oncoparcours.trials.matching_services import patients_rematch

            changes = patients_rematch(actor=None)
            self.stdout.write(
                _("Every patient matched again: %(count)s match(es) changed.")
                % {"count": len(changes)}
            )
            return
        try:
            if action == "export-ctml":
                trial = Trial.objects.filter(nct_id=target.strip().upper()).first()
                if trial is None:
                    raise CommandError(
                        _("No trial with the NCT number %(value)s in the registry.")
                        % {"value": repr(target)}
                    )
                self.stdout.write(services.trial_export_ctml(trial=trial))
                return
            path = Path(target)
            if not path.is_file():
                raise CommandError(_("No file %(path)s.") % {"path": repr(target)})
            try:
                content = path.read_text(encoding="utf-8-sig")
            except UnicodeDecodeError as error:
                raise CommandError(
                    _("The file is not text in UTF-8: a JSON or YAML export is expected.")
                ) from error
            importer = (
                services.trials_import_ctgov
                if action == "import-ctgov"
                else services.trials_import_ctml
            )
            trials = importer(actor=None, content=content)
        except ApplicationError as error:
            raise CommandError(str(error)) from error
        for trial in trials:
            self.stdout.write(
                _("%(trial)s: %(arms)s arm(s), %(sites)s French site(s) — %(title)s")
                % {
                    "trial": trial.identifier,
                    "arms": trial.arms.count(),
                    "sites": trial.sites.count(),
                    "title": trial.title,
                }
            )
