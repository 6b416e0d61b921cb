#!/usr/bin/env python3
"""Summarises an async-profiler collapsed-stack file for bench/profile.sh: the event loops' samples
(stacks through Netty's SingleThreadIoEventLoop) by where the time went, judged from the innermost
frame outwards, and their top self frames. Other threads (JIT, GC, Hazelcast) are shown as one share."""
import collections
import re
import sys

SYSCALLS = [  # innermost native frame -> what the kernel was asked to do
    ("epoll_wait (idle or waking)", r"epoll_(p)?wait"),
    ("socket write (send, writev)", r"send|writev|__libc_write|\bwrite\b"),
    ("socket read (recv, read)", r"recv|readv|__libc_read|\bread\b"),
    ("accept, connect, close, setsockopt", r"accept|connect|close|setsockopt|socket|shutdown|getsockopt"),
    ("eventfd and timers", r"eventfd|timerfd"),
]
JAVA = [  # innermost Java package -> whose code
    ("TLS (BoringSSL or the JDK)", r"tcnative|OpenSsl|SslHandler|sun/security|javax/net/ssl"),
    ("Archway", r"io/archway"),
    ("Vert.x", r"io/vertx"),
    ("Netty", r"io/netty"),
    ("JDK", r"^(java|jdk|sun)/"),
]


def where(frames):
    for frame in reversed(frames):
        is_java = "/" in frame and not frame.startswith("/")
        if not is_java:
            for name, pattern in SYSCALLS:
                if re.search(pattern, frame):
                    return "syscall: " + name
            if re.search(r"SSL|EVP|ecdsa|bssl|sha256|aes", frame, re.I):
                return "TLS (BoringSSL or the JDK)"
            continue
        for name, pattern in JAVA:
            if re.search(pattern, frame):
                return name
    return "other"


def main():
    loops = collections.Counter()
    self_frames = collections.Counter()
    total = in_loops = 0
    with open(sys.argv[1]) as f:
        for line in f:
            stack, _, count = line.rstrip().rpartition(" ")
            n = int(count)
            total += n
            frames = stack.split(";")
            if not any("SingleThreadIoEventLoop" in fr for fr in frames):
                continue
            in_loops += n
            loops[where(frames)] += n
            self_frames[frames[-1]] += n
    print(f"{total} samples in all; {in_loops} ({100 * in_loops / max(total, 1):.0f}%) on the event loops")
    print("event loops, by where the time went:")
    for name, n in loops.most_common():
        print(f"  {100 * n / in_loops:5.1f}%  {name}")
    print("event loops, top self frames:")
    for frame, n in self_frames.most_common(10):
        print(f"  {100 * n / in_loops:5.1f}%  {frame[:110]}")


if __name__ == "__main__":
    main()
