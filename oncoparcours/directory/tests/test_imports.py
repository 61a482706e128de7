import pytest

from oncoparcours.core.models import AuditEvent
from oncoparcours.directory.imports import ImportRefused, import_organisations, import_professionals
from oncoparcours.directory.models import Organisation, Professional, ProfessionalQualification
from oncoparcours.testing.factories import valid_finess, valid_rpps

HEADER = "finess,name,kind,departement,postcode,city,latitude,longitude,parent_finess\n"


def test_a_valid_file_is_imported_with_parents_resolved(db):
    hospital, pharmacy = valid_finess("37"), valid_finess("37")
    content = HEADER + (
        f"{hospital},CHRU de Tours,chu,37,37044,Tours,47.38,0.70,\n"
        f"{pharmacy},PUI CHRU de Tours,pui,37,37044,Tours,47.38,0.70,{hospital}\n"
    )
    report = import_organisations(content=content.encode(), actor=None)
    assert (report.rows, report.created) == (2, 2)
    assert Organisation.objects.get(finess=pharmacy).parent.finess == hospital
    assert Organisation.objects.get(finess=hospital).region == "24"
    assert AuditEvent.objects.filter(action="import").count() == 1


def test_one_bad_line_means_nothing_is_imported_and_every_error_is_named(db):
    good, duplicate = valid_finess("69"), valid_finess("69")
    content = HEADER + (
        f"{good},Centre Léon Bérard,clcc,69,69008,Lyon,45.74,4.88,\n"
        "123456789,Mauvais FINESS,chu,69,69000,Lyon,,,\n"
        f"{duplicate},Doublon 1,ch,69,69000,Lyon,,,\n"
        f"{duplicate},Doublon 2,ch,69,69000,Lyon,,,\n"
        f"{valid_finess('75')},Genre inconnu,hospital,75,75001,Paris,,,\n"
        f"{valid_finess('75')},Mauvais CP,ch,75,69001,Paris,abc,2.3,\n"
        f"{valid_finess('75')},Sans parent,pui,75,75001,Paris,,,999999999\n"
    )
    with pytest.raises(ImportRefused) as refused:
        import_organisations(content=content, actor=None)
    errors = {(e.line, e.field) for e in refused.value.report.errors}
    assert (3, "finess") in errors  # wrong check digit
    assert (5, "finess") in errors  # same FINESS as line 4
    assert (6, "kind") in errors
    assert (7, "postcode") in errors and (7, "latitude") in errors
    assert (8, "parent_finess") in errors
    assert not any(line == 2 for line, _ in errors)
    assert Organisation.objects.count() == 0
    assert AuditEvent.objects.filter(action="import").count() == 0


def test_existing_finess_is_reported(db):
    finess = valid_finess("69")
    import_organisations(content=HEADER + f"{finess},A,ch,69,69000,Lyon,,,\n", actor=None)
    with pytest.raises(ImportRefused) as refused:
        import_organisations(content=HEADER + f"{finess},B,ch,69,69000,Lyon,,,\n", actor=None)
    assert [(e.line, e.field) for e in refused.value.report.errors] == [(2, "finess")]


def test_header_problems_are_reported_before_anything_else(db):
    with pytest.raises(ImportRefused) as refused:
        import_organisations(content="finess;nom;kind;departement\n1;2;3;4\n", actor=None)
    errors = [(e.line, e.field) for e in refused.value.report.errors]
    assert (1, "name") in errors and (1, "nom") in errors


def test_semicolon_files_with_bom_are_accepted(db):
    content = (
        "\ufeff"
        + HEADER.replace(",", ";")
        + f"{valid_finess('972')};CHU de Martinique;chu;972;97261;Fort-de-France;14.6;-61.06;\n"
    )
    report = import_organisations(content=content.encode("utf-8"), actor=None)
    assert report.created == 1
    assert Organisation.objects.get().time_zone == "America/Martinique"


def test_non_utf8_file_is_refused(db):
    with pytest.raises(ImportRefused) as refused:
        import_organisations(content=HEADER.encode("utf-16"), actor=None)
    assert refused.value.report.errors[0].field == "file"


def test_professionals_with_memberships_and_trainings(db, organisation):
    rpps = valid_rpps()
    content = (
        "rpps,last_name,first_name,profession,specialty,organisation_finess,function,qualifications\n"
        f"{rpps},Hoarau,Karine,nurse,liberal_nursing,{organisation.finess},IDEL,"
        "tpe_40h:2024-03-01|immunotherapy_initiation:2024-05-10\n"
    )
    report = import_professionals(content=content, actor=None)
    assert report.created == 1
    nurse = Professional.objects.get(rpps=rpps)
    assert nurse.memberships.get().organisation == organisation
    held = {
        q.qualification.code: q
        for q in ProfessionalQualification.objects.filter(professional=nurse)
    }
    assert held["tpe_40h"].expires_on is None
    assert str(held["immunotherapy_initiation"].expires_on) == "2027-05-10"  # 36 months


def test_professional_errors_name_line_and_field(db):
    content = (
        "rpps,last_name,first_name,profession,specialty,organisation_finess,qualifications\n"
        "12345678901,Durand,Luc,physician,medical_oncology,,\n"
        f"{valid_rpps()},Petit,Anne,nurse,medical_oncology,,\n"
        f"{valid_rpps()},Roux,Marc,physician,haematology,{valid_finess('69')},\n"
        f"{valid_rpps()},Blanc,Lea,nurse,liberal_nursing,,unknown_training:2024-01-01\n"
        f"{valid_rpps()},Noir,Eve,nurse,liberal_nursing,,tpe_40h:01/02/2024\n"
        ",Sans,Rpps,physician,haematology,,\n"
    )
    with pytest.raises(ImportRefused) as refused:
        import_professionals(content=content, actor=None)
    errors = {(e.line, e.field) for e in refused.value.report.errors}
    assert errors == {
        (2, "rpps"),
        (3, "specialty"),
        (4, "organisation_finess"),
        (5, "qualifications"),
        (6, "qualifications"),
        (7, "rpps"),
    }
    assert Professional.objects.count() == 0


def test_command_line_import_reports_lines_and_exits_non_zero(db, tmp_path, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    bad = tmp_path / "orgs.csv"
    bad.write_text(HEADER + "123456789,X,chu,69,69000,Lyon,,,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_referential", "organisations", str(bad))
    assert "orgs.csv:2: finess:" in capsys.readouterr().err
    good = tmp_path / "good.csv"
    good.write_text(HEADER + f"{valid_finess('69')},Y,ch,69,69000,Lyon,,,\n", encoding="utf-8")
    call_command("import_referential", "organisations", str(good))
    assert Organisation.objects.filter(name="Y").exists()
