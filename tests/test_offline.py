"""The offline guarantee: ingest, search, ask, draft, eval and serve make no connection beyond loopback —
no telemetry from Gradio, Chroma or Hugging Face, no model download — when the user configured none.

Runs the whole flow in a fresh process (so no earlier test has set the telemetry switches) with every
outbound connection and DNS lookup recorded and refused."""

import json
import os
import subprocess
import sys

from tests.conftest import ROOT, SAMPLES

FLOW = r'''
import json, socket, sys, tempfile
from pathlib import Path

attempts = []
LOOPBACK = ("127.", "::1", "localhost", "0.0.0.0")
real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo

def is_loopback(host):
    return str(host).startswith(LOOPBACK)

def connect(self, address):
    if self.family != getattr(socket, "AF_UNIX", None):
        host = address[0] if isinstance(address, tuple) else address
        if not is_loopback(host):
            attempts.append(f"connect {address!r}")
            raise ConnectionRefusedError("blocked")
    return real_connect(self, address)

def getaddrinfo(host, *args, **kwargs):
    if host is not None and not is_loopback(host):
        attempts.append(f"dns {host}")
        raise socket.gaierror("blocked")
    return real_getaddrinfo(host, *args, **kwargs)

socket.socket.connect, socket.getaddrinfo = connect, getaddrinfo

from assistant.cli import main
data = Path(tempfile.mkdtemp()) / "data"
samples = sys.argv[1]
steps = {
    "ingest": ["ingest", "--data-dir", str(data), samples, "--json"],
    "search": ["search", "--data-dir", str(data), "2023年签约率", "--json"],
    "ask": ["ask", "--data-dir", str(data), "2023年重点人群签约率是多少", "--json"],
    "draft": ["draft", "--data-dir", str(data), "--year", "2024", "--json"],
    "eval": ["eval", "--data-dir", str(data), "--golden", "evals/golden/samples.jsonl", "--retrievers", "hybrid,lexical",
             "--no-llm"],
}
codes = {name: main(argv) for name, argv in steps.items()}

from assistant.settings import apply_offline_environment, load_settings
from assistant.wiring import build_services
from ui.app import build_app, launch
settings = load_settings(data_dir=str(data))
apply_offline_environment(settings)
services = build_services(settings)
app = build_app(services)
url = launch(app, port=None, block=False)
from gradio_client import Client
answer = Client(url, verbose=False).predict("2023年重点人群签约率是多少", None, api_name="/ask")
app.close()
print("RESULT " + json.dumps({"codes": codes, "served": "79.8%" in answer, "attempts": attempts}, ensure_ascii=False))
'''


def test_the_whole_flow_reaches_nothing_beyond_loopback(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GRADIO_", "HF_", "TRANSFORMERS_", "ANONYMIZED_TELEMETRY", "REPORT_ASSISTANT_"))}
    env["HOME"] = str(tmp_path)               # no cached model or settings from this machine's user
    out = subprocess.run([sys.executable, "-c", FLOW, str(SAMPLES)], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=600)
    line = next((text for text in out.stdout.splitlines() if text.startswith("RESULT ")), None)
    assert line, out.stderr[-3000:]
    result = json.loads(line[len("RESULT "):])
    assert result["codes"] == {"ingest": 0, "search": 0, "ask": 0, "draft": 0, "eval": 0}
    assert result["served"]
    assert result["attempts"] == []
