#!/usr/bin/env python3
"""Write data/mnist-sample/: the first N (default 10000) MNIST training digits and labels as gzipped IDX.

Usage: data/make-mnist-sample.py SOURCE_DIR [N]

SOURCE_DIR holds train-images-idx3-ubyte and train-labels-idx1-ubyte, raw or gzipped
(for example data/mnist/ after `data/fetch mnist`). The output is deterministic: gzip level 9, mtime 0, no name.
"""
import gzip
import os
import struct
import sys


def read(path_base):
    for p in (path_base, path_base + ".gz"):
        if os.path.exists(p):
            with open(p, "rb") as f:
                data = f.read()
            return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
    sys.exit("missing %s (or %s.gz)" % (path_base, path_base))


def write_gz(path, payload):
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=raw, mtime=0) as gz:
            gz.write(payload)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    src, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) == 3 else 10000
    images = read(os.path.join(src, "train-images-idx3-ubyte"))
    labels = read(os.path.join(src, "train-labels-idx1-ubyte"))
    magic, count, rows, cols = struct.unpack(">IIII", images[:16])
    lmagic, lcount = struct.unpack(">II", labels[:8])
    if magic != 2051 or lmagic != 2049:
        sys.exit("bad magic: images %d (expected 2051), labels %d (expected 2049)" % (magic, lmagic))
    if n > count or n > lcount:
        sys.exit("asked for %d digits, the source has %d images and %d labels" % (n, count, lcount))
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mnist-sample")
    os.makedirs(out, exist_ok=True)
    write_gz(os.path.join(out, "train-images-idx3-ubyte.gz"),
             struct.pack(">IIII", 2051, n, rows, cols) + images[16:16 + n * rows * cols])
    write_gz(os.path.join(out, "train-labels-idx1-ubyte.gz"),
             struct.pack(">II", 2049, n) + labels[8:8 + n])
    print("wrote %d digits of %dx%d to %s" % (n, rows, cols, out))


if __name__ == "__main__":
    main()
