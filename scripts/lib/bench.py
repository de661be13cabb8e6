"""The measurements behind docs/performance.md, run by scripts/bench; see there for what each means.

Starts the release server on SQLite and on PostgreSQL, seeds households over HTTP the way people
would, loads it with wrk on 127.0.0.1 (bounded: fixed duration, fixed connections), and prints one
table per engine next to a bare axum baseline from the same run. Standard library only.
"""

import argparse
import concurrent.futures
import http.cookiejar
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

PASSWORD = "bench password 1234"
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")
START_DEADLINE_S = 60


def log(message):
    print(message, file=sys.stderr, flush=True)


class Process:
    """A server started from its binary; its stdout (JSON log lines) goes to a file."""

    def __init__(self, argv, env, log_path):
        self.log_path = log_path
        self.log_file = open(log_path, "w")
        self.started = time.monotonic()
        self.proc = subprocess.Popen(argv, env=env, stdout=self.log_file, stderr=subprocess.STDOUT)

    def address(self):
        """Waits for the 'listening on http://…' line; returns the base URL."""
        deadline = time.monotonic() + START_DEADLINE_S
        pattern = re.compile(r"listening on (http://[0-9.:\[\]]+)")
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited early: {open(self.log_path).read()[-2000:]}")
            with open(self.log_path) as f:
                found = pattern.search(f.read())
            if found:
                return found.group(1)
            time.sleep(0.02)
        raise SystemExit("server did not start in time")

    def wait_healthy(self, base):
        deadline = time.monotonic() + START_DEADLINE_S
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        return time.monotonic() - self.started
            except OSError:
                pass
            time.sleep(0.01)
        raise SystemExit("server never became healthy")

    def rss_mib(self):
        return self._status("VmRSS")

    def peak_mib(self):
        return self._status("VmHWM")

    def _status(self, field):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def cpu_seconds(self):
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS

    def log_lines_from(self, offset):
        with open(self.log_path) as f:
            f.seek(offset)
            text = f.read()
        lines = []
        for raw in text.splitlines():
            try:
                lines.append(json.loads(raw))
            except ValueError:
                pass
        return lines

    def log_offset(self):
        self.log_file.flush()
        return os.path.getsize(self.log_path)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log_file.close()


class Person:
    """One member: a cookie jar, and server functions called as the hydrated app calls them."""

    def __init__(self, base, n):
        self.base = base
        self.email = f"bench{n}-{os.getpid()}@example.com"
        self.name = f"Member {n}"
        # Each member comes from an address of their own, as people at home do (BEHIND_PROXY).
        self.address = f"198.51.100.{n + 1}"
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def call(self, function, fields):
        body = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(
            f"{self.base}/api/{function}",
            data=body,
            headers={
                "Origin": self.base,
                "Accept": "application/json",
                "X-Forwarded-For": self.address,
            },
        )
        try:
            with self.opener.open(request, timeout=30) as r:
                return r.status, r.headers.get("Location"), r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("Location"), e.read().decode()

    def ok(self, function, fields):
        status, location, body = self.call(function, fields)
        if status >= 400:
            raise SystemExit(f"{function}: {status} {body}")
        return location, body

    def cookie(self):
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def day(offset):
    return time.strftime("%Y-%m-%d", time.gmtime(time.time() + offset * 86400))


def seed(base, households):
    """Households of two, each with a plan of one dinner and three options. The measured member
    votes; the other joined by invite and never votes, so the slot stays open through the load."""
    members = []
    for n in range(households):
        person = Person(base, n)
        person.ok("sign_up", {"display_name": person.name, "email": person.email, "password": PASSWORD})
        location, _ = person.ok("create_household", {"name": f"Home {n}"})
        household = location.rsplit("/", 1)[1]
        person.ok("create_invite", {"household_id": household, "expires_in_days": "7"})
        # A new invite link is shown once, from the session.
        _, body = person.ok("take_new_secret", {"kind": "invite_token", "household_id": household})
        token = json.loads(body)
        guest = Person(base, 1000 + n)
        guest.address = f"198.51.101.{n + 1}"
        guest.ok("sign_up", {"display_name": guest.name, "email": guest.email, "password": PASSWORD})
        guest.ok("join_household", {"token": token})
        location, _ = person.ok(
            "propose_plan",
            {
                "household_id": household,
                "title": "",
                "first_day": day(3),
                "days": "1",
                "meals": "dinner",
                "options": "Pasta\nCurry\nSoup",
                "deadline_date": day(2),
                "deadline_time": "18:00",
                "utc_offset_minutes": "0",
            },
        )
        plan = location.rsplit("/", 1)[1]
        _, body = person.ok("get_plan", {"household_id": household, "plan_id": plan})
        slot = json.loads(body)["slots"][0]["id"]
        _, body = person.ok("get_ballot_page", {"household_id": household, "slot_id": slot})
        options = [o["id"] for o in json.loads(body)["options"]]
        _, body = person.ok("get_shopping_list", {"household_id": household, "plan_id": plan})
        shopping = json.loads(body)
        members.append((person, household, slot, options, plan, shopping["poll_key"], shopping["version"]))
    return members


def concurrent_sign_ins(members):
    def sign_in(member):
        person = member[0]
        again = Person(person.base, 0)
        again.address = person.address
        status, _, body = again.call("sign_in", {"email": person.email, "password": PASSWORD})
        return status

    with concurrent.futures.ThreadPoolExecutor(len(members)) as pool:
        return list(pool.map(sign_in, members))


def wrk_script(requests):
    """A wrk script that cycles through the given (method, path, headers, body) requests."""
    entries = []
    for method, path, headers, body in requests:
        header_table = ", ".join(f"[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items())
        entries.append(f"{{{json.dumps(method)}, {json.dumps(path)}, {{{header_table}}}, {json.dumps(body) if body else 'nil'}}}")
    return (
        "local entries = {" + ",\n".join(entries) + "}\n"
        "local requests = {}\n"
        "local i = 0\n"
        "init = function(args)\n"
        "  for n, e in ipairs(entries) do requests[n] = wrk.format(e[1], e[2], e[3], e[4]) end\n"
        "  i = math.random(#requests)\n"
        "end\n"
        "request = function()\n"
        "  i = (i % #requests) + 1\n"
        "  return requests[i]\n"
        "end\n"
    )


def run_wrk(base, path, script, seconds, connections):
    argv = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    if script:
        f = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
        f.write(script)
        f.close()
        argv += ["-s", f.name]
    out = subprocess.run(argv + [base + path], capture_output=True, text=True, check=True).stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, socket.groups())) if socket else 0)
    return {
        "requests": requests,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency_ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
        "p99": latency_ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
        "errors": errors,
        "ok": requests - (int(non2xx.group(1)) if non2xx else 0),
    }


def latency_ms(text):
    number, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def phase(server, base, name, path, script, route, method, args):
    offset = server.log_offset()
    cpu = server.cpu_seconds()
    result = run_wrk(base, path, script, args.seconds, args.connections)
    result["cpu_ms"] = (server.cpu_seconds() - cpu) * 1000 / max(result["requests"], 1)
    lines = [
        line
        for line in server.log_lines_from(offset)
        if line.get("route") == route
        and line.get("method") == method
        and line.get("message") == "request completed"
    ]
    counts = [line["sql_statements"] for line in lines if "sql_statements" in line]
    result["statements"] = (sum(counts) / len(counts)) if counts else float("nan")
    result["rss"] = server.rss_mib()
    result["name"] = name
    return result


def ballots_acknowledged(engine, url):
    query = "select count(*) from outbox where kind = 'ballot_cast'"
    if engine == "sqlite":
        path = url.removeprefix("sqlite://")
        with sqlite3.connect(path) as db:
            return db.execute(query).fetchone()[0]
    out = subprocess.run(["psql", "-At", url, "-c", query], capture_output=True, text=True, check=True)
    return int(out.stdout.strip())


def bench_engine(engine, url, args, baseline_rps):
    env = dict(
        os.environ,
        DATABASE_URL=url,
        # A fresh database each run: `serve` migrates it (PostgreSQL's default is not to).
        MIGRATE_ON_START="true",
        HOST="127.0.0.1",
        PORT="0",
        LOG_FORMAT="json",
        BEHIND_PROXY="true",
        TICKER_INTERVAL_SECS="0",
        # Thousands of saves a second from 16 members: the per-member limit would refuse them.
        BALLOT_SAVES_PER_MINUTE="1000000",
        LEPTOS_SITE_ROOT=args.site_root,
        LEPTOS_ENV="PROD",
        LEPTOS_HASH_FILES="false",
    )
    log_path = os.path.join(args.work, f"server-{engine}.log")
    server = Process([args.binary, "serve"], env, log_path)
    base = server.address()
    healthy_s = server.wait_healthy(base)
    time.sleep(0.5)
    idle = server.rss_mib()
    log(f"[{engine}] healthy after {healthy_s * 1000:.0f} ms, RSS {idle:.1f} MiB; seeding")
    members = seed(base, args.households)
    statuses = concurrent_sign_ins(members)
    after_sign_ins = server.rss_mib()
    peak_sign_ins = server.peak_mib()
    time.sleep(2)
    settled = server.rss_mib()

    host = urllib.parse.urlparse(base).netloc
    pages = [
        ("GET", f"/households/{h}/slots/{s}", {"Cookie": p.cookie(), "Accept": "text/html", "Host": host}, None)
        for p, h, s, *_ in members
    ]
    lists = [
        ("GET", f"/households/{h}/plans/{plan}/list", {"Cookie": p.cookie(), "Accept": "text/html", "Host": host}, None)
        for p, h, _, _, plan, _, _ in members
    ]
    polls = [
        ("GET", f"/households/{h}/plans/{plan}/list/version",
         {"X-List-Key": key, "If-None-Match": f'"v{version}"', "Host": host}, None)
        for _, h, _, _, plan, key, version in members
    ]
    saves = []
    for p, h, s, options, *_ in members:
        for ranks in (("1", "2", ""), ("2", "1", "1"), ("", "", "1")):
            body = urllib.parse.urlencode(
                [("household_id", h), ("slot_id", s)] + [(f"rank-{o}", r) for o, r in zip(options, ranks)]
            )
            headers = {
                "Cookie": p.cookie(),
                "Origin": base,
                "Accept": "application/json",
                "Content-Type": "application/x-www-form-urlencoded",
                "Host": host,
            }
            saves.append(("POST", "/api/cast_ballot", headers, body))
    before = ballots_acknowledged(engine, url)
    results = [
        phase(server, base, "landing page", "/", None, "/", "GET", args),
        phase(server, base, "ballot page", "/", wrk_script(pages), "/households/{id}/slots/{slot}", "GET", args),
        phase(server, base, "ballot saves", "/", wrk_script(saves), "/api/cast_ballot", "POST", args),
        phase(server, base, "list page", "/", wrk_script(lists), "/households/{id}/plans/{plan}/list", "GET", args),
        phase(server, base, "list poll (304)", "/", wrk_script(polls),
              "/households/{id}/plans/{plan}/list/version", "GET", args),
    ]
    acknowledged = results[2]["ok"]
    stored = ballots_acknowledged(engine, url) - before
    peak = server.peak_mib()
    server.stop()
    print(f"\n## {engine}\n")
    print(f"start to healthy {healthy_s * 1000:.0f} ms · RSS idle {idle:.1f} MiB · "
          f"after {len(statuses)} concurrent sign-ins {after_sign_ins:.1f} MiB "
          f"(peak {peak_sign_ins:.1f}, {settled:.1f} two seconds later; answers {sorted(set(statuses))}) · "
          f"peak over the run {peak:.1f} MiB")
    # wrk stops counting when its time is up; requests still in flight then are stored without
    # being counted, so stored may exceed acknowledged. Fewer stored than acknowledged is a loss.
    in_flight = stored - acknowledged
    verdict = f"none lost ({in_flight} more stored: in flight when wrk stopped)" if in_flight >= 0 else f"{-in_flight} LOST"
    print(f"ballot saves acknowledged {acknowledged}, stored {stored}: {verdict}\n")
    print("| load | req/s | % of bare axum | p50 ms | p99 ms | errors | SQL statements/request | CPU ms/request | RSS after MiB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['name']} | {r['rps']:.0f} | {100 * r['rps'] / baseline_rps:.1f} | {r['p50']:.1f} | "
              f"{r['p99']:.1f} | {r['errors']} | {r['statements']:.2f} | {r['cpu_ms']:.3f} | {r['rss']:.1f} |")
    sys.stdout.flush()
    return stored >= acknowledged


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--baseline", required=True, help="the bare axum example binary")
    parser.add_argument("--site-root", required=True)
    parser.add_argument("--postgres-admin-url", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--households", type=int, default=16)
    parser.add_argument("--engines", default="sqlite,postgres")
    args = parser.parse_args()

    baseline = Process([args.baseline], dict(os.environ, PORT="0"), os.path.join(args.work, "baseline.log"))
    base = baseline.address()
    bare = run_wrk(base, "/", None, args.seconds, args.connections)
    baseline.stop()
    print(f"# mealvote bench ({time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, wrk -t2 "
          f"-c{args.connections} -d{args.seconds}s)\n")
    print(f"bare axum baseline: {bare['rps']:.0f} req/s, p50 {bare['p50']:.2f} ms, p99 {bare['p99']:.2f} ms")

    all_kept = True
    for engine in args.engines.split(","):
        if engine == "sqlite":
            url = f"sqlite://{os.path.join(args.work, 'bench.db')}"
        else:
            name = f"mealvote_bench_{os.getpid()}"
            quiet = dict(os.environ, PGOPTIONS="-c client_min_messages=warning")
            subprocess.run(["psql", "-q", args.postgres_admin_url, "-c", f"drop database if exists {name}"], check=True, env=quiet)
            subprocess.run(["psql", "-q", args.postgres_admin_url, "-c", f"create database {name}"], check=True)
            url = args.postgres_admin_url.rsplit("/", 1)[0] + "/" + name
        try:
            all_kept &= bench_engine(engine, url, args, bare["rps"])
        finally:
            if engine != "sqlite":
                subprocess.run(["psql", "-q", args.postgres_admin_url, "-c", f"drop database if exists {name}"], env=quiet)
    sys.exit(0 if all_kept else 1)


if __name__ == "__main__":
    main()
