"""``oncoparcours triage evaluate FILE|-`` — grade assessments (JSON object or array) and print
the contract's JSON results; exit status 2 when any input is invalid.
``oncoparcours triage check VIGNETTES.json [--rule-set ID]`` — run a rule set on clinician-written
vignettes and report every disagreement; exit status 1 on any.
``oncoparcours triage load`` — store the rule-set files as draft versions (clinical governance)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from oncoparcours.monitoring import triage


class Command(BaseCommand):
    help = "Grade assessments, check vignettes, or load rule sets (see the triage contract)."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> Any:
        # Options may come before or after the file (`check --rule-set X FILE` too).
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.parse_args = parser.parse_intermixed_args  # type: ignore[method-assign]
        return parser

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["evaluate", "check", "load"])
        parser.add_argument("file", nargs="?", help="JSON file, or - for standard input")
        parser.add_argument(
            "--rule-set", default="default", help="rule set id or id@version (default: default)"
        )
        parser.add_argument("--language", default="fr", choices=["fr", "en"])

    def handle(
        self,
        *args: Any,
        action: str,
        file: str | None,
        rule_set: str,
        language: str,
        **options: Any,
    ) -> None:
        if action == "load":
            from oncoparcours.monitoring.services import rule_sets_load

            for label in rule_sets_load():
                self.stdout.write(f"loaded {label} (draft)")
            return
        if not file:
            raise CommandError(f"triage {action} needs a FILE (or - for standard input)")
        try:
            chosen = triage.load_rule_set(rule_set)
        except KeyError as error:
            raise CommandError(
                f"unknown rule set {rule_set!r} (shipped: {', '.join(triage.shipped_rule_sets())})"
            ) from error
        payload = self._read(file)
        if action == "evaluate":
            results = triage.evaluate(payload, chosen, language)
            self.stdout.write(json.dumps(results, ensure_ascii=False, indent=2))
            if any("error" in result for result in results):
                sys.exit(2)
            return
        base_dir = Path(file).resolve().parent if file != "-" else triage.VIGNETTE_DIR
        report = triage.check_vignettes(payload, chosen, base_dir=base_dir)
        for disagreement in report.disagreements:
            self.stdout.write(
                f"DISAGREE {disagreement['id']}: " + "; ".join(disagreement["problems"])
            )
        summary = (
            f"{report.checked} vignette(s) with {chosen.label}: "
            f"{len(report.disagreements)} disagreement(s)"
        )
        if report.disagreements:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))

    def _read(self, file: str) -> Any:
        try:
            text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from error
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            self.stdout.write(
                json.dumps(
                    [
                        {
                            "id": None,
                            "error": {
                                "field": "",
                                "message": f"not valid JSON (line {error.lineno}, "
                                f"column {error.colno}): {error.msg}",
                            },
                        }
                    ]
                )
            )
            sys.exit(2)
