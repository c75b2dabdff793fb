"""Who is who across the archive: companies by USCC, people by ID number, names as a fallback.

A 安全生产许可证 prints no USCC and a 职称证书 may print no ID number; when the same name appears
elsewhere with exactly one USCC (ID number), that one is used, so one company's (person's)
documents meet under one key. A name seen with two different numbers stays a name.
"""

from __future__ import annotations

from collections.abc import Iterable

from dossier.ledger.documents import ArchivedApplication, ArchivedDocument

_BY_NAME = "名称:"  # prefix of a company key that is a name, not a USCC


def _add(pairs: dict[str, set[str]], name: str | None, number: str | None) -> None:
    if name and number:
        pairs.setdefault(name, set()).add(number)


class Identities:
    """Keys for companies and people; ``company()``/``person()`` return ``(key, number)``."""

    def __init__(self, documents: Iterable[ArchivedDocument], applications: Iterable[ArchivedApplication]):
        companies: dict[str, set[str]] = {}
        people: dict[str, set[str]] = {}
        self.company_names: dict[str, str] = {}  # key -> a name to show
        for app in applications:
            _add(companies, app.company_name, app.uscc)
            for entry in app.roster:
                _add(people, entry.get("name"), entry.get("id_number"))
        for d in documents:
            _add(companies, d.text("company_name"), d.text("uscc"))
            _add(people, d.text("name"), d.text("id_number"))
            for row in d.doc.records:
                _add(people, row.get("name"), row.get("id_number"))
        self._uscc = {name: next(iter(numbers)) for name, numbers in companies.items() if len(numbers) == 1}
        self._id = {name: next(iter(numbers)) for name, numbers in people.items() if len(numbers) == 1}

    def company(self, name: str | None, uscc: str | None) -> tuple[str, str | None]:
        uscc = uscc or (self._uscc.get(name) if name else None)
        key = uscc or f"{_BY_NAME}{name or '?'}"
        if name:
            self.company_names.setdefault(key, name)
        return key, uscc

    def person(self, name: str | None, id_number: str | None) -> tuple[str, str | None]:
        id_number = id_number or (self._id.get(name) if name else None)
        return id_number or f"姓名:{name or '?'}", id_number

    def company_name(self, key: str) -> str | None:
        return self.company_names.get(key)

    @staticmethod
    def uscc_of(key: str) -> str | None:
        """The USCC a company key stands for (None when the company is known by name only)."""
        return None if key.startswith(_BY_NAME) else key
