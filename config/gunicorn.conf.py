"""gunicorn settings for GMS's web app, behind a proxy that buffers requests and responses
(nginx does by default), so that slow connections are the proxy's to wait for.

    gunicorn -c config/gunicorn.conf.py -b 127.0.0.1:8000 'gms.app:create_app()'

A GMS request spends most of its time running Python (forms, rules, templates), and Python
runs one thread at a time per process. So the app is served by processes that handle one
request at a time, gunicorn's ``sync`` workers, three per core so that the cores stay busy
while some wait on PostgreSQL (set ``GMS_WEB_WORKERS`` to change that). Measured in
``benchmarks/`` (2 cores, 50 clients submitting at once):

- threads: with 4 workers of 4 threads, 4-5 database sessions were waiting on the audit log's
  lock, held by threads queued for their process's interpreter;
- keep-alive: ``gthread`` workers accept every connection they can, so the first to wake took
  most clients and served them one by one while the others idled (one of six answered 3,548
  of 3,600 submissions). A ``sync`` worker accepts the next connection only when it is free,
  and closes each connection after its response, so requests spread over all workers: the
  submission's throughput went from 0.36 to 0.50 of the bare write's, and its p99 at half
  the bare write's rate from seconds to 60 ms.

Each worker freezes the objects of the loaded app out of the garbage collector's reach, which
then scans only what requests create, and collects the youngest generation after 50,000 new
objects instead of 700: with CPython's default a submission triggered about one collection
and spent 0.25 ms of its CPU in them (measured with ``gc.callbacks``); reference counting
frees nearly all of a request's objects anyway.
"""

import gc
import os

workers = int(os.environ.get("GMS_WEB_WORKERS") or 3 * (os.cpu_count() or 1))
worker_class = "sync"
#: a worker still answering after this many seconds is restarted (the longest request, an
#: export of 100,000 transfers, takes about 3 s)
timeout = 120
graceful_timeout = 20

#: CPython's collection thresholds for the workers (the default is 700, 10, 10)
GC_THRESHOLD = (50_000, 20, 100)


def post_worker_init(worker):
    """The app is loaded: keep its long-lived objects out of every collection, and collect
    young objects less often."""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)
