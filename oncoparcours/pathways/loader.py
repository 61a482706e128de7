"""Loading pathway templates from versioned YAML files: all files are validated first, then all
new versions are stored in one transaction — or nothing is, and every problem is reported with
its file, its path inside the file and the reason."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from oncoparcours.directory.models import QualificationType
from oncoparcours.directory.referential import qualifications_file

from . import criteria
from .models import PathwayTemplate
from .rules import schema

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class LoadProblem:
    file: str
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path or '(file)'}: {self.reason}"


@dataclass
class LoadReport:
    loaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


class TemplatesRefused(Exception):
    def __init__(self, problems: list[LoadProblem]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


def checksum(definition: dict[str, Any]) -> str:
    canonical = json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def known_qualifications() -> set[str]:
    codes = {row["code"] for row in qualifications_file()["qualifications"]}
    return codes | set(QualificationType.objects.values_list("code", flat=True))


def parse_file(path: Path) -> tuple[dict[str, Any] | None, list[LoadProblem]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        return None, [
            LoadProblem(path.name, where, f"not valid YAML: {getattr(error, 'problem', error)}")
        ]
    except (OSError, UnicodeDecodeError) as error:
        return None, [LoadProblem(path.name, "", f"cannot be read: {error}")]
    problems = schema.validate(
        data, qualifications=known_qualifications(), checks=criteria.check_names()
    )
    return data, [LoadProblem(path.name, p.path, p.reason) for p in problems]


def load_templates(files: list[Path] | None = None) -> LoadReport:
    files = sorted(files if files is not None else TEMPLATE_DIR.glob("*.yaml"))
    problems: list[LoadProblem] = []
    parsed: list[tuple[Path, dict[str, Any]]] = []
    seen: dict[tuple[str, int], str] = {}
    for path in files:
        data, file_problems = parse_file(path)
        problems.extend(file_problems)
        if data is None or file_problems:
            continue
        key = (data["id"], data["version"])
        if key in seen:
            problems.append(
                LoadProblem(
                    path.name, "version", f"{key[0]} v{key[1]} is also defined in {seen[key]}"
                )
            )
        seen[key] = path.name
        parsed.append((path, data))
    existing = {
        (t.code, t.version): t
        for t in PathwayTemplate.objects.filter(code__in={data["id"] for _p, data in parsed})
    }
    for path, data in parsed:
        stored = existing.get((data["id"], data["version"]))
        if stored is not None and stored.checksum != checksum(data):
            problems.append(
                LoadProblem(
                    path.name,
                    "version",
                    f"{data['id']} v{data['version']} is already loaded with other content: "
                    f"give the changed template a new version (instances keep theirs)",
                )
            )
    if problems:
        raise TemplatesRefused(problems)
    report = LoadReport()
    with transaction.atomic():
        for path, data in parsed:
            label = f"{data['id']} v{data['version']}"
            if (data["id"], data["version"]) in existing:
                report.unchanged.append(label)
                continue
            PathwayTemplate.objects.create(
                code=data["id"],
                version=data["version"],
                title_fr=data["title"]["fr"],
                title_en=data["title"]["en"],
                source_document=data["source"]["document"],
                definition=data,
                checksum=checksum(data),
                file_name=path.name,
                is_latest=False,
            )
            report.loaded.append(label)
        for code in {data["id"] for _p, data in parsed}:
            latest = PathwayTemplate.objects.filter(code=code).order_by("-version").first()
            if latest is None:
                continue
            PathwayTemplate.objects.filter(code=code, is_latest=True).exclude(pk=latest.pk).update(
                is_latest=False
            )
            if not latest.is_latest:
                PathwayTemplate.objects.filter(pk=latest.pk).update(is_latest=True)
    return report
