"""Social insurance: the window convention and the two rules."""

from datetime import date

from hypothesis import given, strategies as st

from dossier.validate.rules.insurance import insurance_window

from validate_builders import PEOPLE, WINDOW, clean_application, insurance_record


def _rows(**months_by_name):
    return [p.row(months_by_name.get(p.name, WINDOW)) for p in PEOPLE]


def _with_rows(rows):
    app = clean_application()
    return app.swap(app.find("social_insurance_record"), insurance_record(rows))


def test_window_is_the_whole_months_before_the_filing_month():
    assert insurance_window(date(2026, 12, 1), 3) == ["2026-09", "2026-10", "2026-11"]
    assert insurance_window(date(2026, 12, 31), 3) == ["2026-09", "2026-10", "2026-11"]
    assert insurance_window(date(2027, 1, 15), 1) == ["2026-12"]
    assert insurance_window(date(2027, 2, 1), 3) == ["2026-11", "2026-12", "2027-01"]
    assert insurance_window(date(2027, 2, 1), 0) == []


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)), st.integers(0, 36))
def test_window_properties(filing, months):
    window = insurance_window(filing, months)
    assert len(window) == months == len(set(window))
    assert window == sorted(window)
    if window:
        assert window[-1] < f"{filing:%Y-%m}"  # the filing month itself never counts
        last = date.fromisoformat(window[-1] + "-01")
        assert (filing.year * 12 + filing.month) - (last.year * 12 + last.month) == 1
        first = date.fromisoformat(window[0] + "-01")
        assert (last.year * 12 + last.month) - (first.year * 12 + first.month) == months - 1


def test_missing_record_for_a_counted_person():
    app = _with_rows([r for r in _rows() if r["name"] != "王强"])
    found = [d for d in app.run() if d.code == "SOCIAL_INSURANCE_MISSING"]
    assert len(found) == 1 and found[0].subject == PEOPLE[2].id_number and "王强" in found[0].message


def test_a_gap_in_the_window():
    app = _with_rows(_rows(王强=["2026-08", "2026-09", "2026-11"]))
    found = [d for d in app.run() if d.code == "SOCIAL_INSURANCE_GAP"]
    assert len(found) == 1 and "2026-10" in found[0].message
    assert any(e.field.endswith(".months") for e in found[0].evidence)


def test_a_gap_in_months_read_with_doubt_is_low_confidence_not_a_gap():
    rows = [{**r, "confidence": {"name": 1.0, "id_number": 1.0, "months": 0.5}} if r["name"] == "王强" else r
            for r in _rows(王强=["2026-09"])]  # 202609-202611 with its end under a seal, its 月数 unread
    found = _with_rows(rows).run()
    assert "SOCIAL_INSURANCE_GAP" not in [d.code for d in found]
    asked = [d for d in found if d.code == "LOW_CONFIDENCE" and "王强" in d.message and "2026-10" in d.message]
    assert len(asked) == 1 and "0.50 低于 0.90" in asked[0].message  # how sure, not a guess at why


def test_months_may_come_from_several_records():
    rows = _rows(王强=["2026-09"])
    app = _with_rows(rows).add(insurance_record([PEOPLE[2].row(["2026-10", "2026-11"])]))
    assert "SOCIAL_INSURANCE_GAP" not in app.codes()


def test_a_new_application_needs_one_month():
    app = _with_rows(_rows(王强=["2026-11"])).with_spec(application_type="new")
    assert "SOCIAL_INSURANCE_GAP" not in app.codes()
    app = _with_rows(_rows(王强=["2026-10"])).with_spec(application_type="new")
    assert "SOCIAL_INSURANCE_GAP" in app.codes()


def test_a_change_application_has_no_window():
    app = _with_rows([]).with_spec(application_type="change")
    assert not {"SOCIAL_INSURANCE_MISSING", "SOCIAL_INSURANCE_GAP"} & set(app.codes())


def test_a_row_without_id_is_tied_by_name_and_reported():
    rows = _rows()
    rows[2] = {**rows[2], "id_number": None}
    found = _with_rows(rows).run()
    assert [d.code for d in found] == ["LOW_CONFIDENCE"]
    assert found[0].subject == PEOPLE[2].id_number and "按姓名" in found[0].message


def test_a_statement_whose_rows_could_not_be_read_asks_a_person_instead_of_accusing_everyone():
    app = clean_application()
    unread = app.swap(app.find("social_insurance_record"), insurance_record([]))
    found = unread.run()
    assert not [d for d in found if d.code == "SOCIAL_INSURANCE_MISSING"]
    assert [d.code for d in found if d.subject == unread.find("social_insurance_record").sha256] == ["LOW_CONFIDENCE"]
