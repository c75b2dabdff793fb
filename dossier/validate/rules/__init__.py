"""The validation rules; importing this package registers every one of them with the engine.

One module per concern; each rule is a function decorated with ``engine.rule``.
"""

from dossier.validate.rules import (  # noqa: F401 - imported to register their rules
    completeness,
    dates,
    employer,
    identity,
    insurance,
    integrity,
    money,
    personnel,
    projects,
    supervision,
)
