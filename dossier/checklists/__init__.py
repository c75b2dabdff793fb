"""Built-in filing checklists (``<name>.yaml``); the schema is ``dossier.assemble.checklist``."""
