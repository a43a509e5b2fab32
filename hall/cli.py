"""The hall's command line: serve, load the hall's configuration, manage users and devices, verify the audit log."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from hall.config import Settings


def _context():
    from hall.services.context import HallContext
    from hall.store.migrate import upgrade

    ctx = HallContext.create(Settings.from_env())
    upgrade(ctx.engine)
    return ctx


def cmd_serve(args) -> int:
    """Run the server (and, with --demo, the demo hall with emulated devices)."""
    from hall.jobs.runner import start_jobs
    from hall.web.app import create_app
    from hall.web.extensions import socketio

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    settings = Settings.from_env()
    if not settings.public_url:
        settings = Settings.from_env(public_url=f"http://{_display_host(args.host)}:{args.port}")
    app = create_app(settings)
    ctx = app.extensions["hall"]
    if args.demo:
        from hall.demo import start_demo

        start_demo(ctx, settings, args, emulate_devices=not args.no_devices)
    start_jobs(socketio, ctx)
    print(f"Hall server listening on {settings.public_url} (async mode {settings.async_mode}, "
          f"database {ctx.engine.url.render_as_string(hide_password=True)})", flush=True)
    if settings.async_mode == "gevent":
        _serve_gevent(app, args.host, args.port)
    else:
        socketio.run(app, host=args.host, port=args.port, log_output=False, allow_unsafe_werkzeug=True)
    return 0


def _display_host(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host


def _serve_gevent(app, host: str, port: int) -> None:
    """gevent's server, with TCP_NODELAY on the listening socket (else ~44 ms per keep-alive reply)."""
    import socket

    from gevent import pywsgi
    from geventwebsocket.handler import WebSocketHandler

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    listener.bind((host, port))
    listener.listen(1024)
    pywsgi.WSGIServer(listener, app, handler_class=WebSocketHandler, log=None).serve_forever()


def cmd_db_upgrade(args) -> int:
    """Bring the database to the current schema."""
    _context()
    print("database is up to date")
    return 0


def cmd_load(args) -> int:
    """Load (or reload) the hall's configuration file."""
    from hall.services.actors import SYSTEM
    from hall.services.hall_config import DEMO_HALL, load_hall

    changes = load_hall(_context(), SYSTEM, Path(args.path) if args.path else DEMO_HALL)
    print("changes: " + ", ".join(f"{k} {v}" for k, v in changes.items()))
    return 0


def cmd_users_add(args) -> int:
    """Create or update a staff account."""
    from hall.services.access import add_user
    from hall.services.actors import SYSTEM

    user = add_user(_context(), SYSTEM, args.name, args.role, args.password, name=args.full_name or "",
                    badge=args.badge or "", title=args.title or "", department_code=args.department)
    print(f"user {user['username']} ({user['role']}) saved")
    return 0


def cmd_devices_token(args) -> int:
    """Create the device if new and print a fresh token for it."""
    from hall.services.access import device_token
    from hall.services.actors import SYSTEM

    printer = "" if args.no_printer else args.printer
    print(device_token(_context(), SYSTEM, args.device_id, args.kind, printer=printer))
    return 0


def cmd_audit_verify(args) -> int:
    """Check the hash chain of the event log from the first entry to the head."""
    from hall.store.eventlog import verify

    ctx = _context()
    with ctx.read() as session:
        report = verify(session)
    if report.ok:
        print(f"audit log OK: {report.checked} entries, chain intact")
        return 0
    print(f"audit log BROKEN at entry {report.broken_at}: {report.reason} ({report.checked} entries before it are intact)")
    return 1


def parser() -> argparse.ArgumentParser:
    """The command-line grammar."""
    from hall.services.actors import DEVICE_KINDS, STAFF_ROLES

    p = argparse.ArgumentParser(prog="python -m hall", description="Hall: the service hall's real-time server")
    sub = p.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the server")
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--port", type=int, default=5000)
    serve.add_argument("--demo", action="store_true", help="load the demo hall, start emulated devices, print URLs")
    serve.add_argument("--no-devices", action="store_true", help="with --demo: no emulated printer or agent")
    serve.set_defaults(fn=cmd_serve)

    db = sub.add_parser("db", help="database schema").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="apply migrations").set_defaults(fn=cmd_db_upgrade)

    hall_cmd = sub.add_parser("hall", help="the hall's configuration").add_subparsers(dest="hall_command", required=True)
    load = hall_cmd.add_parser("load", help="load a hall configuration file (default: the demo hall)")
    load.add_argument("path", nargs="?")
    load.set_defaults(fn=cmd_load)

    users = sub.add_parser("users", help="staff accounts").add_subparsers(dest="users_command", required=True)
    add = users.add_parser("add", help="create or update a staff account")
    add.add_argument("name", help="username")
    add.add_argument("--role", required=True, choices=STAFF_ROLES)
    add.add_argument("--password", required=True)
    add.add_argument("--full-name")
    add.add_argument("--badge")
    add.add_argument("--title")
    add.add_argument("--department", help="department code")
    add.set_defaults(fn=cmd_users_add)

    devices = sub.add_parser("devices", help="kiosks, screens, agents").add_subparsers(dest="devices_command",
                                                                                         required=True)
    token = devices.add_parser("token", help="create the device if new and print a fresh token")
    token.add_argument("device_id")
    token.add_argument("--kind", required=True, choices=DEVICE_KINDS)
    token.add_argument("--printer", help="for a kiosk: the name of its printer (default: the kiosk's id)")
    token.add_argument("--no-printer", action="store_true", help="for a kiosk: it has no ticket printer")
    token.set_defaults(fn=cmd_devices_token)

    audit = sub.add_parser("audit", help="the e-supervision event log").add_subparsers(dest="audit_command",
                                                                                        required=True)
    audit.add_parser("verify", help="verify the hash chain").set_defaults(fn=cmd_audit_verify)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run one command; service errors are printed plainly."""
    from hall.services.errors import ServiceError

    args = parser().parse_args(argv)
    try:
        return args.fn(args)
    except ServiceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
