"""``dossier assess``: a target qualification level's requirements against an application.

``requirements.assess(spec, documents, target=, regime=)`` -> ``Assessment`` (the JSON contract
of design.md), ``sheet.write_assessment`` writes it as Excel. Reads the standards
(``dossier.standards``) and what validation resolves (people, projects, certificates); sits
beside ``assemble``, below ``workflow``, ``cli`` and ``web``.
"""
