#!/usr/bin/env python3
"""bench.py — sbx against bubblewrap: launch time, CPU time per launch, bind
scaling, concurrency, include cost, the kernel's floor and resident memory. Started by bench/run,
which builds the tools and stages them; see bench/README section in README.md.

Every comparison runs interleaved in one go (sbx, bwrap, sbx, bwrap, ...) by
the C driver (sbx-bench-driver), so a machine that drifts affects both
alike; ratios are the median of the per-round ratios sbx / bwrap. CPU time
is user + system time of a launch's whole process tree (see driver.c), for
the same launches as the wall-clock times.
bubblewrap's arguments come from `sbx --print-bwrap-args` on the same
profile and options, so the two sandboxes cannot drift apart.
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import time

FIRST_FD = 10  # descriptors handed to bwrap (--file, --seccomp) start here


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- statistics

def quantile(values, q):
    s = sorted(values)
    if not s:
        return None
    pos = (len(s) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def summary(values_ms, cpu_ms=None):
    out = {
        "n": len(values_ms),
        "median_ms": quantile(values_ms, 0.5),
        "p25_ms": quantile(values_ms, 0.25),
        "p75_ms": quantile(values_ms, 0.75),
        "min_ms": min(values_ms) if values_ms else None,
        "p90_ms": quantile(values_ms, 0.9),
    }
    if cpu_ms is not None:  # user + system time of the launch's process tree
        out.update({"cpu_median_ms": quantile(cpu_ms, 0.5), "cpu_p25_ms": quantile(cpu_ms, 0.25),
                    "cpu_p75_ms": quantile(cpu_ms, 0.75)})
    return out


def ratio_summary(a, b):
    r = [x / y for x, y in zip(a, b) if y > 0]
    return {"median": quantile(r, 0.5), "p25": quantile(r, 0.25), "p75": quantile(r, 0.75), "n": len(r)}


def linear_fit(xs, ys):
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    slope = sxy / sxx
    return slope, my - slope * mx


# ------------------------------------------------------------------- running

class Bench:
    def __init__(self, args):
        self.sbx = args.sbx
        self.driver = args.driver
        self.stage = args.stage
        self.bwrap = shutil.which("bwrap") or sys.exit("bench: bwrap not found")
        self.unshare = shutil.which("unshare") or sys.exit("bench: unshare not found")
        self.true = shutil.which("true")
        self.scale = args.scale
        self.prefix, self.user_env = self.user_prefix(args.user)
        self.userdir = os.path.join(self.stage, "user")  # written by the unprivileged user
        self.specs = {}
        self.notes = {}
        self.failures = []

    def user_prefix(self, user):
        """The command prefix that runs a tool as the unprivileged user, with
        the same small environment every time (sbx keeps some variables)."""
        import pwd
        if os.getuid() == 0:
            if not user:
                sys.exit("bench: refusing to benchmark as root; pass --user")
            pw = pwd.getpwnam(user)
            self.user_ids = (pw.pw_uid, pw.pw_gid)
            env = {"HOME": pw.pw_dir, "USER": user, "LOGNAME": user}
            prefix = ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups", "--reset-env"]
        else:
            pw = pwd.getpwuid(os.getuid())
            env = {"HOME": pw.pw_dir, "USER": pw.pw_name, "LOGNAME": pw.pw_name}
            prefix = []
        env.update({"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"})
        return prefix + ["env", "-i"] + [f"{k}={v}" for k, v in sorted(env.items())], env

    def as_user(self, argv, **kw):
        return subprocess.run(self.prefix + argv, cwd="/", capture_output=True, text=True, **kw)

    def write(self, name, text):
        path = os.path.join(self.stage, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o644)
        return path

    def write_spec(self, name, argv, fds=()):
        words = []
        for fd, path in fds:
            words += ["fd", str(fd), path]
        words += ["argv"] + list(argv)
        path = os.path.join(self.stage, "specs", name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(b"\0".join(w.encode() for w in words) + b"\0")
        os.chmod(path, 0o644)
        return path

    def bwrap_argv(self, name, sbx_args, target):
        """bubblewrap's argv and descriptors for the sandbox sbx would build."""
        out = self.as_user([self.sbx] + sbx_args + ["--print-bwrap-args", "--"] + target)
        if out.returncode != 0:
            sys.exit(f"bench: sbx --print-bwrap-args failed for {name}: {out.stderr.strip()}")
        cmd = json.loads(out.stdout)
        fds, subst = [], {}
        fd = FIRST_FD
        for i, content in enumerate(cmd["files"]):
            path = self.write(f"files/{name}.{i}", content)
            subst["{FD%d}" % i] = str(fd)
            fds.append((fd, path))
            fd += 1
        if cmd["seccomp"]:
            bpf = os.path.join(self.userdir, f"{name}.bpf")
            out = self.as_user([self.sbx] + sbx_args + ["--export-seccomp", bpf, "--", "true"])
            if out.returncode != 0:
                sys.exit(f"bench: sbx --export-seccomp failed for {name}: {out.stderr.strip()}")
            subst["{SECCOMP}"] = str(fd)
            fds.append((fd, bpf))
        self.notes[name] = {"not_expressible_in_bwrap": cmd["not_expressible"],
                            "bwrap_args": len(cmd["bwrap"])}
        return [self.bwrap] + [subst.get(a, a) for a in cmd["bwrap"]], fds

    def pair(self, name, sbx_args, target=("true",)):
        """Specs for sbx and bwrap building the same sandbox."""
        target = list(target)
        self.specs[f"sbx:{name}"] = self.write_spec(f"sbx-{name}", [self.sbx] + sbx_args + ["--"] + target)
        argv, fds = self.bwrap_argv(name, sbx_args, target)
        self.specs[f"bwrap:{name}"] = self.write_spec(f"bwrap-{name}", argv, fds)

    def drive(self, mode, a, b, names):
        cmd = [self.driver, mode, str(a), str(b)] + [self.specs[n] for n in names]
        out = self.as_user(cmd)
        if out.returncode != 0:
            sys.exit(f"bench: driver failed: {out.stderr.strip()}")
        if out.stderr.strip():
            log("  (stderr of the launches) " + out.stderr.strip().replace("\n", "\n  ")[:2000])
        rows = []  # per round, per command: (wall ms, status or failures, CPU ms)
        for line in out.stdout.splitlines():
            rows.append([(int(t) / 1e6, int(s), int(c) / 1e3) for t, s, c in (w.split(":") for w in line.split())])
        return rows

    def rounds(self, names, n, warmup):
        rows = self.drive("rounds", max(1, int(n * self.scale)), warmup, names)
        times = {name: [r[i][0] for r in rows] for i, name in enumerate(names)}
        fails = {name: sum(1 for r in rows if r[i][1] != 0) for i, name in enumerate(names)}
        cpu = {name: [r[i][2] for r in rows] for i, name in enumerate(names)}
        for name, count in fails.items():
            if count:
                self.failures.append(f"{name}: {count} launches failed")
        return times, fails, cpu

    def check(self, name):
        """One launch must succeed before it is timed."""
        rows = self.drive("rounds", 1, 0, [name])
        if rows[0][0][1] != 0:
            sys.exit(f"bench: {name} does not run (exit {rows[0][0][1]}); see its stderr above")

    # ------------------------------------------------------------- cases

    def setup(self):
        os.makedirs(self.userdir, exist_ok=True)
        if os.getuid() == 0:  # sbx --export-seccomp writes here as the user
            os.chown(self.userdir, self.user_ids[0], self.user_ids[1])
        self.specs["true"] = self.write_spec("true", [self.true])
        self.specs["unshare"] = self.write_spec("unshare", [self.unshare, "-Urmpf", "--mount-proc", self.true])
        self.pair("default", [])
        self.pair("share-net", ["--share-net"])
        # Bind scaling: N distinct host directories at distinct places.
        for n in (10, 100, 250, 500, 1000):
            lines = ['include = ["default"]\n']
            for i in range(n):
                src = os.path.join(self.stage, "binds", f"d{i:04d}")
                os.makedirs(src, exist_ok=True)
                lines.append(f'[[mount]]\ntype = "ro-bind"\nsource = "{src}"\ndest = "/bench/d{i:04d}"\n')
            profile = self.write(f"profiles/binds{n}.toml", "".join(lines))
            self.pair(f"binds{n}", ["--profile", profile])
        # Three levels of include: top -> mid -> base -> default.
        self.write("profiles/inc-base.toml", 'include = ["default"]\n[env.set]\nBENCH_BASE = "1"\n')
        self.write("profiles/inc-mid.toml", 'include = ["./inc-base.toml"]\n[env.set]\nBENCH_MID = "1"\n')
        top = self.write("profiles/inc-top.toml", 'include = ["./inc-mid.toml"]\n[env.set]\nBENCH_TOP = "1"\n')
        self.pair("include3", ["--profile", top])
        for name in self.specs:
            self.check(name)
        self.check_cpu_accounting()

    def check_cpu_accounting(self):
        """The CPU time of a launch must include processes its launcher
        leaves behind (bubblewrap's PID 1 is one): the same busy loop, run
        once in the launched shell and once in a child it orphans, must
        count alike. wait4's rusage alone would see ~0 for the orphan."""
        loop = "i=0; while [ $i -lt 10000 ]; do i=$((i+1)); done"
        self.specs["cpu-direct"] = self.write_spec("cpu-direct", ["sh", "-c", loop])
        self.specs["cpu-orphan"] = self.write_spec("cpu-orphan", ["sh", "-c", f"({loop}) & exit 0"])
        rows = self.drive("rounds", 3, 1, ["cpu-direct", "cpu-orphan"])
        direct = quantile([r[0][2] for r in rows], 0.5)
        orphan = quantile([r[1][2] for r in rows], 0.5)
        if not direct or orphan < 0.7 * direct:
            sys.exit(f"bench: the driver misses CPU time of orphaned processes ({orphan:.1f} ms counted of "
                     f"{direct:.1f} ms); CPU ratios would be wrong")
        del self.specs["cpu-direct"], self.specs["cpu-orphan"]

    def case_launch(self):
        names = ["sbx:default", "bwrap:default", "sbx:share-net", "bwrap:share-net", "true", "unshare"]
        times, fails, cpu = self.rounds(names, 250, 20)
        return {
            "commands": {n: dict(summary(times[n], cpu[n]), failures=fails[n]) for n in names},
            "ratios": {
                "net unshared": ratio_summary(times["sbx:default"], times["bwrap:default"]),
                "net shared": ratio_summary(times["sbx:share-net"], times["bwrap:share-net"]),
            },
            "cpu_ratios": {
                "net unshared": ratio_summary(cpu["sbx:default"], cpu["bwrap:default"]),
                "net shared": ratio_summary(cpu["sbx:share-net"], cpu["bwrap:share-net"]),
            },
        }

    def case_binds(self):
        """Each count runs in rounds with the plain default profile, so the
        time the binds add is measured within a round: t(N) - t(0)."""
        counts = [10, 100, 250, 500, 1000]
        # bubblewrap's cost grows faster than linearly: fewer rounds where it is slow.
        reps = {10: 50, 100: 30, 250: 16, 500: 12, 1000: 10}
        tools = ("sbx", "bwrap")
        result = {"commands": {}, "ratios": {}, "added_ms": {t: {} for t in tools},
                  "per_bind_us": {t: {} for t in tools}}
        zero = {t: [] for t in tools}
        medians = {t: {} for t in tools}
        for n in counts:
            names = ["sbx:default", "bwrap:default", f"sbx:binds{n}", f"bwrap:binds{n}"]
            times, fails, cpu = self.rounds(names, reps[n], 2)
            for tool in tools:
                name = f"{tool}:binds{n}"
                result["commands"][name] = dict(summary(times[name], cpu[name]), failures=fails[name])
                medians[tool][n] = result["commands"][name]
                zero[tool] += times[f"{tool}:default"]
                added = [b - a for a, b in zip(times[f"{tool}:default"], times[name])]
                result["added_ms"][tool][n] = {"median": quantile(added, 0.5), "p25": quantile(added, 0.25),
                                               "p75": quantile(added, 0.75)}
                result["per_bind_us"][tool][n] = quantile(added, 0.5) * 1000 / n
            result["ratios"][f"{n} binds"] = ratio_summary(times[f"sbx:binds{n}"], times[f"bwrap:binds{n}"])
        for tool in tools:
            medians[tool][0] = summary(zero[tool])
        # The least-squares line through the added medians (and the origin point).
        xs = [0] + counts
        result["fit"] = {}
        for tool in tools:
            ys = [0.0] + [result["added_ms"][tool][n]["median"] for n in counts]
            slope, intercept = linear_fit(xs, ys)
            result["fit"][tool] = {"us_per_bind": slope * 1000, "intercept_ms": intercept}
        result["per_bind_ratio_at_1000"] = result["per_bind_us"]["sbx"][1000] / result["per_bind_us"]["bwrap"][1000]
        result["series"] = {tool: [{"binds": x, "median_ms": medians[tool][x]["median_ms"],
                                    "p25_ms": medians[tool][x]["p25_ms"], "p75_ms": medians[tool][x]["p75_ms"],
                                    "added_ms": result["added_ms"][tool][x]["median"] if x else 0.0}
                                   for x in xs] for tool in tools}
        return result

    def case_concurrent(self, k=32):
        names = ["sbx:default", "bwrap:default"]
        # The first batch of each is a warm-up: timed out, but its failures count.
        rows = self.drive("batch", k, max(1, int(8 * self.scale)) + 1, names)
        out = {"sandboxes_per_batch": k, "commands": {}}
        for i, name in enumerate(names):
            walls = [r[i][0] for r in rows[1:]]
            per_launch_cpu = [r[i][2] / k for r in rows[1:]]
            failed = sum(r[i][1] for r in rows)
            out["commands"][name] = dict(summary(walls, per_launch_cpu), failures=failed, launches=k * len(rows))
            if failed:
                self.failures.append(f"{name}: {failed} of {k * len(rows)} concurrent launches failed")
        rows = rows[1:]
        out["ratio"] = ratio_summary([r[0][0] for r in rows], [r[1][0] for r in rows])
        out["cpu_ratio"] = ratio_summary([r[0][2] for r in rows], [r[1][2] for r in rows])
        return out

    def case_include(self):
        names = ["sbx:include3", "bwrap:include3", "sbx:default"]
        times, fails, cpu = self.rounds(names, 150, 10)
        return {
            "commands": {n: dict(summary(times[n], cpu[n]), failures=fails[n]) for n in names},
            "ratios": {"sbx / bwrap": ratio_summary(times["sbx:include3"], times["bwrap:include3"]),
                       "sbx include3 / sbx default": ratio_summary(times["sbx:include3"], times["sbx:default"])},
            "cpu_ratios": {"sbx / bwrap": ratio_summary(cpu["sbx:include3"], cpu["bwrap:include3"]),
                           "sbx include3 / sbx default": ratio_summary(cpu["sbx:include3"], cpu["sbx:default"])},
        }

    # ------------------------------------------------------------ memory

    @staticmethod
    def process_tree(root):
        children = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    stat = f.read()
            except OSError:
                continue
            # comm may hold spaces and parentheses: the fields follow the last ')'.
            comm = stat[stat.index("(") + 1:stat.rindex(")")]
            ppid = int(stat[stat.rindex(")") + 2:].split()[1])
            children.setdefault(ppid, []).append((int(entry), comm))
        tree, todo = [], [(root, None, 0)]
        while todo:
            pid, comm, depth = todo.pop()
            if comm is None:
                try:
                    with open(f"/proc/{pid}/comm") as f:
                        comm = f.read().strip()
                except OSError:
                    comm = "?"
            tree.append({"pid": pid, "comm": comm, "depth": depth})
            todo += [(c, n, depth + 1) for c, n in children.get(pid, [])]
        return tree

    @staticmethod
    def rollup(pid):
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                text = f.read()
        except OSError as e:
            return {"error": e.strerror}
        fields = {}
        for line in text.splitlines():
            parts = line.split()
            if len(parts) >= 3 and parts[2] == "kB":
                fields[parts[0].rstrip(":")] = int(parts[1])
        return {"rss_kb": fields.get("Rss"), "pss_kb": fields.get("Pss"),
                "pss_anon_kb": fields.get("Pss_Anon"), "anon_kb": fields.get("Anonymous")}

    def memory_of(self, spec_name, samples=3):
        """Resident memory of every process of the tool but the target, while
        the target (sleep) runs; the launcher is found as the child we start,
        the rest as its descendants."""
        with open(self.specs[spec_name], "rb") as f:
            words = [w.decode() for w in f.read().split(b"\0") if w]
        fds, i = [], 0
        while words[i] == "fd":
            fds.append((int(words[i + 1]), words[i + 2]))
            i += 3
        argv = words[i + 1:]
        argv[-1:] = ["sleep", "600"] if argv[-1] == "true" else argv[-1:]
        runs = []
        for _ in range(samples):
            opened = []
            for fd, path in fds:
                tmp = os.open(path, os.O_RDONLY)
                os.dup2(tmp, fd, inheritable=True)
                os.close(tmp)
                opened.append(fd)
            proc = subprocess.Popen(self.prefix + argv, cwd="/", pass_fds=opened, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            for fd in opened:
                os.close(fd)
            try:
                tree = []
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline:
                    tree = self.process_tree(proc.pid)
                    if any(p["comm"] == "sleep" for p in tree):
                        break
                    time.sleep(0.05)
                else:
                    sys.exit(f"bench: {spec_name}: the target never started: {tree}")
                time.sleep(0.2)  # past sbx's hand-over to its small supervisor (50 ms) and its exec
                tree = self.process_tree(proc.pid)
                resident = [dict(p, **self.rollup(p["pid"])) for p in tree if p["comm"] != "sleep"]
                runs.append(resident)
            finally:
                for p in reversed(self.process_tree(proc.pid)):
                    try:
                        os.kill(p["pid"], signal.SIGKILL)
                    except OSError:
                        pass
                proc.wait()
        # The sample with the median total PSS.
        def total(run, key):
            vals = [p.get(key) for p in run]
            return None if any(v is None for v in vals) else sum(vals)
        runs.sort(key=lambda run: total(run, "pss_kb") or 0)
        chosen = runs[len(runs) // 2]
        return {"processes": chosen, "total_pss_kb": total(chosen, "pss_kb"),
                "total_anon_kb": total(chosen, "anon_kb"), "total_rss_kb": total(chosen, "rss_kb"),
                "count": len(chosen)}

    def case_memory(self):
        out = {name: self.memory_of(name) for name in ("sbx:default", "bwrap:default")}
        s, b = out["sbx:default"], out["bwrap:default"]
        for key in ("total_pss_kb", "total_anon_kb"):
            if s[key] and b[key]:
                out[f"ratio_{key[6:-3]}"] = s[key] / b[key]
        return out


# ------------------------------------------------------------------- output

def machine():
    info = {"nproc": os.cpu_count(), "kernel": platform.release(), "date": datetime.datetime.now(
        datetime.timezone.utc).isoformat(timespec="seconds")}
    try:
        with open("/proc/cpuinfo") as f:
            info["cpu"] = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
        with open("/proc/meminfo") as f:
            info["memory_mb"] = int(next(l.split()[1] for l in f if l.startswith("MemTotal"))) // 1024
    except (OSError, StopIteration):
        pass
    # Other work on the machine widens the spread; the ratios stay comparable.
    info["loadavg_at_start"] = os.getloadavg()
    return info


def fmt_ms(s):
    return f"{s['median_ms']:8.2f}  {s['p25_ms']:7.2f}-{s['p75_ms']:<7.2f}"


def fmt_cpu(s):
    return f"{s['cpu_median_ms']:7.2f}  {s['cpu_p25_ms']:6.2f}-{s['cpu_p75_ms']:<6.2f}"


def fmt_ratio(r):
    return f"{r['median']:.3f} ({r['p25']:.3f}-{r['p75']:.3f})"


def table(res):
    lines = []
    add = lines.append
    add(f"{'case / command':40} {'median ms':>9}  {'p25-p75 ms':15} {'fail':>4}  {'cpu ms':>7}  {'p25-p75':13}")
    def rows(title, cmds):
        add(title)
        for name, s in cmds.items():
            add(f"  {name:38} {fmt_ms(s)} {s['failures']:4d}  {fmt_cpu(s)}")
    c = res["cases"]
    rows("1. true, default profile (+ 5. floor); cpu: user+system of the process tree", c["launch"]["commands"])
    for k, r in c["launch"]["ratios"].items():
        add(f"  ratio sbx/bwrap, {k:22} {fmt_ratio(r)}")
    for k, r in c["launch"]["cpu_ratios"].items():
        add(f"  cpu ratio sbx/bwrap, {k:18} {fmt_ratio(r)}")
    rows("2. extra read-only binds", c["binds"]["commands"])
    for k, r in c["binds"]["ratios"].items():
        add(f"  ratio sbx/bwrap, {k:22} {fmt_ratio(r)}")
    b = c["binds"]
    for tool in ("sbx", "bwrap"):
        add(f"  time per bind, {tool:6} (added median / N) " +
            "  ".join(f"N={n}: {v:.0f} us" for n, v in b["per_bind_us"][tool].items()))
    add(f"  per-bind ratio sbx/bwrap at N=1000: {b['per_bind_ratio_at_1000']:.3f}; least-squares slope: "
        f"sbx {b['fit']['sbx']['us_per_bind']:.0f} us, bwrap {b['fit']['bwrap']['us_per_bind']:.0f} us")
    cc = c["concurrent"]
    add(f"3. {cc['sandboxes_per_batch']} concurrent sandboxes, wall time per batch (cpu: per launch)")
    for name, s in cc["commands"].items():
        add(f"  {name:38} {fmt_ms(s)} {s['failures']:4d}  {fmt_cpu(s)}  of {s['launches']}")
    add(f"  ratio sbx/bwrap, {'batch':22} {fmt_ratio(cc['ratio'])}")
    add(f"  cpu ratio sbx/bwrap, {'batch':18} {fmt_ratio(cc['cpu_ratio'])}")
    rows("4. three levels of include", c["include"]["commands"])
    for k, r in c["include"]["ratios"].items():
        add(f"  ratio {k:32} {fmt_ratio(r)}")
    for k, r in c["include"]["cpu_ratios"].items():
        add(f"  cpu ratio {k:28} {fmt_ratio(r)}")
    add("resident memory while the target runs (every process but the target)")
    for name in ("sbx:default", "bwrap:default"):
        m = c["memory"][name]
        procs = ", ".join(f"{p['comm']}[{p['depth']}] pss {p.get('pss_kb')} anon {p.get('anon_kb')}"
                          + (f" ({p['error']})" if "error" in p else "") for p in m["processes"])
        add(f"  {name:14} PSS {m['total_pss_kb']} kB, anon {m['total_anon_kb']} kB  <- {procs}")
    for key in ("ratio_pss", "ratio_anon"):
        if key in c["memory"]:
            add(f"  {key.replace('_', ' ')} sbx/bwrap {c['memory'][key]:.3f}")
    return "\n".join(lines)


def plot(res, results_dir):
    series = res["cases"]["binds"]["series"]
    dat = os.path.join(results_dir, "binds.dat")
    with open(dat, "w") as f:
        for tool in ("sbx", "bwrap"):
            f.write(f"# {tool}: binds median p25 p75 (ms)\n")
            for p in series[tool]:
                f.write(f"{p['binds']} {p['median_ms']:.4f} {p['p25_ms']:.4f} {p['p75_ms']:.4f} {p['added_ms']:.4f}\n")
            f.write("\n\n")
    png = os.path.join(results_dir, "binds.png")
    m = res["machine"]
    # Left: the launch time itself. Right: the time the binds add, log-log,
    # where a linear cost is a line of slope 1 and a quadratic one of slope 2.
    script = f"""
set terminal pngcairo size 1200,560 font ",11"
set output "{png}"
set multiplot layout 1,2 title "sbx and bubblewrap with N extra read-only binds (median of interleaved runs, bars p25-p75)\\n{m.get('cpu', '')}, {m['nproc']} CPUs, Linux {m['kernel']}, {m['date'][:10]}"
set grid
set key top left
set xlabel "extra read-only binds N"
set ylabel "wall time per launch (ms)"
set xrange [-20:1050]
set yrange [0:*]
plot "{dat}" index 0 using 1:2:3:4 with yerrorlines lc rgb "#c0392b" pt 7 title "sbx", \\
     "{dat}" index 1 using 1:2:3:4 with yerrorlines lc rgb "#2471a3" pt 5 title "bubblewrap"
set logscale xy
set xrange [8:1200]
set yrange [*:*]
set ylabel "time the binds add (ms, median of t(N) - t(0) in a round)"
set key top left
plot "{dat}" index 0 using 1:5 with linespoints lc rgb "#c0392b" pt 7 title "sbx", \\
     "{dat}" index 1 using 1:5 with linespoints lc rgb "#2471a3" pt 5 title "bubblewrap", \\
     0.1*x with lines lc rgb "gray" dt 3 title "slope 1 (linear)", \\
     0.001*x*x with lines lc rgb "gray" dt 4 title "slope 2 (quadratic)"
unset multiplot
"""
    gp = shutil.which("gnuplot")
    if not gp:
        log("bench: gnuplot not found; no plot")
        return None
    subprocess.run([gp], input=script, text=True, check=True)
    return png


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sbx", required=True)
    ap.add_argument("--driver", required=True)
    ap.add_argument("--stage", required=True, help="a fresh directory readable by the user")
    ap.add_argument("--results", required=True)
    ap.add_argument("--user", help="the unprivileged user to run the tools as (when root)")
    ap.add_argument("--scale", type=float, default=1.0, help="multiply the repetitions")
    args = ap.parse_args()

    bench = Bench(args)
    started = time.monotonic()
    res = {"machine": machine(), "sbx": args.sbx, "user": bench.user_env["USER"]}
    res["versions"] = {"bwrap": subprocess.run([bench.bwrap, "--version"], capture_output=True,
                                               text=True).stdout.strip(),
                       "sbx": bench.as_user([args.sbx, "--version"]).stdout.strip()}
    log("bench: preparing profiles and bubblewrap argument lists")
    bench.setup()
    res["cases"] = {}
    log("bench: 1+5. true in the default profile, net unshared/shared, and the floor")
    res["cases"]["launch"] = bench.case_launch()
    log("bench: 2. extra read-only binds")
    res["cases"]["binds"] = bench.case_binds()
    log("bench: 3. 32 concurrent sandboxes")
    res["cases"]["concurrent"] = bench.case_concurrent()
    log("bench: 4. three levels of include")
    res["cases"]["include"] = bench.case_include()
    log("bench: resident memory")
    res["cases"]["memory"] = bench.case_memory()
    res["notes"] = bench.notes
    res["failures"] = bench.failures
    res["duration_s"] = round(time.monotonic() - started, 1)
    res["machine"]["loadavg_at_end"] = os.getloadavg()

    os.makedirs(args.results, exist_ok=True)
    with open(os.path.join(args.results, "latest.json"), "w") as f:
        json.dump(res, f, indent=2)
        f.write("\n")
    png = plot(res, args.results)
    text = table(res)
    with open(os.path.join(args.results, "latest.txt"), "w") as f:
        f.write(text + "\n")
    print(text)
    print(f"\n{res['machine']['date']}, {res['machine'].get('cpu')}, {res['machine']['nproc']} CPUs, load "
          f"{res['machine']['loadavg_at_start'][0]:.1f} -> {res['machine']['loadavg_at_end'][0]:.1f}, "
          f"{res['duration_s']} s; wrote {args.results}/latest.json" + (f" and {png}" if png else ""))
    notes = sorted({w for n in bench.notes.values() for w in n["not_expressible_in_bwrap"]})
    if notes:
        print("sbx also applies, where bubblewrap has no option for it: " + ", ".join(notes))
    if bench.failures:
        print("FAILURES: " + "; ".join(bench.failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
