#!/usr/bin/python3
"""postfix_compare.py: Postern and Postfix + OpenDKIM doing the same job on loopback, measured side by side.

Both systems get the same user (bench@example.org, Cyrus SASL PLAIN), the same sender rule (the login may
send only as itself: Postern's sender binding, Postfix's smtpd_sender_login_maps with
reject_sender_login_mismatch), the same kind of certificate (P-256, self-signed), the same kind of DKIM
key (rsa-2048, relaxed/relaxed; OpenDKIM as a milter) and a Postfix smtp-sink of their own as smarthost
(plaintext on loopback for both). The project's load generator (smtp_load) drives the scenarios in turn,
A B A B A B, and this script prints per run and as medians: messages/s, p50/p99 latency (MAIL to the 250
after the data), server CPU milliseconds per message (every process of the system from /proc, the milter
and the delivery to the sink included), peak PSS, messages lost (acknowledged, not counted by the sink)
and, with --syscalls, system calls and fsync-class calls per message (strace -f -c on a separate run).

It prints figures and never fails on speed; it exits non-zero only when it cannot set a system up or a
message was lost. Run as root (Postfix needs it); --install first installs what is missing from Debian.

  /usr/bin/python3 tests/bench/postfix_compare.py --build build/test [--install] [--rounds 3]
        [--scenarios s1,s2,s3] [--syscalls] [--keep]
"""

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

USER = "bench@example.org"
PASSWORD = "bench-password-1"
RECIPIENT = "sink@example.net"
SIZE = 4096
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024

# name, connections, messages per connection, reconnects per client, implicit TLS
SCENARIOS = {
    "s1": ("20 conns x 10 msgs, STARTTLS", 20, 10, 1, False),
    "s2": ("20 conns x 1 msg (50 times each), implicit TLS", 20, 1, 50, True),
    "s3": ("200 conns x 10 msgs, STARTTLS", 200, 10, 1, False),
}

PACKAGES = {  # command or file → Debian package
    "/usr/sbin/postfix": "postfix",
    "/usr/sbin/smtp-sink": "postfix",
    "/usr/sbin/opendkim": "opendkim",
    "/usr/sbin/saslpasswd2": "sasl2-bin",
    "/usr/bin/strace": "strace",
    "/usr/bin/openssl": "openssl",
}


def log(text):
    print(text, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, seconds=20):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"postfix_compare: nothing listens on 127.0.0.1:{port} after {seconds} s")


def run(cmd, **kw):
    done = subprocess.run(cmd, text=True, capture_output=True, **kw)
    if done.returncode != 0:
        raise SystemExit(f"postfix_compare: {' '.join(cmd)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return done


def install_missing():
    missing = sorted({pkg for path, pkg in PACKAGES.items() if not os.path.exists(path)})
    if not missing:
        return
    log(f"installing {' '.join(missing)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    # No main.cf and no server started by the package (see NOTES: the default would start one on port 25).
    subprocess.run(["debconf-set-selections"], input="postfix postfix/main_mailer_type select No configuration\n",
                   text=True, check=True)
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing], check=True, env=env)


# ---- /proc sampling -------------------------------------------------------------------------------------

def proc_stat(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    # fields[0] is state (field 3); ppid 4, utime 14, stime 15, cutime 16, cstime 17
    return {"ppid": int(fields[1]), "utime": int(fields[11]), "stime": int(fields[12]),
            "cutime": int(fields[13]), "cstime": int(fields[14])}


def descendants(root_pids):
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            st = proc_stat(int(entry))
            if st:
                children.setdefault(st["ppid"], []).append(int(entry))
    found, todo = [], list(root_pids)
    while todo:
        pid = todo.pop()
        if pid in found:
            continue
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def cpu_ticks(roots):
    """Ticks used by the roots, their live descendants, and the children the roots have reaped."""
    total = 0
    for pid in descendants(roots):
        st = proc_stat(pid)
        if st:
            total += st["utime"] + st["stime"]
            if pid in roots:
                total += st["cutime"] + st["cstime"]
    return total


def pss_kib(roots):
    total = 0
    for pid in descendants(roots):
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            pass
    return total


class PeakPss(threading.Thread):
    def __init__(self, roots):
        super().__init__(daemon=True)
        self.roots, self.peak, self.stop = roots, 0, threading.Event()

    def run(self):
        while not self.stop.is_set():
            self.peak = max(self.peak, pss_kib(self.roots))
            self.stop.wait(0.2)


# ---- the sinks ------------------------------------------------------------------------------------------

class Sink:
    """A Postfix smtp-sink: its running message counter (-c) is read from its output, and every message is
    appended to a dump file (-D) so that the script can check each one carries a DKIM signature."""

    def __init__(self, work, name):
        self.port = free_port()
        self.out = open(os.path.join(work, f"sink-{name}.out"), "w+")
        dump_dir = os.path.join(work, f"sink-{name}")
        os.makedirs(dump_dir)
        user = []
        if os.getuid() == 0:
            user = ["-u", "nobody"]
            shutil.chown(dump_dir, "nobody")
        self.dump = os.path.join(dump_dir, "messages")
        self.proc = subprocess.Popen(["/usr/sbin/smtp-sink", *user, "-c", "-D", self.dump,
                                      f"127.0.0.1:{self.port}", "512"],
                                     stdout=self.out, stderr=subprocess.STDOUT)
        wait_port(self.port)

    def count(self):
        self.out.flush()
        with open(self.out.name) as f:
            found = re.findall(r"mesg=(\d+)", f.read())
        return int(found[-1]) if found else 0

    def signed(self):
        """How many messages in the dump carry a DKIM-Signature field (rsa-sha256)."""
        try:
            with open(self.dump, "rb") as f:
                data = f.read()
        except OSError:
            return 0
        return len(re.findall(rb"(?im)^DKIM-Signature:[^\n]*(?:\n[ \t][^\n]*)*?a=rsa-sha256", data))

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


# ---- the two systems ------------------------------------------------------------------------------------

def make_certificate(work):
    key, cert = os.path.join(work, "tls.key"), os.path.join(work, "tls.crt")
    run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-subj", "/CN=bench.test", "-days", "30", "-keyout", key, "-out", cert])
    return cert, key


class Postern:
    name = "Postern"

    def __init__(self, work, build, cert, key, sink):
        self.work, self.sink = os.path.join(work, "postern"), sink
        os.makedirs(self.work)
        self.binary = os.path.join(build, "app", "postern")
        self.submission, self.submissions = free_port(), free_port()
        # Nothing from the caller's environment changes the set-up.
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("POSTERN_")}
        self.env.update(POSTERN_DATA_DIR=os.path.join(self.work, "data"),
                        POSTERN_HOSTNAME="bench.postern.test", POSTERN_LOG_LEVEL="information",
                        POSTERN_LISTEN_SUBMISSION=f"127.0.0.1:{self.submission}",
                        POSTERN_LISTEN_SUBMISSIONS=f"127.0.0.1:{self.submissions}",
                        POSTERN_LISTEN_ALTERNATE="", POSTERN_ADMIN_LISTEN="",
                        POSTERN_TLS_CERTIFICATE=cert, POSTERN_TLS_PRIVATE_KEY=key,
                        POSTERN_SMTP_MAX_CONNECTIONS="1500", POSTERN_SMTP_MAX_CONNECTIONS_PER_IP="1500",
                        # Postfix has no sending limits: the bench user sends thousands of messages.
                        POSTERN_LIMITS_MESSAGES_PER_HOUR="0", POSTERN_LIMITS_RECIPIENTS_PER_DAY="0",
                        # Every client comes from 127.0.0.1: without this the AUTH throttle, which counts
                        # attempts in flight per address, answers some of 20 simultaneous logins with 454.
                        POSTERN_AUTH_NEVER_BAN="127.0.0.0/8",
                        POSTERN_RELAY_SMARTHOST=f"127.0.0.1:{sink.port}", POSTERN_RELAY_TLS="none")
        cli = lambda *args, **kw: run([self.binary, *args], env=self.env, **kw)
        cli("user", "add", USER, input=PASSWORD + "\n")
        cli("dkim", "generate", "example.org", "--selector", "bench", "--algorithm", "rsa", "--bits", "2048")
        cli("dkim", "activate", "example.org", "bench", "--force")
        self.log = open(os.path.join(self.work, "server.log"), "w")
        self.proc = subprocess.Popen([self.binary], env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        wait_port(self.submission)
        wait_port(self.submissions)
        self.roots = [self.proc.pid]

    def port(self, implicit_tls):
        return self.submissions if implicit_tls else self.submission

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)


class PostfixOpenDkim:
    name = "Postfix+OpenDKIM"

    def __init__(self, work, cert, key, sink):
        self.work, self.sink = os.path.join(work, "postfix"), sink
        conf, queue, data = (os.path.join(self.work, d) for d in ("conf", "queue", "data"))
        for d in (conf, queue, data):
            os.makedirs(d)
        shutil.chown(data, "postfix", "postfix")
        os.chmod(self.work, 0o755)
        self.submission, self.submissions, self.milter = free_port(), free_port(), free_port()

        # Cyrus SASL with a sasldb holding the same user and password. Debian's Postfix reads smtpd.conf
        # from $config_directory/sasl whatever cyrus_sasl_config_path says.
        sasl_dir = os.path.join(conf, "sasl")
        os.makedirs(sasl_dir)
        sasldb = os.path.join(sasl_dir, "sasldb2")
        local, domain = USER.split("@")
        run(["saslpasswd2", "-p", "-c", "-f", sasldb, "-u", domain, local], input=PASSWORD)
        shutil.chown(sasldb, "postfix", "postfix")
        with open(os.path.join(sasl_dir, "smtpd.conf"), "w") as f:
            f.write(f"pwcheck_method: auxprop\nauxprop_plugin: sasldb\nmech_list: PLAIN LOGIN\n"
                    f"sasldb_path: {sasldb}\n")

        # OpenDKIM: the same key type and canonicalisation, as a milter.
        dkim_dir = os.path.join(self.work, "dkim")
        os.makedirs(dkim_dir)
        run(["opendkim-genkey", "-b", "2048", "-a", "-d", "example.org", "-s", "bench", "-D", dkim_dir])
        for name in os.listdir(dkim_dir):
            shutil.chown(os.path.join(dkim_dir, name), "opendkim", "opendkim")
        shutil.chown(dkim_dir, "opendkim", "opendkim")
        dkim_conf = os.path.join(self.work, "opendkim.conf")
        with open(dkim_conf, "w") as f:
            f.write(f"Mode s\nDomain example.org\nSelector bench\nKeyFile {dkim_dir}/bench.private\n"
                    f"Canonicalization relaxed/relaxed\nSignatureAlgorithm rsa-sha256\n"
                    f"Socket inet:{self.milter}@127.0.0.1\nUserID opendkim\nSyslog no\n"
                    f"PidFile {self.work}/opendkim.pid\nUMask 007\n")
        self.dkim_log = open(os.path.join(self.work, "opendkim.log"), "w")
        self.opendkim = subprocess.Popen(["/usr/sbin/opendkim", "-f", "-x", dkim_conf],
                                         stdout=self.dkim_log, stderr=subprocess.STDOUT)
        wait_port(self.milter)

        shared = ("-o smtpd_sasl_auth_enable=yes -o smtpd_tls_auth_only=yes "
                  "-o smtpd_client_restrictions=permit_sasl_authenticated,reject "
                  "-o smtpd_sender_restrictions=reject_sender_login_mismatch "
                  "-o smtpd_relay_restrictions=permit_sasl_authenticated,reject "
                  "-o milter_macro_daemon_name=ORIGINATING")
        with open(os.path.join(conf, "master.cf"), "w") as f:
            f.write(f"""\
127.0.0.1:{self.submission} inet n - n - - smtpd -o smtpd_tls_security_level=encrypt {shared}
127.0.0.1:{self.submissions} inet n - n - - smtpd -o smtpd_tls_wrappermode=yes {shared}
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
""")
        with open(os.path.join(conf, "main.cf"), "w") as f:
            f.write(f"""\
compatibility_level = 3.6
queue_directory = {queue}
data_directory = {data}
myhostname = bench.postfix.test
mydomain = postfix.test
myorigin = $myhostname
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
relayhost = [127.0.0.1]:{sink.port}
smtp_tls_security_level = none
maillog_file = {self.work}/maillog
default_process_limit = 400
smtpd_client_connection_count_limit = 0
smtpd_client_connection_rate_limit = 0
smtpd_tls_cert_file = {cert}
smtpd_tls_key_file = {key}
smtpd_tls_protocols = >=TLSv1.2
smtpd_tls_mandatory_protocols = >=TLSv1.2
smtpd_sasl_type = cyrus
smtpd_sasl_path = smtpd
cyrus_sasl_config_path = {sasl_dir}
smtpd_sender_login_maps = inline:{{ {USER}={USER} }}
smtpd_milters = inet:127.0.0.1:{self.milter}
non_smtpd_milters =
milter_default_action = tempfail
""")
        self.conf = conf
        run(["/usr/sbin/postfix", "-c", conf, "check"])
        run(["/usr/sbin/postfix", "-c", conf, "start"])
        wait_port(self.submission)
        wait_port(self.submissions)
        with open(os.path.join(queue, "pid", "master.pid")) as f:
            master = int(f.read().strip())
        self.roots = [master, self.opendkim.pid]

    def port(self, implicit_tls):
        return self.submissions if implicit_tls else self.submission

    def stop(self):
        subprocess.run(["/usr/sbin/postfix", "-c", self.conf, "stop"], capture_output=True)
        self.opendkim.terminate()
        self.opendkim.wait(timeout=30)


# ---- one run --------------------------------------------------------------------------------------------

def load(build, system, scenario, extra=()):
    _, conns, msgs, reconnects, implicit = SCENARIOS[scenario]
    cmd = [os.path.join(build, "tests", "bench", "smtp_load"), "--port", str(system.port(implicit)),
           "--user", USER, "--password", PASSWORD, "--to", RECIPIENT, "--connections", str(conns),
           "--messages", str(msgs), "--size", str(SIZE), *extra]
    if implicit:
        cmd.append("--tls")
    if reconnects > 1:
        cmd += ["--reconnects", str(reconnects)]
    out = subprocess.run(cmd, text=True, capture_output=True).stdout
    accepted = re.search(r"messages accepted: (\d+) in ([\d.]+) s = ([\d.]+) messages/s", out)
    latency = re.search(r"p50 ([\d.]+) ms, p99 ([\d.]+) ms", out)
    errors = re.search(r"errors: (\d+)", out)
    greeting = re.search(r"greeting after connect[^:]*: p50 [\d.]+ ms, p99 [\d.]+ ms, max ([\d.]+) ms", out)
    if not accepted or not latency:
        raise SystemExit(f"postfix_compare: smtp_load printed no figures:\n{out}")
    return {"accepted": int(accepted.group(1)), "rate": float(accepted.group(3)),
            "p50": float(latency.group(1)), "p99": float(latency.group(2)),
            "errors": int(errors.group(1)) if errors else 0, "output": out,
            "greeting_max": float(greeting.group(1)) if greeting else 0.0}


def wait_sink(sink, target, seconds=120):
    deadline = time.time() + seconds
    while time.time() < deadline and sink.count() < target:
        time.sleep(0.05)
    return sink.count()


def measure(build, system, scenario):
    before_sink = system.sink.count()
    ticks_before = cpu_ticks(system.roots)
    peak = PeakPss(system.roots)
    peak.start()
    result = load(build, system, scenario)
    delivered = wait_sink(system.sink, before_sink + result["accepted"]) - before_sink
    time.sleep(0.3)  # the last delivery's bookkeeping after the sink's 250
    peak.stop.set()
    peak.join()
    ticks = cpu_ticks(system.roots) - ticks_before
    result.update(cpu_ms=ticks * 1000.0 / CLK_TCK / max(result["accepted"], 1), pss_mib=peak.peak / 1024.0,
                  lost=result["accepted"] - delivered)
    return result


def syscalls(build, system, scenario, work):
    """System calls per message of one run under strace -f -c (slower; not part of the timed runs)."""
    out = os.path.join(work, f"strace-{system.name}.txt")
    tracer = subprocess.Popen(["strace", "-f", "-c", "-o", out, *sum((["-p", str(p)] for p in
                               descendants(system.roots)), [])], stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    before_sink = system.sink.count()
    result = load(build, system, scenario)
    wait_sink(system.sink, before_sink + result["accepted"])
    time.sleep(0.5)
    tracer.send_signal(signal.SIGINT)
    tracer.wait(timeout=60)
    calls, fsyncs = 0, 0
    with open(out) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 5 and parts[0][0].isdigit() and parts[-1] != "total":
                n = int(parts[3])
                calls += n
                if parts[-1] in ("fsync", "fdatasync", "sync_file_range", "syncfs"):
                    fsyncs += n
    n = max(result["accepted"], 1)
    return calls / n, fsyncs / n


def beside_idle(build, system, scenario, idle):
    """One run of the scenario while `idle` authenticated connections (STARTTLS + AUTH) sit open."""
    holder = subprocess.Popen([os.path.join(build, "tests", "bench", "smtp_load"), "--port",
                               str(system.port(False)), "--user", USER, "--password", PASSWORD, "--hold",
                               str(idle), "--hold-for", "900", "--server-pid", str(system.proc.pid)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    held = []
    for line in holder.stdout:
        held.append(line.strip())
        if line.startswith("server RSS"):
            break
    if not held or not held[-1].startswith("server RSS"):
        holder.kill()
        raise SystemExit("postfix_compare: could not hold the idle connections:\n" + "\n".join(held))
    try:
        result = measure(build, system, scenario)
    finally:
        holder.terminate()
        holder.wait(timeout=60)
    return result, held[-1]


def profile(build, system, scenario, work):
    """Where Postern's CPU goes during one run: perf record -g, then the shares by object and by symbol."""
    data = os.path.join(work, "perf.data")
    recorder = subprocess.Popen(["perf", "record", "-g", "-q", "-o", data, "-p", str(system.proc.pid)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    before_sink, accepted = system.sink.count(), 0
    for _ in range(5):  # enough samples for the smaller entries to show
        accepted += load(build, system, scenario)["accepted"]
    wait_sink(system.sink, before_sink + accepted)
    recorder.send_signal(signal.SIGINT)
    recorder.wait(timeout=120)
    if not os.path.exists(data):
        raise SystemExit("postfix_compare: perf recorded nothing (apt-get install linux-perf)")
    # Self time by object; then inclusive time by symbol, which shows the system calls (do_fsync,
    # epoll_create1, futex) that the self-time view scatters over the kernel's leaf functions.
    for sort, children, lines in (("dso", "--no-children", 8), ("sym", "--children", 45)):
        out = run(["perf", "report", "-i", data, children, "--sort", sort, "--stdio", "-g", "none",
                   "--percent-limit", "1.5"]).stdout
        rows = [l for l in out.splitlines() if l.strip() and not l.startswith("#")]
        log(f"profile of Postern, {sort} {children} ({accepted} messages, perf record -g):")
        for row in rows[:lines]:
            log("  " + row.rstrip())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build/test")
    ap.add_argument("--install", action="store_true", help="apt-get install what is missing first")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--scenarios", default="s1,s2,s3")
    ap.add_argument("--syscalls", action="store_true", help="also count system calls (strace -f -c)")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--systems", default="postern,postfix",
                    help="which systems to run (postern, postfix; both by default)")
    ap.add_argument("--idle", type=int, default=0, metavar="N",
                    help="also run the first scenario against Postern while N authenticated idle connections "
                         "are held open (at most 1400)")
    ap.add_argument("--profile", action="store_true",
                    help="also record Postern's CPU profile over one run of the first scenario (perf record -g)")
    args = ap.parse_args()
    if os.getuid() != 0:
        raise SystemExit("postfix_compare: run as root (Postfix's master needs it)")
    if args.install:
        install_missing()
    for path, pkg in PACKAGES.items():
        if not os.path.exists(path):
            raise SystemExit(f"postfix_compare: {path} is missing (apt-get install {pkg}, or pass --install)")
    for tool in ("app/postern", "tests/bench/smtp_load"):
        if not os.access(os.path.join(args.build, tool), os.X_OK):
            raise SystemExit(f"postfix_compare: {args.build}/{tool} not found (build the tests first)")
    scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    for s in scenarios:
        if s not in SCENARIOS:
            raise SystemExit(f"postfix_compare: unknown scenario {s} (known: {', '.join(SCENARIOS)})")

    # Not under /var/tmp: OpenDKIM refuses a configuration whose path others may write to.
    work = tempfile.mkdtemp(prefix="postern-vs-postfix.", dir="/var/lib")
    os.chmod(work, 0o755)
    systems = []
    try:
        cert, key = make_certificate(work)
        wanted = {s.strip() for s in args.systems.split(",") if s.strip()}
        if not wanted or wanted - {"postern", "postfix"}:
            raise SystemExit("postfix_compare: --systems takes postern, postfix or both")
        if "postern" in wanted:
            systems.append(Postern(work, args.build, cert, key, Sink(work, "postern")))
        if "postfix" in wanted:
            systems.append(PostfixOpenDkim(work, cert, key, Sink(work, "postfix")))
        for system in systems:  # warm-up: processes started, Postern's login cache filled
            load(args.build, system, "s1")
        results = {(sys_.name, s): [] for sys_ in systems for s in scenarios}
        for r in range(args.rounds):
            for s in scenarios:
                for system in systems:  # A B A B A B
                    res = measure(args.build, system, s)
                    results[(system.name, s)].append(res)
                    log(f"round {r + 1} {s} {system.name:17} {res['rate']:7.1f} msg/s  p50 {res['p50']:7.1f} "
                        f"p99 {res['p99']:7.1f} ms  cpu {res['cpu_ms']:6.2f} ms/msg  pss {res['pss_mib']:6.1f} MiB"
                        f"  greeting max {res['greeting_max']:6.1f} ms  lost {res['lost']}  errors {res['errors']}")
        counted = {}
        if args.syscalls:
            for system in systems:
                counted[system.name] = syscalls(args.build, system, scenarios[0], work)

        idle_result = None
        if args.idle and systems[0].name == "Postern":
            idle_result = beside_idle(args.build, systems[0], scenarios[0], args.idle)
        if args.profile and systems[0].name == "Postern":
            profile(args.build, systems[0], scenarios[0], work)

        med = lambda xs: statistics.median(xs)
        log("")
        log(f"medians of {args.rounds} alternating rounds, {SIZE}-octet messages, rsa-2048 DKIM, P-256 certificate:")
        log("| scenario | system | msgs/s | CPU ms/msg | p50 ms | p99 ms | peak PSS MiB | lost |")
        log("|---|---|---|---|---|---|---|---|")
        for s in scenarios:
            for system in systems:
                rs = results[(system.name, s)]
                log(f"| {SCENARIOS[s][0]} | {system.name} | {med([x['rate'] for x in rs]):.0f} | "
                    f"{med([x['cpu_ms'] for x in rs]):.2f} | {med([x['p50'] for x in rs]):.1f} | "
                    f"{med([x['p99'] for x in rs]):.0f} | {max(x['pss_mib'] for x in rs):.0f} | "
                    f"{sum(x['lost'] for x in rs)} |")
        if len(systems) == 2 and all(x["rate"] > 0 for rs in results.values() for x in rs):
            log("")
            for s in scenarios:
                a = med([x["rate"] for x in results[(systems[0].name, s)]])
                b = med([x["rate"] for x in results[(systems[1].name, s)]])
                ca = med([x["cpu_ms"] for x in results[(systems[0].name, s)]])
                cb = med([x["cpu_ms"] for x in results[(systems[1].name, s)]])
                log(f"{SCENARIOS[s][0]}: Postern {a / b:.1f}x the messages/s, {ca / cb:.2f}x the CPU per message")
        for s in scenarios:
            log(f"{SCENARIOS[s][0]}: longest wait from connect to the 220 greeting (all rounds): " +
                ", ".join(f"{system.name} {max(x['greeting_max'] for x in results[(system.name, s)]):.0f} ms"
                          for system in systems))
        if idle_result:
            res, held = idle_result
            alone = med([x["rate"] for x in results[(systems[0].name, scenarios[0])]])
            log(f"Postern, {SCENARIOS[scenarios[0]][0]} beside {args.idle} idle authenticated connections: "
                f"{res['rate']:.0f} msg/s ({100.0 * (res['rate'] - alone) / alone:+.0f} % against the median "
                f"without them), p99 {res['p99']:.0f} ms, peak PSS {res['pss_mib']:.0f} MiB ({held})")
        for name, (calls, fsyncs) in counted.items():
            log(f"{name}: {calls:.0f} system calls and {fsyncs:.1f} fsync-class calls per message "
                f"({SCENARIOS[scenarios[0]][0]}, strace -f -c)")
        unsigned = 0
        for system in systems:
            received, signed = system.sink.count(), system.sink.signed()
            log(f"{system.name}: {signed} of {received} messages at its sink carry an rsa-sha256 DKIM signature")
            unsigned += received - signed
        lost = sum(x["lost"] for rs in results.values() for x in rs)
        errors = sum(x["errors"] for rs in results.values() for x in rs)
        if errors:
            log(f"postfix_compare: {errors} SMTP errors during the runs (see the work directory's logs; --keep)")
        if unsigned:
            log(f"postfix_compare: {unsigned} messages reached a sink unsigned: the systems did not do the same job")
        if lost or errors or unsigned:
            log(f"postfix_compare: {lost} acknowledged messages never reached a sink")
            return 1
        return 0
    finally:
        for system in systems:
            try:
                system.stop()
                system.sink.stop()
            except Exception as e:  # a failed stop must not hide the figures
                log(f"postfix_compare: stopping {system.name}: {e}")
        if args.keep:
            log(f"work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
