"""One lock for PDFium, held by every call into it in this process.

PDFium is not thread-safe, not even across different documents (pypdfium2's documentation): the
web app renders page images in request threads while an upload is read in another, and two
threads inside PDFium at once crash the process. Work in separate processes (the OCR pool, Celery
workers) needs no lock; threads of one process take ``PDFIUM`` around opening, using and closing
a document.
"""

from __future__ import annotations

import threading

PDFIUM = threading.RLock()
