"""Deleting an application hides it and restoring brings every document, finding, review and
packet record back; only an admin's purge, with the name typed again, removes it. Replacing
``application.yaml`` is an admin's act, audited with before and after. Names with invisible
format characters are refused."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from dossier.cli import app as cli
from dossier.errors import ExitCode
from dossier.store.schema import AuditEvent
from dossier.store.users import UserError, add_user
from tests.web_support import SAMPLE, auth, make_site, module_site, serve

APP = "/api/applications/sample-upgrade"


site, client = module_site("lifecycle")


def _audit(site, action: str) -> list[AuditEvent]:
    with site.db.session() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_delete_hides_and_restore_brings_every_finding_review_and_packet_back(client, site, monkeypatch):
    admin = auth(site, "admin")
    blocking = next(d for d in client.get(f"{APP}/discrepancies", headers=admin).json() if d["severity"] == "blocking")
    client.post(f"/api/discrepancies/{blocking['id']}/review", headers=admin,
                json={"action": "waive", "comment": "已向主管部门说明"})
    assert client.post(f"{APP}/build", headers=admin, json={"draft": True}).status_code == 201
    before = client.get(APP, headers=admin).json()
    assert before["files"] and before["packets"] and any(d["reviews"] for d in before["discrepancies"])

    assert client.delete(APP, headers=auth(site, "reviewer")).status_code == 403
    assert client.get("/api/overview", headers=admin).json()["expiring"]  # its certificates, before
    assert client.delete(APP, headers=admin).status_code == 204
    gone = client.get(APP, headers=admin)
    assert gone.status_code == 404 and "已删除" in gone.json()["reason_zh"]
    assert "dossier" not in gone.json()["reason_zh"]  # the web names its own way back, not a command
    assert client.get("/api/applications", headers=admin).json() == []
    # hidden from the ledger too: its certificates no longer fall due on the start page
    assert client.get("/api/overview", headers=admin).json()["expiring"] == []
    assert client.delete(APP, headers=admin).status_code == 404  # already deleted
    (listed,) = client.get("/api/overview", headers=admin).json()["deleted"]  # where an admin restores it
    assert (listed["name"], listed["deleted_by"], listed["documents"], listed["findings"], listed["packets"]) == (
        "sample-upgrade", "admin-user", len(before["files"]), len(before["discrepancies"]), 1)
    assert client.get("/api/overview", headers=auth(site, "reviewer")).json()["deleted"] == []
    assert 'id="start-deleted"' in client.get("/", headers=admin).text
    assert 'id="start-deleted"' not in client.get("/", headers=auth(site, "reviewer")).text
    assert client.post(f"{APP}/restore", headers=auth(site, "reviewer")).status_code == 403

    restored = client.post(f"{APP}/restore", headers=admin)
    assert restored.status_code == 200 and restored.json()["name"] == "sample-upgrade"
    assert client.get(APP, headers=admin).json() == before
    assert client.post(f"{APP}/restore", headers=admin).status_code == 404  # not deleted
    assert client.get("/api/overview", headers=admin).json()["deleted"] == []

    # the CLI does the same, on the same data
    monkeypatch.setenv("DOSSIER_HOME", str(site.settings.home))
    monkeypatch.delenv("DOSSIER_DATABASE_URL", raising=False)
    assert CliRunner().invoke(cli, ["delete", "sample-upgrade"]).exit_code == 0
    assert client.get(APP, headers=admin).status_code == 404
    assert CliRunner().invoke(cli, ["restore", "sample-upgrade"]).exit_code == 0
    assert client.get(APP, headers=admin).json() == before
    restored = [e.details for e in _audit(site, "application.restored")]
    assert len(restored) == 2 and all(r["findings"] >= len(before["discrepancies"]) and r["packets"] == 1
                                      for r in restored)


def test_purge_needs_a_deleted_application_an_admin_and_its_name_typed_again(client, site, monkeypatch):
    admin = auth(site, "admin")
    spec = (SAMPLE / "application.yaml").read_text(encoding="utf-8")
    for name in ("purge-api", "purge-cli"):
        assert client.post("/api/applications", headers=admin, json={"name": name, "application_yaml": spec}).status_code == 201
    url = "/api/applications/purge-api"
    assert client.post(f"{url}/purge", headers=admin, json={"confirm": "purge-api"}).status_code == 404  # not deleted
    assert client.delete(url, headers=admin).status_code == 204
    assert client.post(f"{url}/purge", headers=auth(site, "reviewer"), json={"confirm": "purge-api"}).status_code == 403
    wrong = client.post(f"{url}/purge", headers=admin, json={"confirm": "purge"})
    assert wrong.status_code == 400 and "输入不一致" in wrong.json()["reason_zh"]
    assert client.post(f"{url}/purge", headers=admin, json={}).status_code == 400
    assert client.post(f"{url}/purge", headers=admin, json={"confirm": "purge-api"}).status_code == 204
    assert client.post(f"{url}/restore", headers=admin).status_code == 404  # gone for good
    assert _audit(site, "application.purged")[0].actor == "admin-user"

    monkeypatch.setenv("DOSSIER_HOME", str(site.settings.home))
    monkeypatch.delenv("DOSSIER_DATABASE_URL", raising=False)
    assert CliRunner().invoke(cli, ["delete", "purge-cli"]).exit_code == 0
    refused = CliRunner().invoke(cli, ["purge", "purge-cli", "--confirm", "purge-CLI"])
    assert refused.exit_code == ExitCode.bad_args and "输入不一致" in refused.output
    assert CliRunner().invoke(cli, ["purge", "purge-cli"]).exit_code == 2  # --confirm is required
    assert CliRunner().invoke(cli, ["restore", "purge-cli"]).exit_code == 0  # still there
    assert CliRunner().invoke(cli, ["delete", "purge-cli"]).exit_code == 0
    assert CliRunner().invoke(cli, ["purge", "purge-cli", "--confirm", "purge-cli"]).exit_code == 0
    assert CliRunner().invoke(cli, ["restore", "purge-cli"]).exit_code == ExitCode.bad_args


def test_replacing_application_yaml_is_an_admin_act_audited_with_before_and_after(client, site):
    spec = (SAMPLE / "application.yaml").read_text(encoding="utf-8")
    changed = spec.replace("湖北楚天建设工程有限公司", "湖北楚天建设集团有限公司")
    assert changed != spec
    url = f"{APP}/files"
    refused = client.post(url, params={"path": "application.yaml"}, headers=auth(site, "reviewer"), content=changed)
    assert refused.status_code == 403 and "管理员" in refused.json()["reason_zh"]
    assert client.get(APP, headers=auth(site, "viewer")).json()["company_name"] == "湖北楚天建设工程有限公司"
    ok = client.post(url, params={"path": "application.yaml"}, headers=auth(site, "admin"), content=changed)
    assert ok.status_code == 200 and ok.json()["status"] == "spec"
    [event] = _audit(site, "application.spec")
    assert event.actor == "admin-user"
    assert event.details["old"]["company_name"] == "湖北楚天建设工程有限公司"
    assert event.details["new"]["company_name"] == "湖北楚天建设集团有限公司"
    assert event.details["old"]["roster"][0]["id_number"] == "420102********3231"  # masked
    shown = client.get("/api/audit", headers=auth(site, "viewer")).json()
    assert "湖北楚天建设集团有限公司" in next(e["new"] for e in shown if e["action"] == "application.spec")
    client.app.state.ctx.jobs.wait(timeout=60)


@pytest.mark.parametrize("hidden", ["\u202e", "\u200b", "\u2066", "\ufeff"])
def test_names_with_bidi_controls_or_zero_width_characters_are_refused(client, site, hidden):
    created = client.post("/api/applications", headers=auth(site, "admin"), json={"name": f"项目{hidden}gpj.exe"})
    assert created.status_code == 400 and "不可见的控制字符" in created.json()["reason_zh"]
    with site.db.session() as session, pytest.raises(UserError, match="invisible"):
        add_user(session, f"张{hidden}三", "viewer")
