#!/usr/bin/env python3
# xwd_pixel.py FILE X Y [PNG]: the colour of pixel (X, Y) of an xwd(1) dump
# (a TrueColor one, as `xwd -root` of Xvfb writes) as "rrggbb"; with PNG,
# also writes the whole image there (for a person to look at).
import struct
import sys
import zlib


def main():
    data = open(sys.argv[1], "rb").read()
    fields = struct.unpack(">25I", data[:100])
    header_size, width, height = fields[0], fields[4], fields[5]
    byte_order, bits_per_pixel, bytes_per_line = fields[7], fields[11], fields[12]
    masks, ncolors = fields[14:17], fields[19]
    if bits_per_pixel not in (24, 32):
        sys.exit(f"unsupported xwd: {bits_per_pixel} bits per pixel")
    pixels = header_size + ncolors * 12
    step = bits_per_pixel // 8

    def rgb(x, y):
        at = pixels + y * bytes_per_line + x * step
        raw = data[at:at + step] + b"\0" * (4 - step)
        value = struct.unpack("<I" if byte_order == 0 else ">I", raw)[0]
        out = []
        for mask in masks:
            shift = (mask & -mask).bit_length() - 1
            out.append((value & mask) >> shift)
        return bytes(out)

    x, y = int(sys.argv[2]), int(sys.argv[3])
    if not (0 <= x < width and 0 <= y < height):
        sys.exit(f"({x}, {y}) is outside {width}x{height}")
    print(rgb(x, y).hex())
    if len(sys.argv) > 4:
        rows = b"".join(b"\0" + b"".join(rgb(i, j) for i in range(width)) for j in range(height))
        def chunk(kind, body):
            return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        png += chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
        open(sys.argv[4], "wb").write(png)


main()
