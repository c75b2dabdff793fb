"""dossier: read qualification-filing scans, prove they agree, bind the packet."""
__version__ = "0.1.0"
