"""The review queue (issue 16, item 7): filters by severity, kind, person, document and status;
warnings waived together with one reason while blocking findings keep needing their own; pages of
200 (here of 5)."""

from __future__ import annotations

import re

from dossier.web import queue as queue_module
from tests.web_support import FULL_ID, auth, module_site

URL = "/api/applications/sample-upgrade"


site, client = module_site("web-queue")


def queue(client, site, **filters) -> dict:
    answer = client.get(f"{URL}/queue", params=filters, headers=auth(site))
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_each_filter_narrows_the_queue_to_what_it_names(client, site):
    everything = queue(client, site)
    assert everything["total"] == len(everything["items"]) > 20
    warnings = queue(client, site, severity="warning")
    assert 0 < warnings["total"] < everything["total"] and {i["severity"] for i in warnings["items"]} == {"warning"}
    ages = queue(client, site, code="AGE_LIMIT")
    assert ages["total"] >= 1 and {i["code"] for i in ages["items"]} == {"AGE_LIMIT"}
    assert dict((c["value"], c["label"]) for c in everything["codes"])["AGE_LIMIT"].startswith("申报人员")
    song = queue(client, site, person="林福生")
    assert song["total"] >= 1 and all("422801" in i["subject"] for i in song["items"])
    assert "林福生" in [c["value"] for c in everything["people"]]
    assert not FULL_ID.search(str(everything["people"])), "a person is chosen by name, never by number"
    statement = next(c for c in everything["documents"] if c["label"] == "综合资料/社保缴费明细.pdf")
    cited = queue(client, site, document=statement["value"])
    assert cited["total"] >= 2 and all(any(e["sha256"] == statement["value"] for e in i["evidence"]) or
                                       i["subject"] == statement["value"] for i in cited["items"])
    assert queue(client, site, status="done")["total"] == 0
    assert queue(client, site, status="open")["total"] == everything["total"]
    page = client.get("/applications/sample-upgrade", params={"severity": "blocking"}, headers=auth(site)).text
    shown = page.split('id="queue-table"')[1].split("</table>")[0]
    assert shown.count('class="finding') == queue(client, site, severity="blocking")["total"]
    assert '<option value="blocking" selected>' in page


def test_warnings_are_waived_together_but_a_blocking_one_is_refused(client, site):
    warnings = queue(client, site, severity="warning", status="open")["items"][:3]
    blocking = queue(client, site, severity="blocking", status="open")["items"][0]
    reviewer = auth(site, "reviewer")
    mixed = client.post(f"{URL}/waive", headers=reviewer,
                        json={"ids": [w["id"] for w in warnings] + [blocking["id"]], "comment": "统一说明"})
    assert mixed.status_code == 400 and f"#{blocking['id']}" in mixed.json()["reason_zh"]
    assert "逐项" in mixed.json()["reason_zh"]
    assert queue(client, site, status="waived")["total"] == 0, "nothing is waived when one is refused"
    silent = client.post(f"{URL}/waive", headers=reviewer, json={"ids": [warnings[0]["id"]], "comment": "  "})
    assert silent.status_code == 400 and "理由" in silent.json()["reason_zh"]
    assert client.post(f"{URL}/waive", headers=auth(site, "viewer"),
                       json={"ids": [warnings[0]["id"]], "comment": "x"}).status_code == 403
    done = client.post(f"{URL}/waive", headers=reviewer,
                       json={"ids": [w["id"] for w in warnings], "comment": "已向主管部门书面说明"})
    assert done.status_code == 200, done.text
    assert done.json()["waived"] == [w["id"] for w in warnings]
    waived = queue(client, site, status="waived")["items"]
    assert {w["id"] for w in waived} == {w["id"] for w in warnings}
    assert all(w["reviews"][-1]["comment"] == "已向主管部门书面说明" for w in waived)
    again = client.post(f"{URL}/waive", headers=reviewer, json={"ids": [warnings[0]["id"]], "comment": "再来"})
    assert again.status_code == 400 and "已处理" in again.json()["reason_zh"]


def test_a_long_queue_is_paged_with_numbering_running_on(client, site, monkeypatch):
    monkeypatch.setattr(queue_module, "PAGE_SIZE", 5)
    first, second = queue(client, site), queue(client, site, page=2)
    assert first["pages"] == second["pages"] > 2 and len(first["items"]) == 5
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}
    assert queue(client, site, page=999)["page"] == first["pages"]  # past the end: the last page
    html = client.get("/applications/sample-upgrade", params={"page": 2, "severity": "warning"}, headers=auth(site)).text
    assert "<td>6</td>" in html and 'id="queue-pager"' in html  # page 2 starts at the 6th
    following = re.search(r'href="([^"]+)" id="queue-next-page"', html).group(1)
    assert "severity=warning" in following and "page=3" in following  # the filters stay on


def _walk(client, site, finding_id: int, query: str = "") -> tuple[str | None, str | None, str]:
    """The previous and next links of a finding's page opened with ``query``, and its crumbs."""
    html = client.get(f"/discrepancies/{finding_id}{query}", headers=auth(site)).text
    prev = re.search(r'href="([^"]+)" id="prev-link"', html)
    following = re.search(r'href="([^"]+)" id="next-link"', html)
    crumbs = html.split('class="crumbs"')[1].split("</p>")[0]
    return (prev and prev.group(1).replace("&amp;", "&"), following and following.group(1).replace("&amp;", "&"),
            crumbs)


def test_a_finding_opened_from_a_filtered_queue_steps_through_that_queue(client, site):
    whole = [i["id"] for i in queue(client, site)["items"]]
    person = queue(client, site, person="林福生")["items"]
    mine = [i["id"] for i in person]
    assert len(mine) >= 2 and whole.index(mine[1]) - whole.index(mine[0]) > 1, "his findings are apart in the queue"
    query = "?person=%E6%9E%97%E7%A6%8F%E7%94%9F"

    page = client.get("/applications/sample-upgrade", params={"person": "林福生"}, headers=auth(site)).text
    assert f'href="/discrepancies/{mine[0]}{query}"' in page  # the queue's links carry its filter

    prev, following, crumbs = _walk(client, site, mine[1], query)
    assert prev == f"/discrepancies/{mine[0]}{query}"
    open_after = [i["id"] for i in person[2:] if i["status"] == "open"] + [
        i["id"] for i in person[:1] if i["status"] == "open"]
    assert following == (f"/discrepancies/{open_after[0]}{query}" if open_after else None)
    assert f"筛选后的队列第 2 / {len(mine)} 项" in crumbs and "?person=" in crumbs
    unfiltered_prev, _, plain = _walk(client, site, mine[1])
    assert unfiltered_prev == f"/discrepancies/{whole[whole.index(mine[1]) - 1]}" and "筛选后" not in plain

    (first_prev, _, _) = _walk(client, site, mine[0], query)
    assert first_prev is None  # the first of the filtered queue has nothing before it


def test_a_decision_in_a_filtered_queue_moves_to_the_next_of_that_queue(client, site):
    whole = queue(client, site, status="open")["items"]
    mine = queue(client, site, person="林福生", status="open")["items"]
    assert len(mine) >= 2
    current = mine[0]
    later = [i["id"] for i in mine[mine.index(current) + 1:]] + [i["id"] for i in mine[:mine.index(current)]]
    in_whole = [i["id"] for i in whole]
    whole_next = in_whole[in_whole.index(current["id"]) + 1]
    assert whole_next != later[0], "the whole queue would move elsewhere"
    answer = client.post(f"/api/discrepancies/{current['id']}/review", params={"person": "林福生", "status": "open"},
                         headers=auth(site, "reviewer"), json={"action": "accept", "comment": "核对无误，身份证复印件与原件一致"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["next_id"] == later[0]
    html = client.get(f"/discrepancies/{later[0]}?person=林福生&status=open", headers=auth(site, "reviewer")).text
    walk = "?person=%E6%9E%97%E7%A6%8F%E7%94%9F&amp;status=open"
    assert f'data-api="POST /api/discrepancies/{later[0]}/review{walk}"' in html  # its decisions ask for that queue
    assert f'data-walk="{walk}"' in html  # where app.js goes after a decision
