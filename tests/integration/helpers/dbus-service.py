#!/usr/bin/python3
# dbus-service.py — a tiny D-Bus service for the desktop-dbus suite, with
# the standard library only (the machine has no python3-dbus or gi):
#   dbus-service.py ADDRESS NAME...
# connects to ADDRESS (unix:path=...), owns each NAME, prints "ready" and
# answers every method call sent to it with an empty reply, until killed.
import os, socket, struct, sys


def pad(buf, n):
    return buf + b"\0" * (-len(buf) % n)


def string(buf, s, sig="s"):
    data = s.encode()
    if sig == "g":
        return buf + bytes([len(data)]) + data + b"\0"
    buf = pad(buf, 4)
    return buf + struct.pack("<I", len(data)) + data + b"\0"


def message(kind, serial, fields, body=b"", sig=None):
    head = b""
    if sig:
        fields = fields + [(8, "g", sig)]
    for code, t, value in fields:
        head = pad(head, 8) + bytes([code]) + bytes([1]) + t.encode() + b"\0"
        if t == "u":
            head = pad(head, 4) + struct.pack("<I", value)
        else:
            head = string(head, value, t)
    fixed = b"l" + bytes([kind, 0, 1]) + struct.pack("<III", len(body), serial, len(head))
    return pad(fixed + head, 8) + body


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        more = sock.recv(n - len(data))
        if not more:
            sys.exit(0)
        data += more
    return data


def read_message(sock):
    fixed = recv_exact(sock, 16)
    kind = fixed[1]
    body_len, serial, fields_len = struct.unpack("<III", fixed[4:16])
    rest = recv_exact(sock, fields_len + (-(16 + fields_len) % 8) + body_len)
    head, fields, i = rest[:fields_len], {}, 0
    while i < len(head):
        i += -i % 8
        code, siglen = head[i], head[i + 1]
        t = head[i + 2:i + 2 + siglen].decode()
        i += 3 + siglen
        if t == "u":
            i += -i % 4
            fields[code] = struct.unpack("<I", head[i:i + 4])[0]
            i += 4
        elif t == "g":
            n = head[i]
            fields[code] = head[i + 1:i + 1 + n].decode()
            i += 2 + n
        else:
            i += -i % 4
            n = struct.unpack("<I", head[i:i + 4])[0]
            fields[code] = head[i + 4:i + 4 + n].decode()
            i += 5 + n
    return kind, serial, fields


def main():
    address, names = sys.argv[1], sys.argv[2:]
    path = address.split("unix:path=", 1)[1].split(",", 1)[0]
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    sock.sendall(b"\0AUTH EXTERNAL " + str(os.getuid()).encode().hex().encode() + b"\r\n")
    if not sock.recv(4096).startswith(b"OK"):
        sys.exit("authentication refused")
    sock.sendall(b"BEGIN\r\n")
    bus = [(1, "o", "/org/freedesktop/DBus"), (6, "s", "org.freedesktop.DBus"), (2, "s", "org.freedesktop.DBus")]
    serial = 1
    sock.sendall(message(1, serial, bus + [(3, "s", "Hello")]))
    for name in names:
        serial += 1
        sock.sendall(message(1, serial, bus + [(3, "s", "RequestName")], pad(string(b"", name), 4) + struct.pack("<I", 4), "su"))
    answered = 0
    while answered < len(names) + 1:
        kind, _, fields = read_message(sock)
        if kind == 3:
            sys.exit("error from the bus: %s" % fields.get(4))
        if kind == 2:
            answered += 1
    print("ready", flush=True)
    while True:
        kind, their_serial, fields = read_message(sock)
        if kind == 1 and 7 in fields:
            serial += 1
            sock.sendall(message(2, serial, [(5, "u", their_serial), (6, "s", fields[7])]))


main()
