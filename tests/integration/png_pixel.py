#!/usr/bin/env python3
"""png_pixel.py FILE: the colour of a PNG's centre pixel as "rrggbb" (and
"WIDTHxHEIGHT" before it), read with the standard library only (zlib):
8-bit greyscale, RGB, grey+alpha and RGBA, non-interlaced, every filter.
Exits 1 with a message on stderr for anything else."""
import struct
import sys
import zlib


def fail(msg):
    print(f"png_pixel: {msg}", file=sys.stderr)
    sys.exit(1)


def main():
    if len(sys.argv) != 2:
        fail("usage: png_pixel.py FILE")
    try:
        data = open(sys.argv[1], "rb").read()
    except OSError as e:
        fail(str(e))
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail("not a PNG")
    pos, idat, ihdr = 8, b"", None
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        pos += 12 + length
    if ihdr is None:
        fail("no IHDR")
    width, height, depth, ctype, _, _, interlace = ihdr
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(ctype)
    if depth != 8 or channels is None or interlace:
        fail(f"unsupported PNG (depth {depth}, colour type {ctype}, interlace {interlace})")
    raw = zlib.decompress(idat)
    stride = width * channels
    prev = bytearray(stride)
    rows = []
    for y in range(height):
        start = y * (stride + 1)
        ftype, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 0xFF
            elif ftype == 2:
                line[i] = (line[i] + b) & 0xFF
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
            elif ftype != 0:
                fail(f"bad filter {ftype}")
        rows.append(line)
        prev = line
    px = rows[height // 2][(width // 2) * channels : (width // 2) * channels + channels]
    rgb = (px[0], px[0], px[0]) if channels < 3 else (px[0], px[1], px[2])
    print(f"{width}x{height} {rgb[0]:02x}{rgb[1]:02x}{rgb[2]:02x}")


main()
