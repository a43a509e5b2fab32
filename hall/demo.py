"""The demo hall: load the demo configuration, give the demo devices tokens, start emulated devices, print URLs."""

from __future__ import annotations

import json
import subprocess
import sys

from hall.config import ROOT
from hall.services import access
from hall.services.actors import SYSTEM
from hall.services.hall_config import DEMO_HALL, load_hall

DEMO_DEVICES = {"kiosk-1": "kiosk", "screen-hall": "screen", "agent-1": "agent"}


def demo_tokens(ctx, var_dir) -> dict[str, str]:
    """Tokens of the demo devices, kept in var/demo-devices.json and renewed if the database forgot them."""
    path = var_dir / "demo-devices.json"
    tokens = json.loads(path.read_text()) if path.exists() else {}
    for device_id, kind in DEMO_DEVICES.items():
        token = tokens.get(device_id)
        actor = access.resolve_token(ctx, token) if token else None
        if actor is None or actor.id != device_id:
            tokens[device_id] = access.device_token(ctx, SYSTEM, device_id, kind)
    var_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(tokens, indent=2))
    path.chmod(0o600)
    return tokens


def start_demo(ctx, settings, args, *, emulate_devices: bool = True) -> None:
    """Load the demo hall and, unless told not to, start the printer emulator and the device agent."""
    load_hall(ctx, SYSTEM, DEMO_HALL)
    tokens = demo_tokens(ctx, settings.var_dir)
    base = settings.public_url
    printouts = settings.var_dir / "printouts"
    if emulate_devices:
        printer_port = 9100 if _port_free(9100) else 0
        emulator = subprocess.Popen([sys.executable, "-m", "devices.printer.emulator", "--host", "127.0.0.1",
                                     "--port", str(printer_port), "--out", str(printouts), "--port-file",
                                     str(settings.var_dir / "printer.port")], cwd=ROOT)
        port = _wait_port_file(settings.var_dir / "printer.port", emulator)
        subprocess.Popen([sys.executable, "-m", "devices.agent", "--server", base, "--token", tokens["agent-1"],
                          "--printer", f"kiosk-1=tcp://127.0.0.1:{port}", "--name", "agent-1"], cwd=ROOT)
    from sqlalchemy import select

    from hall.store.models import Window

    with ctx.read() as session:
        windows = sorted(session.execute(select(Window.number)).scalars(), key=lambda n: (len(n), n))
    lines = banner_lines(base, tokens, windows, printouts if emulate_devices else None)
    print("\n".join(lines), flush=True)


def banner_lines(base: str, tokens: dict[str, str], windows: list[str], printouts=None) -> list[str]:
    """The demo's start banner: the URL of every page the hall has, with the demo devices' tokens."""
    lines = [
        "",
        "=" * 72,
        "  Hall demo — open these pages (Chinese by default, add &lang=en for English)",
        "=" * 72,
        f"  Kiosk (取号机)            {base}/kiosk?token={tokens['kiosk-1']}",
        f"  Hall screen (大厅屏)      {base}/display/hall?token={tokens['screen-hall']}",
        f"  Window screens (窗口屏)   {base}/display/window/<number>?token={tokens['screen-hall']}",
        f"                            (windows {windows[0]}–{windows[-1]})" if windows else "",
        f"  Call voice (叫号语音 WAV) {base}/display/voice/<ticket number>/<window number>.wav",
        f"  Clerk console (叫号台)    {base}/console   (log in: clerk01 … / hall-demo)",
        f"  Staff login (登录)        {base}/login",
        f"  Mobile ticket page        {base}/t/<ticket token>  (the QR code on every ticket)",
        f"  Citizen's case page       {base}/c/<case token>  (the QR code on every case receipt and notice)",
        f"  API (OpenAPI)             {base}/api/v1/openapi.json",
        f"  Health check              {base}/healthz",
        f"  Start page                {base}/",
    ]
    if printouts is not None:
        lines.append(f"  Printed tickets (PNG)     {printouts}/")
    lines += ["  Demo accounts: admin, director, supervisor, duty1, duty2, clerk01… — password hall-demo", "=" * 72, ""]
    return lines


def _port_free(port: int) -> bool:
    import socket

    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _wait_port_file(path, process, timeout: float = 10.0) -> int:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            return int(path.read_text().strip())
        if process.poll() is not None:
            raise RuntimeError("the printer emulator did not start")
        time.sleep(0.05)
    raise RuntimeError("the printer emulator did not report its port")
