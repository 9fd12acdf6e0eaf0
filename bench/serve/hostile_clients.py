"""Hostile clients for bench/serve/hostile.sh: slowloris connections (headers
sent one byte every few seconds, never finished; each reopens what the server
closes, so the pressure stays on) and slow readers (streamed chat requests
whose answers are never read). Prints how often the server closed a slowloris
connection. Loopback only; stops after --seconds.

usage: hostile_clients.py PORT KEY --slowloris N --slow-readers M --seconds S
"""
import argparse
import json
import socket
import threading
import time


def slowloris(port, stop, closed):
    sock = None
    while not stop.is_set():
        try:
            if sock is None:
                sock = socket.create_connection(("127.0.0.1", port), timeout=5)
                sock.sendall(b"POST /v1/moderations HTTP/1.1\r\nHost: x\r\n")
            sock.sendall(b"X")
            stop.wait(3)
        except OSError:
            closed[0] += 1
            if sock:
                sock.close()
            sock = None
            stop.wait(0.2)
    if sock:
        sock.close()


def slow_reader(port, key, body, stop, sent):
    """One streamed chat request whose answer is never read; the socket stays
    open until the run ends (whether the server gave up on it is read from
    the server's /metrics by hostile.sh)."""
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Authorization: Bearer " + key.encode() + b"\r\nContent-Length: " +
                     str(len(body)).encode() + b"\r\n\r\n" + body)
        sent[0] += 1
        stop.wait()
        sock.close()
    except OSError:
        pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("key")
    ap.add_argument("--slowloris", type=int, default=500)
    ap.add_argument("--slow-readers", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--prompt", default="[[huge=4000000]]")
    a = ap.parse_args()
    stop = threading.Event()
    lor, rd = [0], [0]
    body = json.dumps({"model": "m", "stream": True, "user": "slow",
                       "messages": [{"role": "user", "content": a.prompt}]}).encode()
    threads = [threading.Thread(target=slowloris, args=(a.port, stop, lor), daemon=True)
               for _ in range(a.slowloris)]
    threads += [threading.Thread(target=slow_reader, args=(a.port, a.key, body, stop, rd), daemon=True)
                for _ in range(a.slow_readers)]
    for t in threads:
        t.start()
    time.sleep(a.seconds)
    stop.set()
    print(f"HOSTILE slowloris={a.slowloris} slowloris_closed={lor[0]} slow_readers_sent={rd[0]}",
          flush=True)


if __name__ == "__main__":
    main()
