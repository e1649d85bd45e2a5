"""A quiet static server on 127.0.0.1, for measuring a built site in a real browser (budgets, tests).

With ``compress``, text files go out gzipped to a browser that accepts it, as any web server serving
the site would send them: the search benchmark measures what a phone downloads, not the raw files.
"""

from __future__ import annotations

import functools
import gzip
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

COMPRESSED_TYPES = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


class CompressingHandler(QuietHandler):
    def do_GET(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path):  # a folder's address without its final "/" is redirected, as before
            path = os.path.join(path, "index.html") if urlsplit(self.path).path.endswith("/") else ""
        if not (path.endswith(COMPRESSED_TYPES) and os.path.isfile(path) and "gzip" in self.headers.get("Accept-Encoding", "")):
            return super().do_GET()
        body = gzip.compress(Path(path).read_bytes(), 6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve(directory: Path, compress: bool = False) -> tuple[ThreadingHTTPServer, str]:
    """Serve ``directory`` on a free localhost port in a daemon thread; return the server and its base URL."""
    handler = functools.partial(CompressingHandler if compress else QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"
