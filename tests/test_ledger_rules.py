"""Renewal lead times at their boundary days, the ledger's choice of document, and the expiry list.

Status on day D of a certificate whose last valid day is U (rules.yaml): lapsed after U; late
after U - file_before; start now from U - alert_before; ok before that.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dossier.errors import ConfigError
from dossier.ledger.ledger import build_ledger, expiring
from dossier.ledger.rules import Duration, load_rules
from tests.ledger_builders import COMPANY, USCC, application, archived

RULES = load_rules()
DAY = timedelta(days=1)


def _entry(doc_type: str, fields: dict, kind: str):
    [entry] = [e for e in build_ledger([archived(doc_type, fields)], [application()], RULES) if e.kind == kind]
    return entry


def _walk(entry, expected: dict[date, str]) -> None:
    assert {day: entry.status(day) for day in expected} == expected


def test_durations_subtract_calendar_months_and_clamp_month_ends():
    assert Duration(months=3).before(date(2027, 5, 31)) == date(2027, 2, 28)
    assert Duration(months=3).before(date(2028, 5, 31)) == date(2028, 2, 29)  # leap year
    assert Duration(months=6).before(date(2027, 3, 11)) == date(2026, 9, 11)
    assert Duration(months=14).before(date(2027, 1, 15)) == date(2025, 11, 15)
    assert Duration(days=30).before(date(2028, 3, 28)) == date(2028, 2, 27)
    assert Duration().before(date(2027, 4, 17)) == date(2027, 4, 17)
    with pytest.raises(ValueError):
        Duration(months=1, days=1)


def test_qualification_certificate_files_three_months_ahead():
    u = date(2027, 5, 31)
    entry = _entry("qualification_certificate",
                   {"company_name": COMPANY, "uscc": USCC, "cert_number": "D342012345", "valid_until": u.isoformat(),
                    "issue_date": "2022-06-01"}, "qualification")
    assert (entry.deadline, entry.alert_from, entry.lead_zh) == (date(2027, 2, 28), date(2026, 11, 30), "3 个月")
    _walk(entry, {date(2026, 11, 29): "ok", date(2026, 11, 30): "start now", date(2027, 2, 28): "start now",
                  date(2027, 3, 1): "late", u: "late", u + DAY: "lapsed"})


def test_safety_licence_files_three_months_ahead():
    u = date(2028, 1, 9)
    entry = _entry("safety_production_license",
                   {"company_name": COMPANY, "license_number": "（鄂）JZ安许证字〔2019〕191904", "valid_until": u.isoformat()},
                   "safety_licence")
    assert entry.uscc == USCC  # the licence prints none; the company's name gives it
    assert (entry.deadline, entry.alert_from) == (date(2027, 10, 9), date(2027, 7, 9))
    _walk(entry, {date(2027, 7, 8): "ok", date(2027, 7, 9): "start now", date(2027, 10, 9): "start now",
                  date(2027, 10, 10): "late", u: "late", u + DAY: "lapsed"})


def test_constructor_renewal_registration_files_thirty_days_ahead():
    u = date(2028, 3, 28)
    entry = _entry("constructor_certificate",
                   {"name": "陶福生", "id_number": "420111198811262418", "registration_number": "鄂242588835483",
                    "company_name": COMPANY, "specialty_valid_until": u.isoformat(),
                    "usage_valid_until": "2027-04-17", "issue_date": "2026-10-19"}, "constructor_registration")
    assert (entry.deadline, entry.alert_from, entry.lead_zh) == (date(2028, 2, 27), date(2027, 9, 28), "30 天")
    _walk(entry, {date(2027, 9, 27): "ok", date(2027, 9, 28): "start now", date(2028, 2, 27): "start now",
                  date(2028, 2, 28): "late", u: "late", u + DAY: "lapsed"})


@pytest.mark.parametrize("printed", [True, False])
def test_electronic_certificate_printout_is_usable_for_180_days(printed):
    fields = {"name": "陶福生", "registration_number": "鄂242588835483", "company_name": COMPANY,
              "specialty_valid_until": "2028-03-28", "issue_date": "2026-10-19"}
    if printed:
        fields["usage_valid_until"] = "2027-04-17"
    entry = _entry("constructor_certificate", fields, "constructor_printout")
    u = date(2027, 4, 17)
    assert entry.valid_until == u == date(2026, 10, 19) + timedelta(days=180)
    # a fresh printout can be downloaded any day it is still valid: it is never "late"
    assert (entry.deadline, entry.alert_from) == (u, date(2027, 3, 18))
    _walk(entry, {date(2027, 3, 17): "ok", date(2027, 3, 18): "start now", u: "start now", u + DAY: "lapsed"})


def test_business_licence_long_term_and_dated():
    long_term = _entry("business_license", {"company_name": COMPANY, "uscc": USCC, "business_term_until": "长期"},
                       "business_licence")
    assert long_term.long_term and long_term.valid_until is None and long_term.status(date(2099, 1, 1)) == "ok"
    dated = _entry("business_license", {"company_name": COMPANY, "uscc": USCC, "business_term_until": "2032-05-17"},
                   "business_licence")
    assert dated.deadline == date(2032, 4, 17)
    _walk(dated, {date(2032, 4, 17): "start now", date(2032, 4, 18): "late", date(2032, 5, 18): "lapsed"})


def test_titles_never_expire_and_an_unread_expiry_is_unknown():
    title = _entry("title_certificate", {"name": "宋明", "title": "高级工程师", "qualified_date": "2013-12-21"}, "title")
    assert title.valid_until is None and title.status(date(2090, 1, 1)) == "ok"
    unread = _entry("qualification_certificate", {"company_name": COMPANY, "uscc": USCC}, "qualification")
    assert unread.status(date(2026, 1, 1)) == "unknown"
    assert expiring([title, unread], as_of=date(2026, 1, 1), within_days=180) == [(unread, "unknown")]


def test_newest_document_wins_and_superseded_ones_are_listed():
    old = archived("qualification_certificate", {"company_name": COMPANY, "uscc": USCC, "issue_date": "2019-03-12",
                                                 "valid_until": "2024-03-11"}, label="old", received_days=10)
    new = archived("qualification_certificate", {"company_name": COMPANY, "uscc": USCC, "issue_date": "2024-03-12",
                                                 "valid_until": "2029-03-11"}, label="new", received_days=1)
    [entry] = build_ledger([old, new], [application()], RULES)
    assert entry.valid_until == date(2029, 3, 11)  # by issue date, though received earlier
    assert entry.sha256 == new.sha256 and entry.superseded == [old.sha256]


def test_one_person_holds_one_skill_certificate_per_occupation():
    docs = [archived("worker_certificate", {"name": "侯学文", "id_number": "420101199001011234",
                                            "occupation": occupation, "cert_number": f"S{n}", "issue_date": "2021-03-22"},
                     label=occupation)
            for n, occupation in enumerate(["钢筋工", "架子工"])]
    entries = build_ledger(docs, [application()], RULES)
    assert sorted(e.detail for e in entries) == ["架子工", "钢筋工"]
    assert {e.company for e in entries} == {COMPANY}  # from the application: the certificate names none


def test_expiring_lists_the_window_and_every_urgent_entry_whatever_its_date():
    as_of = date(2026, 12, 1)

    def printout(until: date, name: str):
        return archived("constructor_certificate", {"name": name, "company_name": COMPANY,
                                                    "usage_valid_until": until.isoformat()}, label=name)

    qualification = archived("qualification_certificate", {"company_name": COMPANY, "valid_until": "2027-05-31"})
    docs = [printout(as_of + timedelta(days=100), "甲"), printout(as_of + timedelta(days=101), "乙"),
            printout(as_of - DAY, "丙"), qualification]
    entries = [e for e in build_ledger(docs, [application()], RULES) if e.kind != "constructor_registration"]
    chosen = [(e.name or e.company, status) for e, status in expiring(entries, as_of=as_of, within_days=100)]
    # day 100 is inside the window (ok, listed), day 101 outside; the lapsed printout and the
    # qualification whose renewal must start now are listed whatever the window
    assert chosen == [("丙", "lapsed"), ("甲", "ok"), (COMPANY, "start now")]
    assert [who for who, _ in ((e.name or e.company, s) for e, s in expiring(entries, as_of=as_of, within_days=0))] \
        == ["丙", COMPANY]


def test_a_rules_file_of_the_same_shape_replaces_the_shipped_one(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("kinds:\n  qualification:\n    name_zh: 资质\n    doc_type: qualification_certificate\n"
                    "    holder: company\n    expires: [valid_until]\n    file_before: {months: 4}\n", encoding="utf-8")
    assert load_rules(path).kinds["qualification"].file_before == Duration(months=4)
    path.write_text("kinds:\n  bad:\n    name_zh: x\n    doc_type: x\n    holder: nobody\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_rules(path)
