#!/usr/bin/env python3
"""Benchmark harness for oms-preflight on a pair of real kernels (issue 7, BENCHMARKS.md).

  bench/run --tables N [--runs R] [--keep] [--json FILE] [--no-information-schema] [--prepare]

Builds the pair once (N tables of 20 columns over 10 databases, a primary key and a secondary
index each, identical on both tenants but for a few seeded differences), waits for the kernels'
compaction to go idle, stops them and keeps the data as golden copies. Each measured run clones
the golden data, boots both kernels cold, and times, on both tenants in parallel:

  check     oms-preflight check end to end (release build), with its peak RSS
  is        the information_schema baseline: TABLES, COLUMNS, STATISTICS as other tools read them
  inner     the same column metadata from the inner tables (__all_column), the physical limit

then check again warm, the statements each tenant received (through a counting proxy), the
bundle replay (check --snapshot) with its peak RSS, and --help. Three more boots time the
forward stage (B already holds every table but the last: all empty; every hundredth with a row
written after the DDL, no major compaction since; the same after a major compaction), cold then
warm, with its statements and how schema.target-empty decided (tables the tablet manager
proved empty, tables probed); then, on the warm kernels of the second, a check against a test OMS server holding 2,000 projects of which 10 touch the
pair (examples/oms_server.rs), beside the same check without OMS. The baselines run with the
tool's own driver (examples/raw_fetch.rs), so the ratios compare like with like; each
measurement gets its own boot so each meets cold kernels. Ratios are taken inside one
run. Prints a Markdown table.
"""
import argparse
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time

import pymysql

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEEKDB = os.path.join(REPO, "scripts", "seekdb")
HOME = os.environ.get("SEEKDB_HOME", os.path.join(REPO, ".seekdb"))
BINARY = os.path.join(REPO, "target", "release", "oms-preflight")
RAW_FETCH = os.path.join(REPO, "target", "release", "examples", "raw_fetch")
OMS_SERVER = os.path.join(REPO, "target", "release", "examples", "oms_server")
DATABASES = [f"bench{i:02d}" for i in range(10)]
USER, PASSWORD = "oms_bench", "Bench-pw-1"

COLUMNS = [
    ("c_int", "int NOT NULL DEFAULT 0"), ("c_bigint", "bigint DEFAULT NULL"), ("c_small", "smallint DEFAULT 1"),
    ("c_tiny", "tinyint(1) NOT NULL DEFAULT 0"), ("c_dec", "decimal(18,4) DEFAULT NULL"), ("c_float", "float DEFAULT NULL"),
    ("c_double", "double DEFAULT NULL"), ("c_vc32", "varchar(32) NOT NULL DEFAULT ''"), ("c_vc255", "varchar(255) DEFAULT NULL"),
    ("c_char", "char(8) DEFAULT NULL"), ("c_date", "date DEFAULT NULL"), ("c_dt", "datetime(6) DEFAULT NULL"),
    ("c_ts", "timestamp NULL DEFAULT NULL"), ("c_time", "time DEFAULT NULL"), ("c_enum", "enum('a','b','c') DEFAULT 'a'"),
    ("c_vc64", "varchar(64) DEFAULT NULL"), ("c_u", "int unsigned DEFAULT NULL"), ("c_year", "year DEFAULT NULL"),
    ("c_bin", "varbinary(16) DEFAULT NULL"),
]

IS_QUERIES = [
    "SELECT table_schema, table_name, table_type, table_rows, table_collation FROM information_schema.TABLES WHERE table_schema IN ({s})",
    "SELECT table_schema, table_name, column_name, ordinal_position, column_default, is_nullable, data_type, character_maximum_length, "
    "numeric_precision, numeric_scale, datetime_precision, character_set_name, collation_name, column_type, column_key, extra, "
    "column_comment, generation_expression FROM information_schema.COLUMNS WHERE table_schema IN ({s})",
    "SELECT table_schema, table_name, non_unique, index_name, seq_in_index, column_name, sub_part, nullable, index_type "
    "FROM information_schema.STATISTICS WHERE table_schema IN ({s})",
]


def inner_queries():
    """The statements the tool's fast path sends (its columns, then its tables), read from its
    source so the baseline fetches exactly the same metadata: each a string literal, or a
    `concat!` of literals and the `in_scope_tables!()` macro they share."""
    path = os.path.join(REPO, "src", "collect", "tenant", "dictionary.rs")
    source = open(path).read()
    literal = lambda text: re.sub(r"\\\n\s*", "", text)
    macro = re.search(r'macro_rules! in_scope_tables \{\s*\(\) => \{\s*"(.*?)"\s*\};', source, re.S)
    queries = []
    for name in ("COLUMNS", "TABLES"):
        plain = re.search(rf'pub const {name}: &str = "(.*?)";', source, re.S)
        joined = re.search(rf'pub const {name}: &str = concat!\((.*?)\);', source, re.S)
        if plain:
            queries.append(literal(plain.group(1)))
        elif joined and macro:
            parts = re.findall(r'"((?:[^"\\]|\\.)*)"|(in_scope_tables!\(\))', joined.group(1), re.S)
            queries.append("".join(literal(macro.group(1)) if call else literal(text) for text, call in parts))
        else:
            sys.exit(f"bench: cannot find dictionary::{name} in {path}")
    return queries


def seekdb(*args, env=None):
    return subprocess.run([SEEKDB, *args], check=True, capture_output=True, text=True, env=env).stdout.strip()


def connect(port, user="root", password=""):
    return pymysql.connect(host="127.0.0.1", port=port, user=user, password=password, autocommit=True, read_timeout=3600)


def ddl(database, i, on_b):
    columns = [("id", "bigint NOT NULL")] + COLUMNS
    if on_b and i == 7:  # a seeded difference: one column type differs on B
        columns = [(n, "varchar(40) DEFAULT NULL" if n == "c_vc32" else t) for n, t in columns]
    parts = [f"`{n}` {t}" for n, t in columns] + ["PRIMARY KEY (`id`)", "KEY `idx_vc_int` (`c_vc32`, `c_int`)"]
    return f"CREATE TABLE `{database}`.`t{i:05d}` ({', '.join(parts)})"


def populated(i):
    """The tables of B that already hold a row (a target pre-created and partly filled): every
    hundredth, so schema.target-empty has work at the forward stage."""
    return i % 100 == 0


def generate(port, tables, on_b):
    with connect(port) as c:
        cursor = c.cursor()
        for database in DATABASES:
            cursor.execute(f"CREATE DATABASE IF NOT EXISTS `{database}`")
        cursor.execute(f"CREATE USER IF NOT EXISTS '{USER}' IDENTIFIED BY '{PASSWORD}'")
        cursor.execute(f"GRANT SELECT ON *.* TO '{USER}'")
        cursor.execute(f"GRANT CREATE, SELECT, INSERT, UPDATE, DELETE ON `test`.* TO '{USER}'")
        for database in DATABASES:
            cursor.execute(f"GRANT ALL PRIVILEGES ON `{database}`.* TO '{USER}'")
    # Seeded differences: B lacks the last table, and one column type differs (see ddl).
    jobs = [(DATABASES[i % len(DATABASES)], i) for i in range(tables) if not (on_b and i == tables - 1)]
    lock, errors = threading.Lock(), []

    def worker(share):
        with connect(port) as c:
            cursor = c.cursor()
            cursor.execute("SET ob_query_timeout = 600000000")
            for database, i in share:
                for attempt in range(20):
                    try:
                        cursor.execute(ddl(database, i, on_b))
                        break
                    except pymysql.err.OperationalError as error:
                        if error.args[0] == 4023 and attempt < 19:
                            time.sleep(0.2)
                            continue
                        with lock:
                            errors.append((database, i, str(error)))
                        break

    threads = [threading.Thread(target=worker, args=(jobs[k::2],)) for k in range(2)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    if errors:
        sys.exit(f"table generation failed: {errors[:3]}")


def populate(port, tables):
    """Writes a row into every hundredth table of B (see populated)."""
    with connect(port) as c:
        cursor = c.cursor()
        for i in range(tables - 1):
            if populated(i):
                database = DATABASES[i % len(DATABASES)]
                cursor.execute(f"INSERT INTO `{database}`.`t{i:05d}` (`id`, `c_int`) VALUES (1, {i})")


def major_compaction(port, tables):
    """A major compaction of B, waited for: afterwards the rows sit in major sstables."""
    with connect(port) as c:
        c.cursor().execute("ALTER SYSTEM MAJOR FREEZE")
    wait_idle(port, tables, settle=10)


def wait_idle(port, tables, limit=3600, settle=None):
    """Mass DDL triggers major compactions (the first about a minute after the DDL) that make any
    timing meaningless; give them time to start, then wait until the status stays IDLE."""
    time.sleep(min(120, tables / 50) if settle is None else settle)
    deadline = time.time() + limit
    idle_since = None
    with connect(port) as c:
        cursor = c.cursor()
        while time.time() < deadline:
            cursor.execute("SELECT status FROM oceanbase.DBA_OB_MAJOR_COMPACTION")
            if all(row[0] == "IDLE" for row in cursor.fetchall()):
                idle_since = idle_since or time.time()
                if time.time() - idle_since >= 30:
                    return
            else:
                idle_since = None
            time.sleep(5)


def parallel(functions):
    results = [None] * len(functions)

    def run(k):
        results[k] = functions[k]()

    threads = [threading.Thread(target=run, args=(k,)) for k in range(len(functions))]
    started = time.time()
    [t.start() for t in threads]
    [t.join() for t in threads]
    return time.time() - started, results


def raw_fetch(ports, queries, env, workdir):
    """Seconds for `queries` on every port, all at once, each on its own connection."""
    scope = ", ".join(f"'{d}'" for d in DATABASES)
    files = []
    for k, query in enumerate(queries):
        path = os.path.join(workdir, f"baseline-{k}.sql")
        with open(path, "w") as f:
            f.write(query.replace("{scope}", scope).replace("{s}", scope))
        files.append(path)
    result = subprocess.run([RAW_FETCH, USER, "BENCH_PASSWORD", ",".join(files),
                             *(f"127.0.0.1:{p}" for p in ports)], capture_output=True, text=True, env=env, check=True)
    return json.loads(result.stdout)["seconds"]


class CountingProxy:
    """A TCP proxy in front of a kernel that counts the statements clients send: every
    COM_QUERY (0x03) and COM_STMT_EXECUTE (0x17) packet, commands being the packets with
    sequence id 0. The text of COM_QUERY and COM_STMT_PREPARE (0x16) is kept."""

    def __init__(self, target):
        self.target = target
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.lock = threading.Lock()
        self.texts, self.executes = [], 0
        threading.Thread(target=self._accept, daemon=True).start()

    def statements(self):
        """All statements, and those that read metadata: not the driver's and the tool's
        per-connection session setup (`SELECT @@...`, `SET SESSION ...`)."""
        with self.lock:
            queries = [text for kind, text in self.texts if kind == "query"]
            setup = sum(1 for text in queries if text.startswith(("SET ", "SELECT @@")))
            return len(queries) + self.executes, len(queries) + self.executes - setup

    def row_probes(self):
        """The row-probe statements (`(SELECT 0 FROM ... LIMIT 1) UNION ALL ...`)."""
        with self.lock:
            return sum(1 for kind, text in self.texts if kind == "query" and text.startswith("(SELECT 0 FROM "))

    def _accept(self):
        while True:
            client, _ = self.server.accept()
            upstream = socket.create_connection(("127.0.0.1", self.target))
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()

    def _pump(self, source, sink, commands):
        pending = b""
        try:
            while data := source.recv(1 << 16):
                sink.sendall(data)
                pending += data if commands else b""
                while commands and len(pending) >= 4:
                    length = int.from_bytes(pending[:3], "little")
                    if len(pending) < 4 + length:
                        break
                    sequence, payload, pending = pending[3], pending[4:4 + length], pending[4 + length:]
                    if sequence == 0 and payload[:1] in (b"\x03", b"\x16", b"\x17"):
                        with self.lock:
                            if payload[:1] == b"\x17":
                                self.executes += 1
                            else:
                                kind = "query" if payload[:1] == b"\x03" else "prepare"
                                self.texts.append((kind, payload[1:].decode("utf-8", "replace")))
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def timed(command, env):
    """Wall seconds and peak RSS (MB) of a command, via /usr/bin/time."""
    started = time.time()
    result = subprocess.run(["/usr/bin/time", "-f", "%M", *command], capture_output=True, text=True, env=env)
    elapsed = time.time() - started
    peak_kb = int(result.stderr.strip().splitlines()[-1])
    return elapsed, peak_kb / 1024, result


def plan(path, port_a, port_b, oms_port=None):
    scope = ", ".join(f'"{d}"' for d in DATABASES)
    oms = "" if oms_port is None else f"""[oms]
url = "http://127.0.0.1:{oms_port}"
user = "admin"
password_env = "BENCH_PASSWORD"

"""
    with open(path, "w") as f:
        f.write(oms + f"""[tenants.a]
host = "127.0.0.1"
port = {port_a}
user = "{USER}"
password_env = "BENCH_PASSWORD"
drc_user = "{USER}"
drc_password_env = "BENCH_PASSWORD"

[tenants.b]
host = "127.0.0.1"
port = {port_b}
user = "{USER}"
password_env = "BENCH_PASSWORD"
drc_user = "{USER}"
drc_password_env = "BENCH_PASSWORD"

[forward]
project = "bench_a_to_b"
source = "a"
target = "b"
migration = ["schema", "full", "incremental"]
ddl_sync = true
databases = [{scope}]

[reverse]
project = "bench_b_to_a"
source = "b"
target = "a"
migration = ["incremental"]
""")


def statements(row):
    (all_a, metadata_a), (all_b, metadata_b) = row["statements"]
    return f"{all_a} ({metadata_a}), {all_b} ({metadata_b})"


OMS_PROJECTS, OMS_TOUCHING = 2000, 10

# The forward stage's targets: (name, golden copy of B).
FORWARD_VARIANTS = [("empty", "b"), ("rows", "b-rows"), ("major", "b-major")]


def many_projects(ports, plan_path, workdir, env):
    """The pair checked against the test OMS server holding OMS_PROJECTS generated live
    projects, OMS_TOUCHING of them reading tenant A (examples/oms_server.rs, the live tests'
    server), beside the same check without [oms]; both on warm kernels, at the reverse stage
    (the server's forward project is running), so the difference is OMS's part."""
    server = subprocess.Popen([OMS_SERVER, str(OMS_PROJECTS), str(OMS_TOUCHING), "BENCH_PASSWORD",
                               f"127.0.0.1:{ports['a']}", f"127.0.0.1:{ports['b']}", DATABASES[0],
                               "bench_a_to_b", "bench_b_to_a"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    oms_port = int(server.stdout.readline())
    oms_plan = os.path.join(workdir, "plan-oms.toml")
    plan(oms_plan, ports["a"], ports["b"], oms_port)
    row = {}
    base = [BINARY, "check", plan_path, "--stage", "reverse", "--format", "json", "--timeout", "300"]
    row["oms_base_s"], _, _ = timed(base, env)
    # --stage reverse as the server's running forward project makes auto decide, but given:
    # at auto the forward target's rows are probed before OMS has said which stage it is.
    with_oms = [BINARY, "check", oms_plan, "--stage", "reverse", "--format", "json", "--timeout", "300"]
    row["oms_check_s"], row["oms_check_mb"], result = timed(with_oms, env)
    report = json.loads(result.stdout)
    row["oms_stage"] = report["stage"]
    row["oms_findings"] = [(f["rule"], f["side"], f["object"]) for f in report["findings"]]
    counts, _ = server.communicate(input="", timeout=60)
    counts = json.loads(counts)
    row["oms_actions"], row["oms_span_s"] = counts["actions"], counts["span_s"]
    return row


def golden_pair(tables, env, variants=("b-rows", "b-major")):
    """The stopped data directories of the pair with `tables` tables, built the first time: A;
    B with every table of A but the last, all empty (`b`); the same B after a row was written
    into every hundredth table (`b-rows`: no major compaction since); and that B after a major
    compaction (`b-major`)."""
    # v3: B's tables empty, and its two populated variants; v2 copies held only the populated B.
    golden = {side: f"bench-v3-{tables}-{side}" for side in ("a", "b", "b-rows", "b-major")}
    present = lambda g: os.path.isdir(os.path.join(HOME, "run", g, "store"))
    if not (present(golden["a"]) and present(golden["b"])):
        started = time.time()
        ports = {side: int(seekdb("start", golden[side], env=env)) for side in "ab"}
        parallel([lambda s=s: generate(ports[s], tables, s == "b") for s in "ab"])
        print(f"generated {tables} tables per tenant in {time.time() - started:.0f}s", file=sys.stderr)
        parallel([lambda s=s: wait_idle(ports[s], tables) for s in "ab"])
        print(f"compaction idle after {time.time() - started:.0f}s", file=sys.stderr)
        for side in "ab":
            seekdb("stop-keep", golden[side])
    for variant, source, write in (("b-rows", "b", populate), ("b-major", "b-rows", major_compaction)):
        if variant not in variants or present(golden[variant]):
            continue
        started = time.time()
        seekdb("stop", golden[variant])
        subprocess.run(["cp", "-a", "--sparse=always", os.path.join(HOME, "run", golden[source]),
                        os.path.join(HOME, "run", golden[variant])], check=True)
        write(int(seekdb("restart", golden[variant], env=env)), tables)
        seekdb("stop-keep", golden[variant])
        print(f"golden {variant} written in {time.time() - started:.0f}s", file=sys.stderr)
    return golden


def information_schema(row):
    return f"{row['is_cold_s']:.2f} / {row['is_warm_s']:.2f}" if "is_cold_s" in row else "not run"


def information_schema_ratio(row):
    return f"{row['is_cold_s'] / row['check_cold_s']:.1f}x" if "is_cold_s" in row else "not run"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tables", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the golden data for later runs")
    parser.add_argument("--json", help="also write the results as JSON here")
    parser.add_argument("--no-information-schema", action="store_true",
                        help="skip the information_schema baseline (a minute cold at 10,000 tables)")
    parser.add_argument("--prepare", action="store_true", help="only build the golden data (implies --keep)")
    parser.add_argument("--no-major", action="store_true",
                        help="leave out B after a major compaction (preparing it waits for the compaction of "
                             "every table: tens of minutes at 10,000 tables)")
    args = parser.parse_args()
    variants = [(v, b) for v, b in FORWARD_VARIANTS if not (args.no_major and v == "major")]
    if args.prepare:
        env = dict(os.environ, BENCH_PASSWORD=PASSWORD, NO_COLOR="1")
        env.setdefault("SEEKDB_MEMORY_BUDGET", "2G" if args.tables > 2000 else "1G")
        golden_pair(args.tables, env, [b for _, b in variants])
        return

    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "oms-preflight", "--example", "raw_fetch",
                    "--example", "oms_server"],
                   cwd=REPO, check=True)
    env = dict(os.environ, BENCH_PASSWORD=PASSWORD, NO_COLOR="1")
    env.setdefault("SEEKDB_MEMORY_BUDGET", "2G" if args.tables > 2000 else "1G")
    golden = golden_pair(args.tables, env, [b for _, b in variants])

    workdir = os.path.join(HOME, "bench-work")
    os.makedirs(workdir, exist_ok=True)
    plan_path = os.path.join(workdir, "plan.toml")
    bundle = os.path.join(workdir, "bundle.json")

    def boot(b="b"):
        """Fresh clones of the golden data (B as `b`: see golden_pair), booted: the next query
        meets cold kernels."""
        clones = {side: f"{golden[side if side == 'a' else b]}-run" for side in "ab"}
        for side in "ab":
            seekdb("stop", clones[side])
            source = golden[side if side == "a" else b]
            subprocess.run(["cp", "-a", "--sparse=always", os.path.join(HOME, "run", source),
                            os.path.join(HOME, "run", clones[side])], check=True)
        ports = {side: int(seekdb("restart", clones[side], env=env)) for side in "ab"}
        plan(plan_path, ports["a"], ports["b"])
        return clones, ports

    results = []
    for run in range(args.runs):
        row = {"tables": args.tables, "run": run}
        # Boot 1: the physical limit: the fast path's own statements, raw, cold then warm.
        clones, ports = boot()
        row["inner_s"] = raw_fetch(ports.values(), inner_queries(), env, workdir)
        row["inner_warm_s"] = raw_fetch(ports.values(), inner_queries(), env, workdir)
        # Boot 2: what other tools pay: information_schema, cold then warm.
        if not args.no_information_schema:
            clones, ports = boot()
            row["is_cold_s"] = raw_fetch(ports.values(), IS_QUERIES, env, workdir)
            row["is_warm_s"] = raw_fetch(ports.values(), IS_QUERIES, env, workdir)
        # Boot 3: oms-preflight, cold then warm; then, untimed, the statements per tenant
        # through counting proxies, the bundle and its replay.
        clones, ports = boot()
        check = [BINARY, "check", plan_path, "--stage", "reverse", "--format", "json", "--timeout", "300"]
        row["check_cold_s"], row["check_cold_mb"], result = timed(check, env)
        report = json.loads(result.stdout)
        row["exit_code"] = report["exit_code"]
        row["catalog"] = [report["endpoints"][side]["catalog"] for side in "ab"]
        row["findings"] = [(f["rule"], f["side"], f["object"]) for f in report["findings"]]
        row["inconclusive"] = [o["rule"] for o in report["outcomes"] if o["status"] == "inconclusive"]
        row["check_warm_s"], row["check_warm_mb"], _ = timed(check, env)
        proxies = {side: CountingProxy(ports[side]) for side in "ab"}
        proxied_plan = os.path.join(workdir, "plan-proxied.toml")
        plan(proxied_plan, proxies["a"].port, proxies["b"].port)
        subprocess.run([BINARY, "check", proxied_plan, "--stage", "reverse", "--format", "json", "--timeout", "300"],
                       env=env, capture_output=True)
        row["statements"] = [proxies[side].statements() for side in "ab"]
        subprocess.run([BINARY, "collect", plan_path, "--out", bundle, "--timeout", "300"], env=env, check=True, capture_output=True)
        row["bundle_mb"] = os.path.getsize(bundle) / 1e6
        # The replay needs no kernel, as on a support engineer's machine: stop them first so
        # their background work does not share the two cores with it.
        for side in "ab":
            seekdb("stop", clones[side])
        row["snapshot_s"], row["snapshot_mb"], _ = timed([BINARY, "check", "--snapshot", bundle, "--stage", "reverse", "--format", "json"], env)
        row["help_ms"] = min(timed([BINARY, "--help"], env)[0] for _ in range(5)) * 1000
        # Boots 4-6: the forward stage against a target that already holds the schema (B has
        # every table but the last): all empty; every hundredth holding a row, no major
        # compaction since; the same after a major compaction. Cold then warm, its statements;
        # then, on the warm kernels of the second, the many-projects OMS case.
        row["forward"] = {}
        for variant, b in variants:
            clones, ports = boot(b)
            forward = [BINARY, "check", plan_path, "--stage", "forward", "--format", "json", "--timeout", "300"]
            result_row = {}
            result_row["cold_s"], result_row["cold_mb"], result = timed(forward, env)
            report = json.loads(result.stdout)
            result_row["findings"] = {}
            for f in report["findings"]:
                result_row["findings"][f["rule"]] = result_row["findings"].get(f["rule"], 0) + 1
            result_row["inconclusive"] = [o["rule"] for o in report["outcomes"] if o["status"] == "inconclusive"]
            result_row["emptiness"] = report["endpoints"]["b"]["emptiness"]
            result_row["warm_s"], result_row["warm_mb"], _ = timed(forward, env)
            proxies = {side: CountingProxy(ports[side]) for side in "ab"}
            plan(proxied_plan, proxies["a"].port, proxies["b"].port)
            subprocess.run([BINARY, "check", proxied_plan, "--stage", "forward", "--format", "json", "--timeout", "300"],
                           env=env, capture_output=True)
            result_row["statements"] = [proxies[side].statements() for side in "ab"]
            result_row["row_probes"] = proxies["b"].row_probes()
            if variant == "rows":
                row.update(many_projects(ports, plan_path, workdir, env))
            for side in "ab":
                seekdb("stop", clones[side])
            row["forward"][variant] = result_row
        results.append(row)

    if not args.keep:
        seekdb("stop", *golden.values())
    print("| tables | check cold / warm (s) | inner tables cold / warm (s) | information_schema cold / warm (s) "
          "| check cold / inner cold | information_schema cold / check cold | statements a, b (metadata) | check RSS (MB) "
          "| snapshot (s) | snapshot RSS (MB) | bundle (MB) | --help (ms) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['tables']} | {r['check_cold_s']:.2f} / {r['check_warm_s']:.2f} | {r['inner_s']:.2f} / {r['inner_warm_s']:.2f} "
              f"| {information_schema(r)} | {r['check_cold_s'] / r['inner_s']:.2f}x "
              f"| {information_schema_ratio(r)} | {statements(r)} "
              f"| {max(r['check_cold_mb'], r['check_warm_mb']):.0f} | {r['snapshot_s']:.2f} | {r['snapshot_mb']:.0f} "
              f"| {r['bundle_mb']:.1f} | {r['help_ms']:.0f} |")
    print("\n| tables | B's tables | forward check cold / warm (s) | reverse check cold (s) | forward / reverse (cold) "
          "| reverse / inner tables (cold) | proven empty by the tablet manager | probed | with rows (named) "
          "| row-probe statements on B | statements a, b (metadata) | forward RSS (MB) | forward findings |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        for variant, _ in variants:
            f = r["forward"][variant]
            e = f["emptiness"] or {}
            findings = ", ".join(f"{rule} {n}" for rule, n in sorted(f["findings"].items()))
            (all_a, meta_a), (all_b, meta_b) = f["statements"]
            print(f"| {r['tables']} | {variant} | {f['cold_s']:.2f} / {f['warm_s']:.2f} | {r['check_cold_s']:.2f} "
                  f"| {f['cold_s'] / r['check_cold_s']:.2f}x | {r['check_cold_s'] / r['inner_s']:.2f}x "
                  f"| {e.get('decided_by_dictionary')} | {e.get('probed')} | {e.get('non_empty')} ({e.get('listed')}) "
                  f"| {f['row_probes']} | {all_a} ({meta_a}), {all_b} ({meta_b}) "
                  f"| {max(f['cold_mb'], f['warm_mb']):.0f} | {findings} |")
    print("\n| tables | OMS projects (touching the pair) | check with OMS / without, warm (s) | OMS requests "
          "| first to last OMS request (s) | check RSS with OMS (MB) | stage |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        requests = ", ".join(f"{action} {n}" for action, n in sorted(r["oms_actions"].items()))
        print(f"| {r['tables']} | {OMS_PROJECTS} ({OMS_TOUCHING}) | {r['oms_check_s']:.2f} / {r['oms_base_s']:.2f} "
              f"| {sum(r['oms_actions'].values())}: {requests} | {r['oms_span_s']:.2f} | {r['oms_check_mb']:.0f} "
              f"| {r['oms_stage']} |")
    last = results[-1]
    print(f"\nlast run: exit {last['exit_code']}, catalog {last['catalog']}, findings {last['findings']}, "
          f"inconclusive {last['inconclusive']}", file=sys.stderr)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
