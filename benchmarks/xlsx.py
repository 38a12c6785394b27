"""The finance XLSX export of every transfer (``GET /finance/export/transfers.xlsx``,
``gms/money/ledger_views.py:export`` → ``gms/services/exports.py:to_xlsx``), timed in a process of
its own so its peak memory is the export's: the resident set before the request and its
high-water mark during it (``VmRSS``/``VmHWM`` of /proc/self/status, the mark reset just
before the request), and optionally the Python heap's peak (``tracemalloc``, a second request,
slower).

    python -m benchmarks.xlsx DATABASE_URL WORKDIR FINANCE_USER_ID [--tracemalloc]
"""

from __future__ import annotations

import json
import re
import resource
import subprocess
import sys
import time
import zipfile
from io import BytesIO
from pathlib import Path


def _status_mb(field: str) -> float:
    """``VmRSS`` (now) or ``VmHWM`` (peak) of this process from /proc, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> bool:
    """Start the peak (``VmHWM``) again from the current RSS (Linux ``clear_refs`` 5). Without
    it the peak would include what the parent held when it forked this process."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _rows(data: bytes) -> int:
    with zipfile.ZipFile(BytesIO(data)) as z:
        name = next(n for n in z.namelist() if n.startswith("xl/worksheets/"))
        return len(re.findall(rb"<row ", z.read(name))) - 1  # less the header


def child(db_url: str, workdir: str, user_id: int, trace: bool) -> dict:
    from benchmarks import common

    common.hermetic_environment()
    app = common.make_app(db_url, Path(workdir), TWO_FACTOR_ROLES=[])
    client = app.test_client()
    from benchmarks.pages import _session_key
    from gms.services.sessions import SESSION_KEY

    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
        session[SESSION_KEY] = _session_key(app, user_id)  # a server-side log-in
    client.get("/finance/transfers")  # warm-up: connection, templates, user
    reset = _reset_peak()
    before = _status_mb("VmRSS")
    start, cpu = time.perf_counter(), time.process_time()
    r = client.get("/finance/export/transfers.xlsx")
    data = r.data
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    after = _status_mb("VmHWM") if reset else None
    out = {"status": r.status_code, "seconds": round(seconds, 2),
           "cpu_seconds": round(cpu, 2), "bytes": len(data),
           "rows": _rows(data) if r.status_code == 200 else None,
           "rss_before_mb": round(before, 1),
           "peak_rss_mb": round(after, 1) if after is not None else None,
           "peak_rss_increase_mb": round(after - before, 1) if after is not None else None}
    del data, r
    if trace:
        import tracemalloc

        tracemalloc.start()
        start = time.perf_counter()
        client.get("/finance/export/transfers.xlsx")
        out["tracemalloc_seconds"] = round(time.perf_counter() - start, 2)
        out["python_heap_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
    return out


def measure(db_url: str, workdir, user_id: int, trace: bool = False) -> dict:
    """Run :func:`child` in a fresh interpreter; its figures."""
    cmd = [sys.executable, "-m", "benchmarks.xlsx", db_url, str(workdir), str(user_id)]
    if trace:
        cmd.append("--tracemalloc")
    from benchmarks.common import ROOT

    result = subprocess.run(cmd, cwd=str(ROOT), capture_output=True, text=True)
    if result.returncode:
        return {"error": result.stderr[-3000:]}
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["targets"] = {"seconds_max": 10, "peak_mb_max": 300,
                          "seconds_ok": figures["seconds"] < 10,
                          "memory_ok": figures["peak_rss_mb"] is not None
                          and figures["peak_rss_mb"] < 300}
    return figures


if __name__ == "__main__":
    args = sys.argv[1:]
    print(json.dumps(child(args[0], args[1], int(args[2]), "--tracemalloc" in args)))
