"""Names shared by the senders and the consumers of tasks: queues and task names.

Tasks are sent by name (``app.send_task``), so a process that only enqueues (the CLI, the
watcher, the web app) never imports the task code, and the names below are the wire contract
between machines running different checkouts: change them only with every worker stopped.
"""

OCR_QUEUE = "ocr"  # one page per task; heavy (an OCR engine per worker process)
DEFAULT_QUEUE = "default"  # per-document steps; light
QUEUES = (OCR_QUEUE, DEFAULT_QUEUE)

PROCESS_DOCUMENT = "dossier.process_document"
OCR_PAGE = "dossier.ocr_page"
FINISH_DOCUMENT = "dossier.finish_document"
CHECK_APPLICATION = "dossier.check_application"  # default queue: validation of a stored application
BUILD_PACKET = "dossier.build_packet"  # default queue: binding (reads originals, writes the packet)
REMIND = "dossier.remind"  # default queue: the daily reminders (Celery beat), dossier remind
