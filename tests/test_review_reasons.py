"""A blocking finding is closed only by a correction or with a written reason, whichever way the
decision arrives (the API is covered in test_web_api.py, the browser in test_web_browser.py); the
packet's report and manifest list every blocking finding a person closed: who, when and why."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from dossier.cli import app
from dossier.errors import ExitCode, ReviewError
from dossier.workflow.build import build_application
from dossier.workflow.check import load_findings
from dossier.workflow.review import review
from tests.web_support import make_site, module_site


site, _ = module_site("reasons")


def _open(site, severity: str):
    return next(d for d in load_findings(site.db, site.application)
                if d.severity == severity and d.status == "open")


def test_the_cli_refuses_to_accept_a_blocking_finding_without_a_reason(site, monkeypatch):
    monkeypatch.setenv("DOSSIER_HOME", str(site.settings.home))
    monkeypatch.delenv("DOSSIER_DATABASE_URL", raising=False)
    blocking = _open(site, "blocking")
    refused = CliRunner().invoke(app, ["review", str(blocking.id), "accept", "--user", "王审核"])
    assert refused.exit_code == ExitCode.bad_args, refused.output
    assert "接受阻断性问题必须填写理由" in refused.output
    assert next(d for d in load_findings(site.db, site.application) if d.id == blocking.id).status == "open"
    # a warning may still be accepted without a word
    warning = _open(site, "warning")
    assert CliRunner().invoke(app, ["review", str(warning.id), "accept", "--user", "王审核"]).exit_code == 0


def test_waive_without_a_reason_is_refused_in_the_workflow_too(site):
    with pytest.raises(ReviewError, match="waiver"):
        review(site.db, site.settings, _open(site, "blocking").id, "waive", user="王审核", comment=" ")


def test_the_report_and_manifest_list_each_blocking_finding_closed_by_a_person(site, tmp_path):
    blocking = _open(site, "blocking")
    review(site.db, site.settings, blocking.id, "accept", user="王审核", comment="原件核实，数值无误")
    result = build_application(site.db, site.settings, site.application, tmp_path / "out", draft=True)
    manifest = json.loads((result.out_dir / "manifest.json").read_text(encoding="utf-8"))
    [closed] = [c for c in manifest["closed_by_person"] if c["code"] == blocking.code
                and c["comment"] == "原件核实，数值无误"]
    assert closed["user"] == "王审核" and closed["action"] == "accept" and closed["at"]
    report = (result.out_dir / "report.html").read_text(encoding="utf-8")
    table = report.split('id="closed-blocking"')[1].split("</table>")[0]
    assert "王审核" in table and "原件核实，数值无误" in table and closed["at"][:10] in table
