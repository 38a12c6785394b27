"""The benchmark suite: ``python3 dev.py bench [OPTIONS]`` (``python -m benchmarks``).

    python3 dev.py bench                      # full run, SQLite and PostgreSQL (~15 min)
    python3 dev.py bench --quick              # small and fast (~2 min)
    python3 dev.py bench --engine postgresql  # one engine (sqlite | postgresql | both)
    python3 dev.py bench surge [--quick]      # the deadline surge (benchmarks/surge.py)
    python3 dev.py bench ranking --sizes ...  # the ranking alone (benchmarks/ranking.py)

Needs PostgreSQL at 127.0.0.1:5432 (user postgres) for the PostgreSQL engine and Redis at
127.0.0.1:6379 (db 5) for the submission benchmark; creates and drops databases named
``gms_bench*``, serves on ports 8100-8199. Prints the tables and writes
``benchmarks/results/latest.json`` and ``latest.md`` (``quick.json``/``quick.md`` with
``--quick``). What each figure means: ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import sys
import time

from . import common, dataset, pages, ranking, submit, xlsx


def run_engine(engine: str, quick: bool, skip: set[str], out: dict,
               tracemalloc: bool = False) -> dict:
    log = common.say
    res: dict = {}
    out[engine] = res
    workdir = common.workdir_for(engine)
    size = dataset.Size.quick() if quick else dataset.Size.full()

    log(f"{engine}: migrating (gms db upgrade heads) and building the national data set")
    url = common.migrated_database(engine, "gms_bench", workdir)
    app = common.make_app(url, workdir, TWO_FACTOR_ROLES=[])
    start = time.perf_counter()
    with app.app_context():
        info = dataset.build(size, log=log)
        transfers = 5_000 if quick else 100_000
        added = dataset.top_up_transfers(transfers)
        info["counts"]["transfers"] += added
    info = pages.national_info_ok(app, info)
    res["dataset"] = {"seconds": round(time.perf_counter() - start, 1),
                      "migration_seconds": common.migration_seconds(engine),
                      "counts": info["counts"], "size": size.__dict__}
    log(f"{engine}: data set ready in {res['dataset']['seconds']} s: {info['counts']}")
    res["dataset"]["objects_frozen"] = common.settle_heap()
    log(f"{engine}: {res['dataset']['objects_frozen']:,} objects of this process frozen out of "
        "the garbage collector's scans")

    if "pages" not in skip:
        repeat = 3 if quick else 20
        log(f"{engine}: timing {len(pages.page_list(info))} list pages ({repeat} requests each)")
        res["pages"] = pages.measure(app, pages.page_list(info), repeat)
        res["page_weight"] = pages.page_weight(app, info)
    if "xlsx" not in skip:
        log(f"{engine}: XLSX export of {info['counts']['transfers']:,} transfers")
        res["xlsx"] = xlsx.measure(url, workdir, info["finance"], trace=tracemalloc)
    if "submit" not in skip:
        if engine != "postgresql":
            res["submit"] = {"skipped": "served by gunicorn on PostgreSQL only"}
        else:
            rounds = 4 if quick else 20
            res["submit"] = submit.run(url, workdir, app, rounds)
            if not quick:
                log(f"{engine}: profiling in-process submissions (pyinstrument)")
                text = submit.profile(app)
                common.RESULTS.mkdir(parents=True, exist_ok=True)
                (common.RESULTS / "profile-submit.txt").write_text(text)
                res["submit"]["profile"] = "benchmarks/results/profile-submit.txt"
    _dispose(app)
    if "ranking" not in skip:
        sizes = [1000, 10000] if quick else [1000, 10000, 100000]
        rurl = common.migrated_database(engine, "gms_bench_ranking", workdir)
        rapp = common.make_app(rurl, workdir)
        res["ranking"] = ranking.run(rapp, sizes)
        _dispose(rapp)
    if "queries" not in skip:
        res["query_counts"] = pages.query_counts(engine, workdir,
                                                 sizes=(10, 200) if quick else (10, 1000))
    if engine == "postgresql":  # the national data set stays in gms_bench for inspection
        for name in ("gms_bench_pages", "gms_bench_ranking", "gms_bench_template"):
            common.drop_pg(name)
    return res


def _dispose(app) -> None:
    from gms.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


# ------------------------------------------------------------------------------ report

def targets(results: dict) -> list[dict]:
    """Each target of issue 7 with the measured value per engine."""
    rows = []
    for engine, r in results["engines"].items():
        s = r.get("submit") or {}
        if "ratio" in s:
            paced = s["paced"]["submit"]
            rows.append({"figure": "submit throughput / bare (closed loop, median of "
                         f"{len(s['ratio_rounds'])} rounds)", "target": "≥ 0.5",
                         "engine": engine, "value": s["ratio"], "ok": s["targets"]["ratio_ok"]})
            rows.append({"figure": f"submit p99 at half the bare throughput "
                         f"({paced['offered_per_s']}/s, open loop)", "target": "< 300 ms",
                         "engine": engine, "value": f"{paced['p99_ms']} ms",
                         "ok": s["targets"]["paced_p99_ok"]})
            rows.append({"figure": f"submit p99, closed loop ({s['clients']} clients always "
                         f"waiting; bare: {s['bare']['p99_ms']} ms)", "target": "< 300 ms",
                         "engine": engine, "value": f"{s['submit']['p99_ms']} ms",
                         "ok": s["targets"]["closed_loop_p99_ok"]})
        rk = r.get("ranking") or []
        if rk:
            last = rk[-1]
            rows.append({"figure": f"ranking {last['applications']:,}, every column",
                         "target": "< 1 s", "engine": engine, "value": f"{last['seconds']} s",
                         "ok": last["seconds"] < 1})
            rows.append({"figure": f"ranking {last['applications']:,}, as the award decision "
                         "reads it (no texts)", "target": "< 1 s", "engine": engine,
                         "value": f"{last['decision_seconds']} s",
                         "ok": last["decision_seconds"] < 1})
            growth = last.get("growth")
            rows.append({"figure": "ranking growth per 10× applications",
                         "target": "≈ 10× (linear, ≤ 12×)",
                         "engine": engine, "value": f"{growth}×" if growth else None,
                         "ok": bool(growth and growth <= 12)})
        qc = r.get("query_counts")
        if qc:
            bad = [p["page"] for p in qc["pages"] if not p["equal"]]
            rows.append({"figure": f"queries equal at {qc['sizes'][0]} and "
                         f"{qc['sizes'][-1]:,} rows", "target": "all pages",
                         "engine": engine, "value": "all equal" if not bad else
                         "differ: " + ", ".join(bad), "ok": not bad})
        pg = r.get("pages")
        if pg:
            worst = max(pg, key=lambda p: p["p95_ms"] or 0)
            errors = [p["page"] for p in pg if p["status"] != 200]
            rows.append({"figure": "list pages answer 200", "target": "all",
                         "engine": engine, "value": "all" if not errors else ", ".join(errors),
                         "ok": not errors})
            rows.append({"figure": "slowest list page p95", "target": "(no target)",
                         "engine": engine, "value": f"{worst['p95_ms']} ms ({worst['page']})",
                         "ok": None})
        x = r.get("xlsx")
        if x and "seconds" in x:
            rows.append({"figure": f"XLSX {x['rows']:,} transfers", "target": "< 10 s",
                         "engine": engine, "value": f"{x['seconds']} s",
                         "ok": x["targets"]["seconds_ok"]})
            rows.append({"figure": "XLSX peak memory (RSS)", "target": "< 300 MB",
                         "engine": engine, "value": f"{x['peak_rss_mb']} MB",
                         "ok": x["targets"]["memory_ok"]})
        w = r.get("page_weight")
        if w:
            worst = max(w, key=lambda p: p["gzip_bytes"])
            rows.append({"figure": "heaviest applicant page (gzip)", "target": "≤ 100 KB",
                         "engine": engine, "value": f"{worst['gzip_bytes'] / 1024:.1f} KB "
                         f"({worst['page']})", "ok": all(p["target_ok"] for p in w)})
    return rows


def markdown(results: dict) -> str:
    m = results["machine"]
    out = [f"# GMS benchmarks ({results['mode']} run, {m['date']})\n",
           f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, {m['os']}; "
           f"Python {m['python']}, PostgreSQL {m.get('postgresql', '—')}, SQLite "
           f"{m['sqlite']}, Redis {m.get('redis', '—')}, gunicorn {m.get('gunicorn', '—')}; "
           f"code {m.get('code', '—')}. "
           f"Whole run: {results['seconds']:.0f} s. Load average (1/5/15 min) at start "
           f"{m.get('load_average_at_start')}, at end {m.get('load_average_at_end')}: other "
           f"work on the machine slows every figure.\n",
           "## Targets\n",
           common.md_table(["figure", "target", "engine", "measured", "met"],
                           [[t["figure"], t["target"], t["engine"], t["value"],
                             {True: "yes", False: "**no**", None: "—"}[t["ok"]]]
                            for t in results["targets"]])]
    engines = results["engines"]
    for engine, r in engines.items():
        s = r.get("submit") or {}
        if "ratio" in s:
            out.append(f"## Submission throughput ({engine}, {s['clients']} clients, "
                       f"request body {s['request_body_bytes']:,} bytes)\n")
            paced = s["paced"]
            out.append(common.md_table(
                ["endpoint", "requests", "ok (302)", "seconds", "per second", "p50 ms",
                 "p95 ms", "p99 ms", "max ms", "gunicorn CPU ms/request", "statuses"],
                [[name, p["requests"], p["ok"], p["seconds"],
                  p.get("offered_per_s") and f"{p['throughput_per_s']} (offered "
                  f"{p['offered_per_s']})" or " / ".join(
                      str(t) for t in p.get("throughput_per_s_rounds", [])),
                  p["p50_ms"], p["p95_ms"], p["p99_ms"], p["max_ms"],
                  p.get("gunicorn_cpu_ms_per_request", ""),
                  ", ".join(f"{k}: {v}" for k, v in sorted(p["statuses"].items()))]
                 for name, p in (("bare write (/bench/bare), closed loop", s["bare"]),
                                 ("real submit, closed loop", s["submit"]),
                                 ("bare write, open loop", paced["bare"]),
                                 ("real submit, open loop", paced["submit"]))]))
            out.append(f"\nRatio submit/bare: **{s['ratio']}** (median of the rounds' ratios "
                       f"{', '.join(str(r) for r in s['ratio_rounds'])}). Submitted in the "
                       f"database: {s['submitted_in_db']:,} (answered 302: "
                       f"{s['submitted_expected']:,}); bare rows: {s['bare_rows_in_db']:,}; "
                       f"log-in 5xx retried before the phases: {s.get('login_5xx_retried')}.\n")
            cpu = [[name, *(s[name]["cpu_ms_per_request"].get(k, "") for k in
                            ("gunicorn", "postgresql", "client", "machine"))]
                   for name in ("bare", "submit") if "cpu_ms_per_request" in s[name]]
            if cpu:
                out.append("CPU per request in the closed-loop rounds, ms (from /proc; the "
                           "ratio of the last column is what the ratio of throughputs "
                           "follows when the cores are saturated):\n")
                out.append(common.md_table(["endpoint", "gunicorn", "PostgreSQL",
                                            "load generator", "whole machine"], cpu) + "\n")
            for name in ("bare", "submit"):
                b = s[name].get("postgresql_backends")
                if b:
                    states = ", ".join(f"{k} {v}" for k, v in
                                       list(b["mean_backends_by_state"].items())[:5])
                    out.append(f"PostgreSQL backends during {name} (mean per 20 ms sample): "
                               f"busy {b['mean_busy_backends']}; {states}.\n")
    rows = [[r["engine"], r["applications"], r["score_sheets"], r["seconds"],
             ", ".join(str(t) for t in r["seconds_runs"]), r["decision_seconds"],
             ", ".join(str(t) for t in r["decision_seconds_runs"]), r["queries"],
             f"{r['growth']}×" if r.get("growth") else ""]
            for e in engines.values() for r in e.get("ranking", [])]
    if rows:
        out.append("## Ranking (`gms.evaluation.ranking.ranking`, median of 3)\n")
        out.append("Every column, and as the award decision reads it (`texts=False`: no "
                   "number, title, organisation name or submission time).\n")
        out.append(common.md_table(["engine", "applications", "score sheets", "seconds",
                                    "runs", "decision's seconds", "runs", "SQL queries",
                                    "growth vs previous"], rows))
    names = [e for e in engines if engines[e].get("pages")]
    if names:
        out.append("## List pages (national data set; in-process test client)\n")
        header = ["page"]
        for e in names:
            header += [f"{e} queries", f"{e} p50 ms", f"{e} p95 ms"]
        qc = {e: {p["page"]: p for p in engines[e].get("query_counts", {}).get("pages", [])}
              for e in names}
        sizes = next((engines[e]["query_counts"]["sizes"] for e in names
                      if engines[e].get("query_counts")), [10, 1000])
        for e in names:
            header += [f"{e} queries at {sizes[0]}/{sizes[-1]} rows"]
        header += [f"KB at {sizes[0]}/{sizes[-1]} rows"]
        table = []
        for i, p in enumerate(engines[names[0]]["pages"]):
            row = [f"{p['page']} `{p['url']}`"]
            for e in names:
                q = engines[e]["pages"][i]
                row += [q["queries"], q["p50_ms"], q["p95_ms"]]
            for e in names:
                c = qc[e].get(p["page"])
                row.append(f"{c[f'queries_{sizes[0]}']}/{c[f'queries_{sizes[-1]}']}"
                           + ("" if c["equal"] else " **differ**") if c else "—")
            c = qc[names[0]].get(p["page"])
            row.append(f"{c.get(f'bytes_{sizes[0]}', 0) / 1024:.0f}/"
                       f"{c[f'bytes_{sizes[-1]}'] / 1024:.0f}" if c else "—")
            table.append(row)
        out.append(common.md_table(header, table))
    for engine, r in engines.items():
        x = r.get("xlsx")
        if x and "seconds" in x:
            out.append(f"## XLSX export ({engine})\n")
            out.append(common.md_table(
                ["rows", "seconds", "CPU seconds", "file bytes", "RSS before MB", "peak RSS MB",
                 "increase MB", "Python heap peak MB (tracemalloc)"],
                [[x["rows"], x["seconds"], x.get("cpu_seconds"), x["bytes"],
                  x["rss_before_mb"], x["peak_rss_mb"], x["peak_rss_increase_mb"],
                  x.get("python_heap_peak_mb")]]))
    weight = next((r["page_weight"] for r in engines.values() if r.get("page_weight")), None)
    if weight:
        out.append("## Applicant pages: bytes transferred (HTML + CSS + JS)\n")
        out.append(common.md_table(
            ["page", "files", "raw bytes", "gzip bytes", "HTML gzip bytes", "≤ 100 KB"],
            [[p["page"], len(p["files"]), p["raw_bytes"], p["gzip_bytes"],
              p["html_gzip_bytes"], "yes" if p["target_ok"] else "**no**"] for p in weight]))
    for engine, r in engines.items():
        d = r.get("dataset")
        if d:
            out.append(f"## Data set ({engine}): built in {d['seconds']} s "
                       f"(migrations {d['migration_seconds']} s)\n")
            out.append(common.md_table(["table", "rows"],
                                       [[k, v] for k, v in d["counts"].items()]))
    return "\n".join(out)


def main(argv: list[str]) -> None:
    if argv and argv[0] == "surge":
        from . import surge

        surge.main(argv[1:])
        return
    if argv and argv[0] == "ranking":
        sys.argv = ["benchmarks/ranking.py", *argv[1:]]
        ranking.main()
        return
    parser = argparse.ArgumentParser(prog="python3 dev.py bench",
                                     description="GMS benchmark suite (docs/benchmarks.md)")
    parser.add_argument("--engine", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--quick", action="store_true", help="small data set, ~2 minutes")
    parser.add_argument("--skip", default="", help="comma-separated: pages, xlsx, submit, "
                        "ranking, queries")
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also measure the XLSX export's Python heap peak (slower)")
    parser.add_argument("--output", help="result file stem (default latest, quick)")
    args = parser.parse_args(argv)
    common.hermetic_environment()
    engines = ["sqlite", "postgresql"] if args.engine == "both" else [args.engine]
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    start = time.perf_counter()
    results = {"mode": "quick" if args.quick else "full",
               "machine": common.machine(pg="postgresql" in engines), "engines": {}}
    for engine in engines:
        run_engine(engine, args.quick, skip, results["engines"], args.tracemalloc)
    results["seconds"] = round(time.perf_counter() - start, 1)
    results["machine"]["load_average_at_end"] = common.load_average()
    results["targets"] = targets(results)
    text = markdown(results)
    stem = args.output or ("quick" if args.quick else "latest")
    json_path, md_path = common.write_results(stem, results, text)
    print(text)
    common.say(f"wrote {json_path.relative_to(common.ROOT)} and {md_path.relative_to(common.ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
