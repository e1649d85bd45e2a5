"""Publishing under load: Debian's nginx serves the live output/ while 10 publishes run back to back.

A bounded client (2 threads, keep-alive, at most ~400 requests/s) fetches pages throughout.
Every response must be 200 and byte for byte one of the versions that was live during the run:
never a 404 from the switch, never half a file.
"""

from __future__ import annotations

import hashlib
import http.client
import socket
import subprocess
import threading
import time
from collections import defaultdict

import pytest

from scripts.dev import system_packages
from scripts.publish import pipeline as publish
from tests.helpers import set_cell

pytestmark = pytest.mark.slow

PAGES = ("", "nam/2025/", "xa/01273/2025/", "xa/01273/", "to/01273-001/", "to/01786-001/")
PUBLISHES = 10

NGINX_CONF = """
daemon off;
user root;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include /etc/nginx/mime.types;
    server {{
        listen 127.0.0.1:{port};
        root {output};
        location / {{ try_files $uri $uri/index.html =404; }}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def nginx(tmp_path, tiny_data):
    """A published tiny site, served by nginx from the output/ symlink."""
    system_packages.ensure_nginx()
    paths = publish.Paths(tmp_path / "root", tiny_data)
    publish.publish(paths)
    port = free_port()
    conf = tmp_path / "nginx.conf"
    conf.write_text(NGINX_CONF.format(tmp=tmp_path, port=port, output=paths.output), encoding="utf-8")
    server = subprocess.Popen([str(system_packages.NGINX), "-c", str(conf), "-p", str(tmp_path), "-e", "stderr"], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            assert server.poll() is None, server.stderr.read().decode()
            assert time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.05)
    yield paths, port
    server.terminate()
    server.wait(timeout=10)


class Client(threading.Thread):
    """Fetches PAGES in turn over one keep-alive connection until told to stop; keeps what it got."""

    def __init__(self, port: int, stop: threading.Event):
        super().__init__(daemon=True)
        self.port, self.stop = port, stop
        self.seen: dict[str, set[str]] = defaultdict(set)
        self.failures: list[str] = []
        self.requests = 0

    def run(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        while not self.stop.is_set():
            for page in PAGES:
                try:
                    connection.request("GET", "/" + page)
                    response = connection.getresponse()
                    body = response.read()  # raises IncompleteRead when shorter than Content-Length
                except (OSError, http.client.HTTPException) as error:
                    self.failures.append(f"/{page}: {error!r}")
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                    continue
                self.requests += 1
                if response.status != 200:
                    self.failures.append(f"/{page}: HTTP {response.status}")
                self.seen[page].add(hashlib.sha256(body).hexdigest())
                time.sleep(0.005)
        connection.close()


def live_versions(paths: publish.Paths, versions: dict[str, set[str]]) -> None:
    for page in PAGES:
        versions[page].add(hashlib.sha256((paths.output / page / "index.html").read_bytes()).hexdigest())


def test_ten_publishes_under_load_serve_only_complete_pages(nginx):
    paths, port = nginx
    versions: dict[str, set[str]] = defaultdict(set)
    live_versions(paths, versions)
    stop = threading.Event()
    clients = [Client(port, stop) for _ in range(2)]
    for client in clients:
        client.start()
    try:
        for number in range(PUBLISHES):
            # Alternate a team's membership, so team, commune and year pages really change each time.
            set_cell(paths.data / "allocations/2025/teams/01273.csv", 2, "member_count", str(11 + number % 2))
            publish.publish(paths)
            live_versions(paths, versions)
    finally:
        stop.set()
        for client in clients:
            client.join(timeout=30)
    failures = [failure for client in clients for failure in client.failures]
    assert failures == []
    assert sum(client.requests for client in clients) >= 20 * PUBLISHES  # the load really ran throughout
    for page in PAGES:
        served = set().union(*(client.seen[page] for client in clients))
        assert served <= versions[page], f"/{page} served bytes that were never a live release"
    assert len(set().union(*(client.seen["to/01273-001/"] for client in clients))) == 2  # both versions were served
