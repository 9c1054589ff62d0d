"""moto's server, answering one request at a time, for Flywheel's emulator-backed tests.

Why: `python -m moto.server` serves werkzeug with threaded=True, and moto's DynamoDB transact_write_items is not
atomic under concurrency: it snapshots the tables, and when a condition fails it restores the whole table,
wiping what other threads committed in between. Real DynamoDB serialises conditional writes on an item, so our
race tests (16 writers on one counter) must hold, and they do against a server that handles requests one after
another. The lock keeps werkzeug's threads (so keep-alive connections and a full accept backlog behave as usual)
but lets only one request at a time into moto, and materialises the response body inside the lock.

Usage: python3 moto_serial_server.py HOST PORT
"""
import signal
import sys
import threading

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple


def main() -> None:
    host, port = sys.argv[1], int(sys.argv[2])
    app = DomainDispatcherApplication(create_backend_app)
    lock = threading.Lock()

    def serial_app(environ, start_response):
        with lock:
            body = app(environ, start_response)
            try:
                chunks = [bytes(chunk) for chunk in body]
            finally:
                close = getattr(body, "close", None)
                if close is not None:
                    close()
        return chunks

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    run_simple(host, port, serial_app, threaded=True, use_reloader=False)


if __name__ == "__main__":
    main()
