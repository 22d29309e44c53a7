"""A real Apache Kafka broker (KRaft, broker and controller in one JVM) for development and tests.

No Docker and no Kafka download: Maven resolves the broker's jars from `deploy/kafka/pom.xml` once
into `<data_dir>/libs`, and the broker runs from them as a plain `java` process, detached from the
command that started it. Everything it owns lives in the data dir:

    libs/               jars, plus `.pom.sha256` (the pom they were resolved from)
    libs.lock           held while Maven fills libs/ (test sessions share one libs dir)
    cluster.id          KRaft cluster id, chosen when the storage is first formatted
    server.properties   written on every start (the port may change between starts)
    data/               topic partitions and KRaft metadata (`log.dirs`)
    broker.pid          pid of the running broker
    broker.log          its stdout/stderr: warnings, errors and JVM crashes
    server.log          its full INFO log (log4j2, `deploy/kafka/log4j2.yaml`)
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import streams
from streams.errors import UserError

POM = Path("deploy/kafka/pom.xml")
LOG4J2_CONFIG = Path("deploy/kafka/log4j2.yaml")
BROKER_MAIN_CLASS = "kafka.Kafka"
MIN_JAVA = 17
JAVA_HINT = (
    f"install a JDK {MIN_JAVA} or newer (Debian/Ubuntu: apt-get install openjdk-17-jdk-headless; "
    "macOS: brew install openjdk@17) and put its `java` on PATH"
)
MAVEN_HINT = "install Apache Maven (Debian/Ubuntu: apt-get install maven; macOS: brew install maven) and put `mvn` on PATH"
LOG_TAIL_LINES = 30
STAMP_NAME = ".pom.sha256"

Progress = Callable[[str], None]


def _quiet(_message: str) -> None:
    pass


def find_project_root() -> Path:
    """The checkout holding `deploy/kafka/pom.xml`: where the installed package lives (an editable
    install), else the working directory."""
    package_root = Path(streams.__file__).resolve().parents[1]
    if (package_root / POM).is_file():
        return package_root
    return Path.cwd()


def kafka_version(pom: Path) -> str:
    """The `kafka.version` property of the pom: the one place the broker version is written."""
    namespace = {"m": "http://maven.apache.org/POM/4.0.0"}
    version = ElementTree.parse(pom).getroot().find("m:properties/m:kafka.version", namespace)
    if version is None or not (version.text or "").strip():
        raise UserError(f"{pom} has no <kafka.version> property")
    return version.text.strip()


def new_cluster_id() -> str:
    """What `kafka-storage.sh random-uuid` prints: 16 random bytes, base64url without padding.
    Never with a leading '-': the storage tool would read such an id as an option (1 start in 64)."""
    while True:
        cluster_id = base64.urlsafe_b64encode(secrets.token_bytes(16)).decode("ascii").rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


def server_properties(port: int, log_dir: Path) -> str:
    """KRaft combined mode on 127.0.0.1: clients on `port`, the controller quorum on `port + 1`."""
    controller_port = port + 1
    settings = {
        "process.roles": "broker,controller",
        "node.id": "1",
        "controller.quorum.voters": f"1@127.0.0.1:{controller_port}",
        "listeners": f"PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port}",
        "advertised.listeners": f"PLAINTEXT://127.0.0.1:{port}",
        "controller.listener.names": "CONTROLLER",
        "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "inter.broker.listener.name": "PLAINTEXT",
        "log.dirs": str(log_dir),
        # One broker: every internal topic must make do with one replica.
        "offsets.topic.replication.factor": "1",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "share.coordinator.state.topic.replication.factor": "1",
        "share.coordinator.state.topic.min.isr": "1",
        "min.insync.replicas": "1",
        # Fewer consumer-offset partitions than the default 50: the first group join after a
        # fresh start is quicker, and one dev broker gains nothing from more.
        "offsets.topic.num.partitions": "10",
        # Consumers join at once instead of waiting 3 s for other members: tests stay quick.
        "group.initial.rebalance.delay.ms": "0",
        # A misspelt topic fails loudly instead of appearing with one partition. Topics are
        # created by `ensure_topics` and by Faust through the admin API, which this does not affect.
        "auto.create.topics.enable": "false",
        "num.partitions": "1",
        "delete.topic.enable": "true",
    }
    return "".join(f"{key}={value}\n" for key, value in settings.items())


def java_major_version(java: str) -> int:
    """`java -version` prints `openjdk version "17.0.15"` (or `"1.8.0_392"` before Java 9) on stderr."""
    try:
        result = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    except OSError as error:
        raise UserError(f"cannot run {java}: {error.strerror}; {JAVA_HINT}") from error
    match = re.search(r'version "(\d+)(?:\.(\d+))?', result.stderr + result.stdout)
    if result.returncode != 0 or match is None:
        raise UserError(f"`{java} -version` did not print a Java version; {JAVA_HINT}")
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def require_java() -> str:
    java = shutil.which("java")
    if java is None:
        raise UserError(f"Java {MIN_JAVA}+ not found: {JAVA_HINT}")
    major = java_major_version(java)
    if major < MIN_JAVA:
        raise UserError(f"Java {MIN_JAVA}+ needed, but {java} is Java {major}: {JAVA_HINT}")
    return java


def require_maven() -> str:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise UserError(f"Maven not found (needed once, to fetch the Kafka jars): {MAVEN_HINT}")
    return mvn


def broker_answers(bootstrap: str, timeout_s: float = 2.0) -> bool:
    """True when a broker at `bootstrap` answers a metadata request."""
    from kafka import KafkaAdminClient
    from kafka.errors import KafkaError

    try:
        admin = KafkaAdminClient(
            bootstrap_servers=bootstrap,
            client_id="picket-probe",
            bootstrap_timeout_ms=int(timeout_s * 1000),
            request_timeout_ms=int(timeout_s * 1000),
        )
    except KafkaError:
        return False
    try:
        admin.list_topics()
        return True
    except KafkaError:
        return False
    finally:
        admin.close()


class BrokerExited(UserError):
    """The broker process went away while we waited for it to answer."""


def wait_until_answers(
    bootstrap: str, timeout_s: float = 60.0, is_alive: Callable[[], bool] | None = None
) -> None:
    """Block until a broker at `bootstrap` answers a metadata request. Raises `UserError` after
    `timeout_s`, or `BrokerExited` as soon as `is_alive()` turns false."""
    deadline = time.monotonic() + timeout_s
    while True:
        if is_alive is not None and not is_alive():
            raise BrokerExited(f"the Kafka broker for {bootstrap} exited while starting")
        remaining_s = deadline - time.monotonic()
        if remaining_s <= 0:
            raise UserError(f"Kafka at {bootstrap} did not answer within {timeout_s:g} s")
        if broker_answers(bootstrap, timeout_s=min(2.0, max(remaining_s, 0.1))):
            return
        time.sleep(min(0.25, max(deadline - time.monotonic(), 0)))


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # Same option the JVM sets on its server sockets: a port in TIME_WAIT counts as free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


@dataclass(frozen=True, slots=True)
class BrokerStatus:
    running: bool
    pid: int | None
    bootstrap: str
    data_dir: Path


class LocalKafka:
    """The broker of one data dir. `libs_dir` defaults to `<data_dir>/libs`; tests point it at the
    project's cache so that their throwaway data dirs do not fetch the jars again."""

    def __init__(
        self,
        project_root: Path,
        data_dir: Path | str,
        port: int = 9092,
        libs_dir: Path | str | None = None,
        heap_mb: int = 512,
    ) -> None:
        self.project_root = Path(project_root).resolve()
        data = Path(data_dir)
        self.data_dir = (data if data.is_absolute() else self.project_root / data).resolve()
        self.libs_dir = Path(libs_dir).resolve() if libs_dir is not None else self.data_dir / "libs"
        self.port = port
        self.heap_mb = heap_mb
        self.pom = self.project_root / POM
        self.log_dir = self.data_dir / "data"
        self.properties_file = self.data_dir / "server.properties"
        self.cluster_id_file = self.data_dir / "cluster.id"
        self.pid_file = self.data_dir / "broker.pid"
        self.broker_log = self.data_dir / "broker.log"
        self.server_log = self.data_dir / "server.log"
        self.stamp_file = self.libs_dir / STAMP_NAME
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self._running_port() or self.port}"

    # --- state ---------------------------------------------------------------------------------

    def pid(self) -> int | None:
        """Pid of this data dir's running broker; None when it is not running."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        return pid if self._is_our_broker(pid) else None

    def running(self) -> bool:
        return self.pid() is not None

    def status(self) -> BrokerStatus:
        pid = self.pid()
        return BrokerStatus(running=pid is not None, pid=pid, bootstrap=self.bootstrap, data_dir=self.data_dir)

    def _is_our_broker(self, pid: int) -> bool:
        # A pid file outlives reboots and crashes, and pids get reused: only a java running
        # kafka.Kafka on this data dir's properties file is ours (a zombie has an empty cmdline).
        if self._process is not None and self._process.pid == pid and self._process.poll() is not None:
            return False
        try:
            args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            return False
        return BROKER_MAIN_CLASS.encode() in args and str(self.properties_file).encode() in args

    def _running_port(self) -> int | None:
        if not self.running():
            return None
        try:
            text = self.properties_file.read_text()
        except OSError:
            return None
        match = re.search(r"^advertised\.listeners=PLAINTEXT://[^:]+:(\d+)$", text, re.MULTILINE)
        return int(match.group(1)) if match else None

    # --- jars ----------------------------------------------------------------------------------

    def jars_current(self) -> bool:
        """The jars were resolved from the pom as it is now."""
        try:
            stamp = self.stamp_file.read_text().strip()
        except OSError:
            return False
        return stamp == self._pom_sha256() and any(self.libs_dir.glob("*.jar"))

    def _pom_sha256(self) -> str:
        try:
            return hashlib.sha256(self.pom.read_bytes()).hexdigest()
        except OSError as error:
            raise UserError(
                f"{POM} not found under {self.project_root}: run picket from the project checkout"
            ) from error

    def check_prerequisites(self) -> None:
        """Raise `UserError` naming what to install. Maven is needed only while the jars are missing."""
        require_java()
        if not self.jars_current():
            require_maven()

    def resolve_jars(self, progress: Progress = _quiet) -> bool:
        """Fetch the broker's jars unless they match the pom already. True when Maven ran."""
        if self.jars_current():
            return False
        with self._libs_lock():
            if self.jars_current():  # another process resolved them while we waited
                return False
            mvn = require_maven()
            progress(f"resolving Apache Kafka {kafka_version(self.pom)} jars with Maven (first run only)...")
            fresh = self.libs_dir.with_name(self.libs_dir.name + ".new")
            shutil.rmtree(fresh, ignore_errors=True)
            command = [mvn, "-q", "-B", "-f", str(self.pom), "dependency:copy-dependencies",
                       f"-DoutputDirectory={fresh}", "-DincludeScope=runtime"]
            result = subprocess.run(command, capture_output=True, text=True)
            if result.returncode != 0:
                shutil.rmtree(fresh, ignore_errors=True)
                output = "\n".join((result.stdout + result.stderr).splitlines()[-LOG_TAIL_LINES:])
                raise UserError(
                    f"Maven could not fetch the Kafka jars (is Maven Central reachable?):\n{output}"
                )
            (fresh / STAMP_NAME).write_text(self._pom_sha256() + "\n")
            # Swap whole directories: jars of an older pom must not linger on the classpath.
            stale = self.libs_dir.with_name(self.libs_dir.name + ".old")
            shutil.rmtree(stale, ignore_errors=True)
            if self.libs_dir.exists():
                self.libs_dir.rename(stale)
            fresh.rename(self.libs_dir)
            shutil.rmtree(stale, ignore_errors=True)
            return True

    @contextmanager
    def _libs_lock(self) -> Iterator[None]:
        # Test sessions and `picket kafka up` may share one libs dir at the same time.
        self.libs_dir.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.libs_dir.with_name(self.libs_dir.name + ".lock")
        with open(lock_path, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    # --- lifecycle -----------------------------------------------------------------------------

    def up(self, timeout_s: float = 60.0, progress: Progress = _quiet) -> bool:
        """Start the broker and wait until it answers. False when it was running already."""
        if self.running():
            return False
        java = require_java()
        for port in (self.port, self.port + 1):
            if not port_is_free(port):
                raise UserError(
                    f"port {port} on 127.0.0.1 is in use (another Kafka?): stop it, or choose "
                    f"another port with --port (the broker uses port and port + 1)"
                )
        self.resolve_jars(progress)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.pid_file.unlink(missing_ok=True)
        self.properties_file.write_text(server_properties(self.port, self.log_dir))
        self._format_storage(java, progress)

        progress(f"starting Kafka on 127.0.0.1:{self.port} (logs in {self.data_dir})...")
        # A fresh broker.log per start: its tail is this start's story (server.log keeps history).
        with open(self.broker_log, "wb") as log:
            self._process = subprocess.Popen(
                [java, f"-Xmx{self.heap_mb}m", *self._jvm_args(), BROKER_MAIN_CLASS, str(self.properties_file)],
                cwd=self.data_dir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                # Own session: Ctrl-C in the terminal that ran `up` must not reach the broker.
                start_new_session=True,
            )
        self.pid_file.write_text(f"{self._process.pid}\n")
        process = self._process
        try:
            wait_until_answers(f"127.0.0.1:{self.port}", timeout_s, is_alive=lambda: process.poll() is None)
        except BrokerExited as error:
            self.pid_file.unlink(missing_ok=True)
            raise UserError(f"{error} (exit code {process.returncode}); {self._log_excerpt()}") from error
        except UserError as error:
            self.down()
            raise UserError(f"{error}; stopped it. {self._log_excerpt()}") from error
        return True

    def _jvm_args(self) -> list[str]:
        return [
            f"-Dlog4j2.configurationFile={self.project_root / LOG4J2_CONFIG}",
            f"-Dkafka.logs.dir={self.data_dir}",
            "-cp",
            f"{self.libs_dir}/*",
        ]

    def _format_storage(self, java: str, progress: Progress) -> None:
        if (self.log_dir / "meta.properties").is_file():
            return
        if not self.cluster_id_file.is_file():
            self.cluster_id_file.write_text(new_cluster_id() + "\n")
        cluster_id = self.cluster_id_file.read_text().strip()
        progress(f"formatting KRaft storage in {self.log_dir} (cluster id {cluster_id})...")
        command = [java, *self._jvm_args(), "kafka.tools.StorageTool", "format", "--ignore-formatted",
                   "-t", cluster_id, "-c", str(self.properties_file)]
        result = subprocess.run(command, capture_output=True, text=True, cwd=self.data_dir)
        if result.returncode != 0:
            raise UserError(f"formatting the Kafka storage failed:\n{result.stdout}{result.stderr}")

    def _log_excerpt(self) -> str:
        excerpt = tail(self.broker_log) or tail(self.server_log)
        return f"last lines of {self.broker_log} (full log: {self.server_log}):\n{excerpt}"

    def down(self, timeout_s: float = 30.0, wipe: bool = False) -> bool:
        """Stop the broker: SIGTERM to its process group, SIGKILL after `timeout_s`. True when one
        was running. `wipe` also deletes topics, logs and the cluster id, but keeps the jars."""
        pid = self.pid()
        if pid is not None:
            self._signal(pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout_s
            while self._is_our_broker(pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            if self._is_our_broker(pid):
                self._signal(pid, signal.SIGKILL)
                while self._is_our_broker(pid):
                    time.sleep(0.1)
        self.pid_file.unlink(missing_ok=True)
        if wipe:
            self._wipe()
        return pid is not None

    def _signal(self, pid: int, signum: signal.Signals) -> None:
        try:
            if os.getpgid(pid) == pid:  # leader of the session `up` created: reach its children too
                os.killpg(pid, signum)
            else:
                os.kill(pid, signum)
        except ProcessLookupError:
            pass

    def _wipe(self) -> None:
        # Only what `up` creates: --data-dir may point at a folder that holds other things.
        for name in ("data", "cluster.id", "server.properties", "broker.log"):
            path = self.data_dir / name
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
        for rotated in self.data_dir.glob("server.log*"):
            rotated.unlink(missing_ok=True)
