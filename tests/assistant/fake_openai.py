"""A small OpenAI-compatible chat-completions server on loopback, scripted per request, for tests."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeOpenAI:
    """`script` holds one entry per expected request: a reply string, or {"sleep": s}, or {"status": 500}.
    Requests carrying the API key "bad-key" get a 401. Every request body is kept in `requests`."""

    def __init__(self) -> None:
        self.script: list = []
        self.requests: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append(body)
                if self.headers.get("Authorization") == "Bearer bad-key":
                    return self._json(401, {"error": {"message": "Incorrect API key provided", "type": "invalid_request_error",
                                                      "code": "invalid_api_key"}})
                step = fake.script.pop(0) if fake.script else "资料中未找到相关内容"
                if isinstance(step, dict) and "sleep" in step:
                    time.sleep(step["sleep"])
                    step = step.get("then", "迟到的回答")
                if isinstance(step, dict) and "status" in step:
                    return self._json(step["status"], {"error": {"message": "server error", "type": "server_error"}})
                if body.get("stream"):
                    return self._stream(step, body.get("model", "fake"))
                self._json(200, {"id": "c1", "object": "chat.completion", "created": 0, "model": body.get("model"),
                                 "choices": [{"index": 0, "message": {"role": "assistant", "content": step},
                                              "finish_reason": "stop"}],
                                 "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}})

            def _json(self, status: int, payload: dict) -> None:
                data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, text: str, model: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                pieces = [text[i:i + 5] for i in range(0, len(text), 5)]
                for piece in pieces:
                    chunk = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": model,
                             "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
                    self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
                    self.wfile.flush()
                done = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": model,
                        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
                self.wfile.write(f"data: {json.dumps(done)}\n\ndata: [DONE]\n\n".encode())
                self.wfile.flush()

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address) -> None:
                pass            # a client that gave up (the timeout test) is expected, not news

        self.server = Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self) -> FakeOpenAI:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
