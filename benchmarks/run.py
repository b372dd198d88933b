"""Time relate's commands as whole processes, as a user or a script runs them.

    python benchmarks/run.py                 # 1k, 10k, 100k contacts (20 interactions each)
    python benchmarks/run.py --quick         # 10k only, fewer runs: about a minute
    python benchmarks/run.py --sizes 10000 --runs 15
    python benchmarks/run.py --quick --engine postgresql   # also on a local server

With ``--engine postgresql`` the same commands run, in the same rounds, against a
PostgreSQL database loaded from the same file (``relate restore``): ``--pg-url`` (a
server URL whose user may create databases), else ``RELATE_BENCH_PG_URL``, else a
throwaway server started in a temporary folder (tests/pg_cluster.py). Their rows say
``[postgresql]``; the target is at most 2x the same command on SQLite.

For each size the cached database (benchmarks/data/, built by generate.py on first
use) is used through ``RELATE_DB``, with ``RELATE_NOW`` and ``TZ`` pinned. Every
command gets one warm-up run, then ``--runs`` timed runs, interleaved round-robin so
machine noise falls on all commands alike. The table gives the median, the spread
(min-max), the ratio to the floor process measured in the same run, peak RSS of the
process, and whether the issue's targets (issue 5, docs/performance.md) are met.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
import import_files  # noqa: E402

INTERACTIONS_PER_CONTACT = 20
REFERENCE_SIZE = 10_000
NOW = generate.DEFAULT_NOW
SEARCH_WORD = "renovation"
IMPORT_CARDS = 20_000  # issue 11: a 20,000-card vCard (iPhone, Android 2.1, Google, Nextcloud)
IMPORT_ROWS = 50_000  # and a 50,000-row Google CSV
VOBJECT_ALONE = "vobject alone parses the vCard file"
IMPORT_VCARD = f"relate import {IMPORT_CARDS // 1000}k-card .vcf"
IMPORT_CSV = f"relate import {IMPORT_ROWS // 1000}k-row Google .csv"
# The same files at a tenth of the size: peak RSS must not grow with the file (it streams).
IMPORT_VCARD_SMALL = f"relate import {IMPORT_CARDS // 10_000}k-card .vcf"
IMPORT_CSV_SMALL = f"relate import {IMPORT_ROWS // 10_000}k-row Google .csv"
CSV_FLOOR_NAME = f"floor (csv module + sqlite3 executemany, {IMPORT_ROWS // 1000}k rows)"
# The CSV target, 20,000 rows/s, as a ratio to the CSV floor of the same run, so that a
# loaded or slow machine slows both alike: <= 12x the floor is >= 20,000 rows/s wherever
# the floor writes >= 240,000 rows/s (it writes 260,000-290,000 rows per CPU second on
# the 2-core development machine, so 12x keeps a margin of 8-17% under the 20k).
CSV_FLOOR_RATIO = 12
COMPLETE_PREFIX = "an"
FLOOR_NAME = "floor (sqlite3 agenda query)"  # the "x floor" column's floor

# The floor: the least any Python tool can do for an agenda. Open the file with stdlib
# sqlite3 and run indexed, LIMITed agenda queries; print the rows.
FLOOR = """
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
today = sys.argv[2]
for r in c.execute("SELECT id, text, coalesce(snoozed_until, due_at) AS d FROM reminder "
        "WHERE done_at IS NULL AND coalesce(snoozed_until, due_at) < :t ORDER BY d LIMIT 10",
        {"t": today}):
    print(*r, sep="\\t")
for r in c.execute("SELECT id, name, next_due_on FROM contact WHERE archived_at IS NULL "
        "AND next_due_on IS NOT NULL AND next_due_on <= :t ORDER BY next_due_on LIMIT 10",
        {"t": today}):
    print(*r, sep="\\t")
"""


def relate_command() -> list[str]:
    """The console script next to this interpreter (what users run), else -m relate."""
    script = Path(sys.executable).parent / "relate"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "relate"]


@dataclass
class Bench:
    size: int
    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    runs: int | None = None  # fewer runs for long ones
    rows: int | None = None  # for rows/s
    prepare: Callable[[], None] | None = None  # before each run, untimed (a fresh database)
    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # user + system seconds of the process
    rss_kb: list[int] = field(default_factory=list)
    failed: str | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def run_once(bench: Bench, base_env: dict[str, str]) -> None:
    env = {**base_env, **bench.env}
    if bench.prepare is not None:
        bench.prepare()
    started = time.perf_counter()
    proc = subprocess.Popen(bench.argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        bench.failed = f"exit {proc.returncode}: {err.decode(errors='replace').strip()[:200]}"
        return
    bench.times.append(elapsed)
    bench.cpu.append(usage.ru_utime + usage.ru_stime)
    bench.rss_kb.append(usage.ru_maxrss)


def build(size: int, env: dict[str, str]) -> Path:
    """The cached database for ``size``, generated in a child process (so this
    process stays small: a child's peak RSS counts the parent's pages at fork)."""
    argv = [
        sys.executable,
        str(HERE / "generate.py"),
        "--contacts",
        str(size),
        "--interactions",
        str(size * INTERACTIONS_PER_CONTACT),
        "--now",
        NOW,
    ]
    proc = subprocess.run(argv, env=env, stdout=subprocess.PIPE, text=True, check=True)
    return Path(proc.stdout.strip().splitlines()[-1])


def pick_name(db: Path) -> str:
    """A full name that resolves to exactly one live contact (an exact-name lookup)."""
    conn = sqlite3.connect(db)
    try:
        count = conn.execute("SELECT count(*) FROM contact").fetchone()[0]
        row = conn.execute(
            """SELECT min(name) FROM contact WHERE archived_at IS NULL
            AND name_key NOT IN (SELECT alias_key FROM contact_alias)
            GROUP BY name_key HAVING count(*) = 1 ORDER BY name_key LIMIT 1 OFFSET :n""",
            {"n": count // 40},
        ).fetchone()
    finally:
        conn.close()
    return str(row[0])


POSTGRES = " [postgresql]"
POSTGRES_COMMANDS = (
    "relate today",
    "relate today --format json",
    "relate list --format csv",
    "relate log NAME TEXT",
    f"relate search {SEARCH_WORD}",
    "relate show NAME",
)


def postgres_benches(size: int, sqlite_benches: list[Bench], url: str, log_url: str) -> list[Bench]:
    """The same commands against the server: RELATE_DB names it instead of the file."""
    benches = []
    for bench in sqlite_benches:
        if bench.name in POSTGRES_COMMANDS:
            target = log_url if "RELATE_DB" in bench.env else url
            env = {**bench.env, "RELATE_DB": target}
            benches.append(Bench(size, bench.name + POSTGRES, bench.argv, env, bench.runs))
    return benches


class Server:
    """Where the PostgreSQL benchmarks run: a URL given, or a throwaway local server."""

    def __init__(self, url: str | None) -> None:
        self.cluster: object | None = None
        if url is None:
            sys.path.insert(0, str(HERE.parent / "tests"))
            import pg_cluster

            binaries = pg_cluster.find_binaries()
            if binaries is None:
                raise SystemExit("--engine postgresql: no PostgreSQL server binaries found")
            cluster = pg_cluster.PgCluster(binaries)
            cluster.start()
            self.cluster = cluster
            url = cluster.url("postgres")
        self.admin_url = url

    def url(self, database: str) -> str:
        base, _, _ = self.admin_url.rpartition("/")
        return f"{base}/{database}"

    def load(self, name: str, db: Path, env: dict[str, str]) -> str:
        """A database ``name`` holding what the file ``db`` holds (dropped first)."""
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        url = self.url(name)
        subprocess.run(
            [*relate_command(), "--db", url, "restore", str(db), "--yes"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            cwd=tempfile.gettempdir(),
        )
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
        return url

    def copy(self, source: str, name: str) -> str:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
        return self.url(name)

    def stop(self) -> None:
        if self.cluster is not None:
            self.cluster.stop()  # type: ignore[attr-defined]


def benches_for(size: int, db: Path, log_db: Path, with_startup: bool) -> list[Bench]:
    relate = relate_command()
    name = pick_name(db)
    rows = size * INTERACTIONS_PER_CONTACT
    today = NOW[:10]
    benches = [Bench(size, FLOOR_NAME, [sys.executable, "-c", FLOOR, str(db), today])]
    if with_startup:
        benches += [
            Bench(size, "python -c pass", [sys.executable, "-c", "pass"]),
            Bench(size, "relate --help", [*relate, "--help"]),
        ]
    benches += [
        Bench(size, "relate today", [*relate, "today"]),
        Bench(size, "relate today --format json", [*relate, "today", "--format", "json"]),
        Bench(size, "relate list --format csv", [*relate, "list", "--format", "csv"]),
        Bench(
            size,
            "relate log NAME TEXT",
            [*relate, "log", name, "Call about the renovation", "--kind", "call"],
            env={"RELATE_DB": str(log_db)},
        ),
        Bench(size, f"relate search {SEARCH_WORD}", [*relate, "search", SEARCH_WORD]),
        Bench(size, "relate show NAME", [*relate, "show", name]),
        Bench(
            size,
            f"complete 'relate show {COMPLETE_PREFIX}'",
            [*relate],
            env={
                "_RELATE_COMPLETE": "complete_bash",
                "COMP_WORDS": f"relate show {COMPLETE_PREFIX}",
                "COMP_CWORD": "2",
            },
        ),
    ]
    export = Bench(
        size,
        "relate export interactions --format csv",
        [*relate, "export", "interactions", "--format", "csv"],
        rows=rows,
    )
    if export_available(db):
        export.runs = 3 if size > REFERENCE_SIZE else 5
        benches.append(export)
    else:
        export.failed = "n/a (not available)"
        benches.append(export)
    return benches


# The vCard library on its own, card by card (on its own it stops at the first card it
# cannot read, which real files have): the yardstick for relate's whole import.
VOBJECT_PARSE = """
import logging, sys, vobject
logging.disable(logging.CRITICAL)
text = open(sys.argv[1], encoding="utf-8", newline="").read()
for card in text.split("END:VCARD")[:-1]:
    try:
        vobject.readOne(card + "END:VCARD\\r\\n", ignoreUnreadable=True)
    except Exception:
        pass
"""


# The floor of a CSV import: the least any Python tool can do with the same file. Read
# it with the csv module and write every row's cells to a table of a new SQLite file
# with executemany, in one transaction (committed with an fsync, as relate's is).
CSV_FLOOR = """
import csv, os, sqlite3, sys
db = sqlite3.connect(sys.argv[2], isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=FULL")
with open(sys.argv[1], encoding="utf-8", newline="") as f:
    rows = csv.reader(f)
    header = next(rows)
    db.execute("CREATE TABLE row (%s)" % ",".join("c%d" % i for i in range(len(header))))
    db.execute("BEGIN")
    db.executemany("INSERT INTO row VALUES (%s)" % ",".join("?" * len(header)), rows)
    db.execute("COMMIT")
"""


CREATE_DB = (
    "import sys; from pathlib import Path; from relate.storage.database import open_database;"
    " open_database(Path(sys.argv[1])).close()"
)


def import_benches(folder: Path, empty_db: Path) -> list[Bench]:
    """The import benchmarks of issue 11, each run into a fresh empty database."""
    target = folder / "import.db"

    def fresh() -> None:
        shutil.copyfile(empty_db, target)

    relate = relate_command()
    env = {"RELATE_DB": str(target)}
    size = REFERENCE_SIZE
    benches = []
    for cards, rows, vcard_name, csv_name in (
        (IMPORT_CARDS // 10, IMPORT_ROWS // 10, IMPORT_VCARD_SMALL, IMPORT_CSV_SMALL),
        (IMPORT_CARDS, IMPORT_ROWS, IMPORT_VCARD, IMPORT_CSV),
    ):
        vcf, csv_file = folder / f"contacts-{cards}.vcf", folder / f"contacts-{rows}.csv"
        with vcf.open("wb") as out:
            for chunk in import_files.vcards(cards):
                out.write(chunk.encode("utf-8"))
        with csv_file.open("wb") as out:
            for chunk in import_files.google_csv(rows):
                out.write(chunk.encode("utf-8"))
        if cards == IMPORT_CARDS:
            benches.append(
                Bench(size, VOBJECT_ALONE, [sys.executable, "-c", VOBJECT_PARSE, str(vcf)], runs=3)
            )
            floor_db = folder / "csv-floor.db"

            def no_floor_db() -> None:
                for path in folder.glob("csv-floor.db*"):
                    path.unlink()

            floor = [sys.executable, "-c", CSV_FLOOR, str(csv_file), str(floor_db)]
            benches.append(Bench(size, CSV_FLOOR_NAME, floor, runs=3, prepare=no_floor_db))
        benches += [
            Bench(size, vcard_name, [*relate, "import", str(vcf)], env, 3, cards, prepare=fresh),
            Bench(size, csv_name, [*relate, "import", str(csv_file)], env, 3, rows, prepare=fresh),
        ]
    return benches


def export_available(db: Path) -> bool:
    proc = subprocess.run(
        [*relate_command(), "export", "--help"],
        env={**os.environ, "RELATE_DB": str(db)},
        capture_output=True,
    )
    return proc.returncode == 0


@dataclass
class Target:
    text: str
    ok: bool | None


def targets(benches: list[Bench]) -> dict[tuple[int, str], Target]:
    by = {(b.size, b.name): b for b in benches if b.times}
    sizes = sorted({b.size for b in benches})
    out: dict[tuple[int, str], Target] = {}

    def get(size: int, name: str) -> Bench | None:
        return by.get((size, name))

    for size in sizes:
        floor = get(size, FLOOR_NAME)
        today = get(size, "relate today")
        if floor and today and size == REFERENCE_SIZE:
            out[(size, today.name)] = Target("<= 5x floor", today.median <= 5 * floor.median)
        ref_today = get(REFERENCE_SIZE, "relate today")
        if today and ref_today and size > REFERENCE_SIZE:
            ratio = today.median / ref_today.median
            out[(size, today.name)] = Target(f"<= 2x 10k ({ratio:.2f}x)", ratio <= 2)
        passing = get(size, "python -c pass")
        helping = get(size, "relate --help")
        if passing and helping:
            ratio = helping.median / passing.median
            out[(size, helping.name)] = Target(f"<= 8x pass ({ratio:.1f}x)", ratio <= 8)
        log = get(size, "relate log NAME TEXT")
        if floor and log:
            out[(size, log.name)] = Target("<= 6x floor", log.median <= 6 * floor.median)
        for name in ("relate today", "relate log NAME TEXT"):
            local, server = get(size, name), get(size, name + POSTGRES)
            if local and server and size == REFERENCE_SIZE:
                ratio = server.median / local.median
                out[(size, server.name)] = Target(f"<= 2x SQLite ({ratio:.2f}x)", ratio <= 2)
        completion = get(size, f"complete 'relate show {COMPLETE_PREFIX}'")
        if completion and today:
            # "as fast as today", with 10% for noise between two equal-cost processes
            out[(size, completion.name)] = Target(
                "<= today (+10%)", completion.median <= 1.1 * today.median
            )
        alone, vcard_import = get(size, VOBJECT_ALONE), get(size, IMPORT_VCARD)
        if alone and vcard_import:
            ratio = vcard_import.median / alone.median
            cpu_ratio = statistics.median(vcard_import.cpu) / statistics.median(alone.cpu)
            rss = max(vcard_import.rss_kb) / 1024
            out[(size, vcard_import.name)] = Target(
                f"<= 1.5x vobject ({ratio:.2f}x; CPU {cpu_ratio:.2f}x), RSS < 80 MB",
                ratio <= 1.5 and rss < 80,
            )
        csv_import, csv_floor = get(size, IMPORT_CSV), get(size, CSV_FLOOR_NAME)
        if csv_import and csv_import.rows and csv_floor:
            ratio = csv_import.median / csv_floor.median
            cpu_ratio = statistics.median(csv_import.cpu) / statistics.median(csv_floor.cpu)
            cpu_rate = csv_import.rows / statistics.median(csv_import.cpu)
            rss = max(csv_import.rss_kb) / 1024
            out[(size, csv_import.name)] = Target(
                f"20k rows/s: <= {CSV_FLOOR_RATIO}x CSV floor ({ratio:.1f}x; CPU {cpu_ratio:.1f}x,"
                f" {cpu_rate:,.0f} rows/s), RSS < 80 MB",
                ratio <= CSV_FLOOR_RATIO and cpu_ratio <= CSV_FLOOR_RATIO and rss < 80,
            )
        for small_name, big_name in (
            (IMPORT_VCARD_SMALL, IMPORT_VCARD),
            (IMPORT_CSV_SMALL, IMPORT_CSV),
        ):
            small, big = get(size, small_name), get(size, big_name)
            if small and big:
                growth = (max(big.rss_kb) - max(small.rss_kb)) / 1024
                out[(size, small.name)] = Target(
                    f"RSS flat: 10x the file adds {growth:.1f} MB (< 10)", growth < 10
                )
        export = get(size, "relate export interactions --format csv")
        if export and export.rows:
            rate = export.rows / export.median
            rss = max(export.rss_kb) / 1024
            ok = rate >= 150_000
            text = ">= 150k rows/s"
            if export.rows == 200_000:
                ok = ok and rss < 80
                text += ", RSS < 80 MB"
            small = get(REFERENCE_SIZE, export.name)
            if small and size > REFERENCE_SIZE:
                growth = rss - max(small.rss_kb) / 1024
                ok = ok and growth < 10
                text += f", RSS +{growth:.1f} MB < 10"
            out[(size, export.name)] = Target(text, ok)
    return out


def table(benches: list[Bench]) -> str:
    checks = targets(benches)
    floors = {b.size: b.median for b in benches if b.name == FLOOR_NAME and b.times}
    header = (
        "contacts",
        "command",
        "median ms",
        "spread ms",
        "x floor",
        "CPU ms",
        "peak RSS MB",
        "rows/s",
        "target",
        "result",
    )
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for b in benches:
        if not b.times:
            cells = [f"{b.size:,}", f"`{b.name}`", b.failed or "n/a", "", "", "", "", "", "", ""]
        else:
            ms = b.median * 1000
            spread = f"{min(b.times) * 1000:.0f}-{max(b.times) * 1000:.0f}"
            ratio = f"{b.median / floors[b.size]:.1f}" if b.size in floors else ""
            rate = f"{b.rows / b.median:,.0f}" if b.rows else ""
            check = checks.get((b.size, b.name))
            result = "" if check is None else ("PASS" if check.ok else "FAIL")
            cells = [
                f"{b.size:,}",
                f"`{b.name}`",
                f"{ms:.0f}",
                spread,
                ratio,
                f"{statistics.median(b.cpu) * 1000:.0f}",
                f"{max(b.rss_kb) / 1024:.0f}",
                rate,
                check.text if check else "",
                result,
            ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default="1000,10000,100000",
        help="contact counts, comma-separated (20 interactions each)",
    )
    parser.add_argument("--runs", type=int, default=10, help="timed runs per command")
    parser.add_argument("--quick", action="store_true", help="10k contacts, 5 runs")
    parser.add_argument(
        "--no-import", action="store_true", help="skip the import benchmarks (about 3 minutes)"
    )
    parser.add_argument(
        "--import-only", action="store_true", help="only the import benchmarks (and the floor)"
    )
    parser.add_argument(
        "--engine",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="postgresql: also run the commands against a PostgreSQL server",
    )
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("RELATE_BENCH_PG_URL"),
        help="a server URL whose user may create databases (else a throwaway local one)",
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    runs = args.runs
    if args.quick:
        sizes, runs = [REFERENCE_SIZE], min(runs, 5)

    os.environ["TZ"] = "UTC"
    time.tzset()
    base_env = {**os.environ, "RELATE_NOW": NOW, "TZ": "UTC", "NO_COLOR": "1"}
    base_env.pop("TTY_COMPATIBLE", None)
    # Installed packages have their bytecode cached; measure that, not recompiling
    # every module on every run (the warm-up writes the cache).
    base_env.pop("PYTHONDONTWRITEBYTECODE", None)
    startup_size = REFERENCE_SIZE if REFERENCE_SIZE in sizes else sizes[0]

    all_benches: list[Bench] = []
    server = Server(args.pg_url) if args.engine == "postgresql" else None
    with tempfile.TemporaryDirectory(prefix="relate-bench-") as tmp:
        for size in sizes:
            began = time.perf_counter()
            db = build(size, base_env)
            log_db = Path(tmp) / f"log-{size}.db"
            shutil.copyfile(db, log_db)  # logs grow a copy, never the cached file
            env = {**base_env, "RELATE_DB": str(db)}
            benches = benches_for(size, db, log_db, size == startup_size)
            if args.import_only:
                benches = benches[:1]  # the floor
            elif server is not None:
                url = server.load(f"relate_bench_{size}", db, base_env)
                log_url = server.copy(f"relate_bench_{size}", f"relate_bench_{size}_log")
                benches += postgres_benches(size, benches, url, log_url)
            if size == REFERENCE_SIZE and not args.no_import:
                empty = Path(tmp) / "empty.db"
                subprocess.run([sys.executable, "-c", CREATE_DB, str(empty)], check=True)
                benches += import_benches(Path(tmp), empty)
            live = [b for b in benches if b.failed is None]
            for bench in live:  # warm-up: page cache, .pyc files, a migration if any
                run_once(bench, env)
                bench.times.clear()
                bench.rss_kb.clear()
                bench.cpu.clear()
            for round_ in range(runs):
                for bench in live:
                    if bench.failed is None and round_ < (bench.runs or runs):
                        run_once(bench, env)
            all_benches += benches
            print(
                f"measured {size:,} contacts in {time.perf_counter() - began:.0f} s",
                file=sys.stderr,
            )
            for bench in benches:
                if bench.failed and bench.times == []:
                    print(f"  {bench.name}: {bench.failed}", file=sys.stderr)

    if server is not None:
        server.stop()
    python = sys.version.split()[0]
    print(
        f"relate benchmarks: Python {python}, SQLite {sqlite3.sqlite_version}, "
        f"{os.cpu_count()} CPUs; {runs} runs after a warm-up; RELATE_NOW={NOW}"
    )
    print()
    print(table(all_benches))
    failed = [b for b in all_benches if b.failed and b.failed != "n/a (not available)"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
