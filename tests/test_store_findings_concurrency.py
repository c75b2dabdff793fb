"""Two checks of one application storing their findings at once (a worker's and the web app's):
the second waits for the first and updates its rows; neither fails on the unique fingerprint."""

from __future__ import annotations

import threading
import time

from sqlalchemy import func, select

from dossier.model import Discrepancy
from dossier.store import repo
from dossier.store.findings import sync_findings
from dossier.store.schema import Discrepancy as DiscrepancyRow

FOUND = [(f"fp{i}", Discrepancy(code="DATE_ORDER", severity="blocking", message=f"第 {i} 项", subject="s"))
         for i in range(3)]


def test_a_check_storing_findings_while_another_holds_them_waits_and_updates(db):
    with db.session() as session:
        app_id = repo.get_or_create_application(session, "华建升级").id
    first_holds, errors = threading.Event(), []

    def second() -> None:
        first_holds.wait()
        try:
            with db.session() as session:
                sync_findings(session, app_id, FOUND)
        except Exception as exc:  # noqa: BLE001 - the failure the test is about
            errors.append(exc)

    thread = threading.Thread(target=second)
    thread.start()
    with db.session() as session:
        sync_findings(session, app_id, FOUND)
        session.flush()  # written, not committed: the rest of a check (its audit event) follows
        first_holds.set()
        time.sleep(1.0)  # the second check starts while this one has not committed
    thread.join(timeout=60)
    assert not thread.is_alive() and errors == []
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(DiscrepancyRow)) == len(FOUND)
