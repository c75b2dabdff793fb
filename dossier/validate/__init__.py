"""Validation: rules on one document and across an application, as discrepancies.

Public entry points (see each one's docstring)::

    params_for(spec, overrides=None) -> RuleParams
    validate_application(spec, documents, params=None) -> list[Discrepancy]
    fingerprint(discrepancy) -> str
    collect_file_facts(path, media_type) -> FileFacts

They are loaded on first use: extraction imports ``dossier.validate.identifiers`` and must not
pull in the rule engine (nor make an import cycle through it).
"""

from importlib import import_module

_EXPORTS = {
    "fingerprint": "engine", "registered_rules": "engine", "validate_application": "engine",
    "DocumentFacts": "facts", "FileFacts": "facts", "PageHash": "facts", "collect_file_facts": "facts",
    "RuleParams": "params", "params_for": "params",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_EXPORTS[name]}"), name)
