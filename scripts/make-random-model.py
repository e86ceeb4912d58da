#!/usr/bin/env python3
"""Writes a blurSegDefault model file with random He-normal weights (docs/MODEL_FORMAT.md).

It stands in for the trained model embedded in the binary (Sources/CBlurdModel/default.blurdmodel)
until training produces one, and it is a second, independent writer of the format: the Swift
tests read what it writes. The layer list mirrors NetworkSpec.blurSegDefault key for key.

    python3 scripts/make-random-model.py Sources/CBlurdModel/default.blurdmodel [seed]
"""
import json, math, random, struct, sys, zlib

def conv(out, k=3, s=1, d=1, act="relu", save=None):
    layer = {"op": "conv", "out": out, "k": k, "s": s, "d": d, "act": act}
    if save:
        layer["save"] = save
    return layer

SPEC = {"name": "blurseg-v1", "in_ch": 1, "layers": [
    conv(16, s=2), conv(16, s=2), conv(24, save="q4"), conv(32, s=2),
    conv(32, d=2), conv(32, d=4), conv(32, d=8),
    {"op": "up", "to": "q4"}, {"op": "concat", "with": "q4"},
    conv(16), conv(1, k=1, act="none"),
]}

def tensors(spec, rng):
    """He-normal weights and zero biases, named layers.<i>.weight / .bias."""
    out, channels, saved = {}, [spec["in_ch"]], {}
    for i, layer in enumerate(spec["layers"]):
        c = channels[-1]
        if layer["op"] == "conv":
            o, k = layer["out"], layer["k"]
            std = math.sqrt(2.0 / (c * k * k))
            out[f"layers.{i}.weight"] = ([o, c, k, k], [rng.gauss(0, std) for _ in range(o * c * k * k)])
            out[f"layers.{i}.bias"] = ([o], [0.0] * o)
            c = o
        elif layer["op"] == "concat":
            c += saved[layer["with"]]
        channels.append(c)
        if "save" in layer:
            saved[layer["save"]] = c
    return out

def serialize(spec, mean, std, metadata, named):
    header = json.dumps({"metadata": metadata, "spec": spec}, sort_keys=True, separators=(",", ":")).encode()
    body = struct.pack("<I", len(header)) + header + struct.pack("<ffI", mean, std, len(named))
    for name in sorted(named):
        shape, values = named[name]
        raw = name.encode()
        body += struct.pack("<H", len(raw)) + raw + struct.pack("<BB", 0, len(shape))
        body += struct.pack(f"<{len(shape)}I", *shape) + struct.pack("<I", 0)
        body += struct.pack(f"<{len(values)}f", *values)
    total = 8 + 4 + 4 + len(body) + 4
    data = b"BLURDMDL" + struct.pack("<II", 1, total) + body
    return data + struct.pack("<I", zlib.crc32(data))

def main():
    path = sys.argv[1]
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    metadata = {"weights": f"random He-normal, seed {seed} (untrained placeholder)",
                "command": f"python3 scripts/make-random-model.py {path} {seed}"}
    data = serialize(SPEC, 0.45, 0.25, metadata, tensors(SPEC, random.Random(seed)))
    with open(path, "wb") as f:
        f.write(data)
    print(f"wrote {path}: {len(data)} bytes")

if __name__ == "__main__":
    main()
