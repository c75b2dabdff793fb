"""Assembly: filing checklists and the packet builder (``dossier build``, ``dossier checklists``).

Public entry points::

    list_checklists() -> list[str]
    load_checklist(name_or_path) -> Checklist
    checklist_for(spec) -> Checklist
    build_packet(packet: PacketInput, out_dir, *, checklist=None, options=None) -> BuildResult

Loaded on first use: listing checklists must not import the PDF machinery.
"""

from importlib import import_module

_EXPORTS = {
    "Checklist": "checklist", "checklist_for": "checklist", "list_checklists": "checklist",
    "load_checklist": "checklist", "parse_checklist": "checklist",
    "BuildOptions": "inputs", "PacketDocument": "inputs", "PacketInput": "inputs",
    "ReviewNote": "inputs", "ReviewedDiscrepancy": "inputs",
    "BuildResult": "build", "build_packet": "build",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_EXPORTS[name]}"), name)
