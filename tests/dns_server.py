"""A real DNS server on loopback for DNSBL tests and the benchmark: Debian's dnsmasq.

Serves the given zones authoritatively from a hosts file (several A records per name
allowed) and --txt-record lines; every other name under those zones is NXDOMAIN
(`local=/zone/`), and nothing is forwarded anywhere (`no-resolv`).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

DNSMASQ = shutil.which("dnsmasq") or "/usr/sbin/dnsmasq"


def _die_with_parent() -> None:
    """Linux: the server gets SIGTERM when the process that started it dies."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def dnsmasq_missing_reason() -> str | None:
    if not Path(DNSMASQ).exists():
        return "dnsmasq is not installed (Debian package dnsmasq-base)."
    return None


def free_udp_port(address: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((address, 0))
        return s.getsockname()[1]


class DnsServer:
    """dnsmasq answering for `zones` on address:port with the records given."""

    def __init__(
        self,
        zones,
        records: dict[str, list[str]],
        txt: dict[str, str] | None = None,
        *,
        address: str = "127.0.0.1",
        port: int | None = None,
    ):
        self.zones = list(zones)
        self.records = records
        self.txt = txt or {}
        self.address = address
        self._fixed_port = port is not None
        self.port = port or free_udp_port(address)
        self.process: subprocess.Popen | None = None
        self._generation = 0
        self._dir = Path(tempfile.mkdtemp(prefix="dnsbl-"))

    @property
    def nameserver(self) -> str:
        return f"{self.address}:{self.port}"

    def _config(self) -> Path:
        hosts = self._dir / "hosts"
        self._write_hosts(self.records)
        lines = [
            "no-resolv",
            "no-hosts",
            "no-negcache",
            "cache-size=0",
            f"addn-hosts={hosts}",
            f"listen-address={self.address}",
            f"port={self.port}",
            "bind-interfaces",
            "user=root",
            "local-ttl=1",
            *(f"local=/{zone}/" for zone in self.zones),
            *(
                f'txt-record={name},"{text.replace(chr(34), "")}"'
                for name, text in self.txt.items()
            ),
        ]
        conf = self._dir / "dnsmasq.conf"
        conf.write_text("\n".join(lines) + "\n")
        return conf

    def update(self, records: dict[str, list[str]]) -> None:
        """Serve other A records: dnsmasq re-reads its hosts file on SIGHUP.

        A marker name of this generation is added, and we wait until it resolves, so the
        caller never races the reload.
        """
        import signal

        import dns.message
        import dns.query
        import dns.rcode

        self.records = records
        self._generation += 1
        marker = f"generation-{self._generation}.{self.zones[0]}"
        self._write_hosts({**records, marker: ["127.0.0.1"]})
        self.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                answer = dns.query.udp(
                    dns.message.make_query(marker, "A"), self.address, port=self.port, timeout=0.2
                )
                if answer.rcode() == dns.rcode.NOERROR and answer.answer:
                    return
            except Exception:  # noqa: BLE001, S110 - dnsmasq is still reloading: ask again
                pass
            time.sleep(0.02)
        raise RuntimeError("dnsmasq did not reload its records within 5 seconds")

    def _write_hosts(self, records: dict[str, list[str]]) -> None:
        (self._dir / "hosts").write_text(
            "".join(f"{ip} {name}\n" for name, ips in records.items() for ip in ips)
        )

    def start(self) -> DnsServer:
        for attempt in range(5):
            conf = self._config()
            self.process = subprocess.Popen(
                [DNSMASQ, "--keep-in-foreground", f"--conf-file={conf}", "--pid-file="],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                preexec_fn=_die_with_parent,
            )
            try:
                self._wait_ready()
                return self
            except RuntimeError as exc:
                # The free port we picked was taken in the meantime: pick another.
                if self._fixed_port or "in use" not in str(exc) or attempt == 4:
                    raise
                self.port = free_udp_port(self.address)
        return self

    def _wait_ready(self) -> None:
        import dns.message
        import dns.query

        probe = dns.message.make_query(f"ready-probe.{self.zones[0]}", "A")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode(errors="replace")
                raise RuntimeError(f"dnsmasq exited: {err.strip()}")
            try:
                dns.query.udp(probe, self.address, port=self.port, timeout=0.2)
                return
            except Exception:  # noqa: BLE001 - not listening yet
                time.sleep(0.05)
        self.process.kill()
        self.process.wait()
        raise RuntimeError("dnsmasq did not answer within 5 seconds")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class RcodeServer:
    """Answers every query with one response code (SERVFAIL, REFUSED) from a thread."""

    def __init__(self, rcode: str, address: str = "127.0.0.1"):
        import dns.rcode

        self.rcode = dns.rcode.from_text(rcode)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((address, 0))
        self.sock.settimeout(0.2)
        self.address, self.port = self.sock.getsockname()
        self._running = True
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def nameserver(self) -> str:
        return f"{self.address}:{self.port}"

    def _serve(self):
        import dns.message

        while self._running:
            try:
                data, peer = self.sock.recvfrom(4096)
            except OSError:
                continue
            query = dns.message.from_wire(data)
            response = dns.message.make_response(query)
            response.set_rcode(self.rcode)
            self.sock.sendto(response.to_wire(), peer)

    def close(self):
        self._running = False
        self._thread.join(timeout=2)
        self.sock.close()


class SilentServer:
    """A UDP socket that reads queries and never answers: every query times out."""

    def __init__(self, address: str = "127.0.0.1"):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((address, 0))
        self.address, self.port = self.sock.getsockname()

    @property
    def nameserver(self) -> str:
        return f"{self.address}:{self.port}"

    def close(self):
        self.sock.close()
