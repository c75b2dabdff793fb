"""The archive as a living ledger: search, certificate expiry, personnel changes, export/import.

Reads what the stages stored (documents, text, extractions with reviewers' corrections applied);
writes nothing but ``dossier import``. Modules, one job each:

- ``rules`` (+ ``rules.yaml``): certificate kinds, renewal lead times, status on a day
- ``documents``: the archive's logical documents across applications, as corrected
- ``identities``: companies by USCC, people by ID number, names as a fallback
- ``ledger``: one entry per certificate (newest document wins) and the expiring list
- ``personnel``: PERSON_LEFT / FREQUENT_CHANGES from social-insurance statements
- ``supervision``: QUALIFICATION_NOT_HELD / SCOPE_EXCEEDED on every company's 业绩 (动态监管)
- ``alerts``: the one alert model every code shares
- ``search``: structured and full-text search (index: store migration 0003)
- ``timeline``: the expiries as an SVG string, for the web page
- ``sheets``: the expiring list as CSV / Excel
- ``transfer``: ``dossier export`` / ``dossier import``
"""
