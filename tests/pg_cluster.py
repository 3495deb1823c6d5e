"""A throw-away PostgreSQL 15 cluster for the tests and benchmarks (started and stopped by code).

The server refuses to run as root, so as root the cluster runs as the `postgres`
user in a temporary directory it owns. `python -m tests.pg_cluster start DIR`
prints the URL; `stop DIR` stops it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PG_BIN_CANDIDATES = [
    Path("/usr/lib/postgresql/15/bin"),
    Path("/usr/lib/postgresql/16/bin"),
    Path("/usr/lib/postgresql/17/bin"),
]


def pg_bin() -> Path:
    for candidate in PG_BIN_CANDIDATES:
        if (candidate / "initdb").exists():
            return candidate
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise RuntimeError("PostgreSQL server binaries not found: install with `apt-get install -y postgresql-15`.")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_db_user(args: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


class PostgresCluster:
    def __init__(self, base_dir: Path | None = None) -> None:
        # Absolute: the server resolves its socket directory relative to its data directory.
        self.base_dir = Path(base_dir or tempfile.mkdtemp(prefix="sgt-pg-")).resolve()
        self.data_dir = self.base_dir / "data"
        self.port_file = self.base_dir / "port"
        self.port = int(self.port_file.read_text()) if self.port_file.exists() else free_port()

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> str:
        bindir = pg_bin()
        self.base_dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.base_dir, "postgres", "postgres")
            os.chmod(self.base_dir, 0o700)
        if not (self.data_dir / "PG_VERSION").exists():
            subprocess.run(
                _as_db_user(
                    [
                        str(bindir / "initdb"),
                        "-D",
                        str(self.data_dir),
                        "-A",
                        "trust",
                        "-U",
                        "postgres",
                        "-E",
                        "UTF8",
                        "--locale=C.UTF-8",
                        "--no-sync",
                    ]
                ),
                check=True,
                stdout=subprocess.DEVNULL,
            )
        self.port_file.write_text(str(self.port))
        opts = (
            f"-p {self.port} -k {self.base_dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c shared_buffers=256MB -c max_connections=200"
        )
        subprocess.run(
            _as_db_user(
                [
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(self.data_dir),
                    "-l",
                    str(self.base_dir / "server.log"),
                    "-o",
                    opts,
                    "-w",
                    "-t",
                    "60",
                    "start",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        self._wait_ready()
        return self.url

    def _wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"PostgreSQL did not start on port {self.port}: see {self.base_dir / 'server.log'}")

    def stop(self, *, remove: bool = True) -> None:
        if (self.data_dir / "postmaster.pid").exists():
            subprocess.run(
                _as_db_user([str(pg_bin() / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop"]),
                check=False,
                stdout=subprocess.DEVNULL,
            )
        if remove:
            shutil.rmtree(self.base_dir, ignore_errors=True)

    def create_database(self, name: str) -> str:
        """Create an empty database in the cluster and return its URL."""
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            c.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"


def main() -> None:
    if len(sys.argv) < 3 or sys.argv[1] not in {"start", "stop"}:
        raise SystemExit("usage: python -m tests.pg_cluster start|stop DIR")
    cluster = PostgresCluster(Path(sys.argv[2]))
    if sys.argv[1] == "start":
        print(cluster.start())
    else:
        cluster.stop(remove=False)


if __name__ == "__main__":
    main()
