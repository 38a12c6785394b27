"""gunicorn settings for GMS's web app.

    gunicorn -c config/gunicorn.conf.py -b 127.0.0.1:8000 'gms.app:create_app()'

A GMS request spends most of its time running Python (forms, rules, templates), and Python
runs one thread at a time per process. So the app is served by processes with one thread
each: threads of one process queue for the interpreter, and a thread that holds the audit
log's lock while it waits behind its siblings makes every other writer wait too (measured in
``benchmarks/``: with 4 workers of 4 threads, 4-5 database sessions were waiting on that lock
and a submission cost 18 ms of CPU; with 6 workers of 1 thread, none, and 13-14 ms). Three
processes per core keep the cores busy while some wait on PostgreSQL; set ``GMS_WEB_WORKERS``
to change that. Each worker freezes the objects of the loaded app out of the garbage
collector's reach, which then scans only what requests create.
"""

import gc
import os

workers = int(os.environ.get("GMS_WEB_WORKERS") or 3 * (os.cpu_count() or 1))
worker_class = "gthread"  # one thread, but idle keep-alive connections do not hold a worker
threads = 1
timeout = 120
graceful_timeout = 20


def post_worker_init(worker):
    """The app is loaded: keep its long-lived objects out of every collection."""
    gc.freeze()
