"""A stand-in for an OpenAI-compatible model on 127.0.0.1 (demo only): it
echoes "say ..." requests ("<<how-to>>" becomes a flagged phrase, so the
input passes and the answer does not) and answers everything else politely; streamed
answers come word by word."""
import http.server
import json
import sys
import time


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *a):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        text = body["messages"][-1]["content"]
        answer = text[4:].replace("<<how-to>>", "how to kill someone") if text.startswith("say ") else "Here is a helpful, harmless answer."
        if body.get("stream"):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            try:
                for i, w in enumerate(answer.split(" ")):
                    ev = {"id": "up", "object": "chat.completion.chunk", "model": "demo-model",
                          "choices": [{"index": 0, "delta": {"content": (" " if i else "") + w}}]}
                    self.wfile.write(b"data: " + json.dumps(ev).encode() + b"\n\n")
                    self.wfile.flush()
                    time.sleep(0.02)
                self.wfile.write(b"data: [DONE]\n\n")
            except OSError:  # safegate cut the stream off
                pass
            self.close_connection = True
            return
        out = json.dumps({"id": "up", "object": "chat.completion", "model": "demo-model",
                          "choices": [{"index": 0, "message": {"role": "assistant", "content": answer},
                                       "finish_reason": "stop"}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)


srv = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H)
srv.serve_forever()
