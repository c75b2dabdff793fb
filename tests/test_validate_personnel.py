"""Age limit, roles that cannot be combined, head counts."""

from datetime import date, timedelta

import pytest
from hypothesis import given, strategies as st

from dossier.errors import ConfigError
from dossier.model import RosterEntry
from dossier.validate.rules.personnel import completed_years

from validate_builders import FILING, PEOPLE, Person, clean_application, doc


def _roster_with(app, *entries):
    return app.with_spec(roster=[*app.spec.roster, *entries])


def test_completed_years_boundaries():
    assert completed_years(date(1966, 12, 1), date(2026, 12, 1)) == 60
    assert completed_years(date(1966, 12, 2), date(2026, 12, 1)) == 59
    assert completed_years(date(2000, 2, 29), date(2001, 2, 28)) == 0
    assert completed_years(date(2000, 2, 29), date(2001, 3, 1)) == 1


@given(st.dates(min_value=date(1930, 1, 1), max_value=date(2000, 12, 31)), st.integers(0, 20000))
def test_completed_years_matches_counting_birthdays(born, days):
    on = born + timedelta(days=days)
    years = completed_years(born, on)
    assert years >= 0
    # The last birthday reached is years after birth, the next one is not yet reached.
    def birthday(n):
        try:
            return born.replace(year=born.year + n)
        except ValueError:  # 29 February in a common year: the year completes on 1 March
            return date(born.year + n, 3, 1)
    assert birthday(years) <= on < birthday(years + 1)


def _aged(born: date):
    old = Person("老周", "titled_staff", born, 515)
    app = clean_application([*PEOPLE, old])
    return [d for d in app.run() if d.code == "AGE_LIMIT"], old


def test_sixty_on_the_filing_date_passes_sixty_one_does_not():
    sixty = FILING.replace(year=FILING.year - 60)
    assert _aged(sixty)[0] == []
    assert _aged(sixty + timedelta(days=1))[0] == []  # still 59 … turns 60 tomorrow
    found, old = _aged(sixty - timedelta(days=366))
    assert len(found) == 1 and found[0].subject == old.id_number and "61 周岁" in found[0].message


def test_age_limit_follows_the_params():
    old = Person("老周", "titled_staff", date(1963, 1, 1), 515)
    app = clean_application([*PEOPLE, old])
    assert "AGE_LIMIT" in app.codes()
    assert "AGE_LIMIT" not in app.codes({"age_limit": 65})


def test_person_double_counted_in_exclusive_roles():
    worker = PEOPLE[5]
    app = _roster_with(clean_application(), RosterEntry(name=worker.name, id_number=worker.id_number,
                                                        role="titled_staff"))
    found = [d for d in app.run() if d.code == "PERSON_DOUBLE_COUNTED"]
    assert len(found) == 1 and found[0].severity == "warning" and found[0].subject == worker.id_number


def test_technical_lead_may_also_be_titled_staff():
    lead = PEOPLE[0]
    app = _roster_with(clean_application(), RosterEntry(name=lead.name, id_number=lead.id_number,
                                                        role="titled_staff"))
    assert "PERSON_DOUBLE_COUNTED" not in app.codes()


def test_headcount_short_by_role_and_specialty():
    people = [p for p in PEOPLE if p.name != "王强"]
    found = [d for d in clean_application(people).run() if d.code == "HEADCOUNT_SHORT"]
    assert len(found) == 1 and "建筑工程专业" in found[0].message and "只有 1 人" in found[0].message


def test_headcount_counts_specialty_exactly():
    people = [p if p.name != "王强" else Person("王强", "registered_constructor", p.birth, p.seq, "市政公用工程")
              for p in PEOPLE]
    assert "HEADCOUNT_SHORT" in clean_application(people).codes()


def test_headcount_comes_from_the_standard_not_overrides_and_not_for_unknown_qualifications():
    app = clean_application()
    with pytest.raises(ConfigError) as caught:
        app.run({"headcount": {"建筑工程施工总承包三级": {"site_manager": 1}}})
    assert "人数要求不再写在清单中" in caught.value.reason_zh
    assert app.with_spec(qualifications=["未知资质"]).run() == []


OUTSIDER = Person("孙悦", "skilled_worker", date(1991, 4, 9), 855)  # on no roster


def test_a_document_of_someone_not_on_the_roster_is_one_warning_about_them():
    app = clean_application().add(OUTSIDER.id_card(), OUTSIDER.role_document())
    (found,) = [d for d in app.run() if d.code == "PERSON_NOT_LISTED"]
    assert found.severity == "warning" and found.subject == OUTSIDER.id_number
    assert found.message.startswith("孙悦的居民身份证、") and "不在申报人员名单中" in found.message
    assert {e.field for e in found.evidence} == {"id_number"} and len(found.evidence) == 2
    assert [d.code for d in app.run()] == ["PERSON_NOT_LISTED"]  # nothing else about them


def test_a_named_document_without_an_id_the_roster_knows_is_found_by_its_name():
    contract = doc("labor_contract", name="孙悦", company_name="北京华建建设工程有限公司",
                   start_date="2024-01-01", end_date="2027-12-31")
    # (its ID number unread: LOW_CONFIDENCE asks for it apart)
    (found,) = [d for d in clean_application().add(contract).run() if d.code == "PERSON_NOT_LISTED"]
    assert (found.code, found.subject) == ("PERSON_NOT_LISTED", contract.sha256) and "「孙悦」" in found.message


def test_statement_rows_of_other_employees_raise_nothing():
    app = clean_application()
    statement = app.find("social_insurance_record")
    rows = [*statement.document.records, OUTSIDER.row()]
    more = statement.model_copy(update={"document": statement.document.model_copy(update={"records": rows})})
    assert app.swap(statement, more).run() == []
