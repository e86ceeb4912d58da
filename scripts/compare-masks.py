#!/usr/bin/env python3
# Compares two `blurd analyze --masks` directories of the same clip (int8 against fp32, say):
# the blur mask (probability map >= 128) over every cell, and, with a blur-type model, the type
# (motion map >= 128) over the cells the first directory calls blurred.
# Usage: scripts/compare-masks.py DIR_A DIR_B
import sys, glob, os
import numpy as np
def pgm(path):
    data = open(path, 'rb').read()
    parts = data.split(b'\n', 3)
    w, h = map(int, parts[1].split())
    return np.frombuffer(parts[3], dtype=np.uint8).reshape(h, w)
a, b = sys.argv[1], sys.argv[2]
cells = agree = blurred = tagree = motion = 0
for f in sorted(glob.glob(a + '/frame_*[0-9].pgm')):
    name = os.path.basename(f)
    pa, pb = pgm(f) >= 128, pgm(os.path.join(b, name)) >= 128
    cells += pa.size; agree += (pa == pb).sum()
    if not os.path.exists(f.replace('.pgm', '.motion.pgm')): continue
    ma, mb = pgm(f.replace('.pgm', '.motion.pgm')) >= 128, pgm(os.path.join(b, name.replace('.pgm', '.motion.pgm'))) >= 128
    blurred += pa.sum(); tagree += (ma == mb)[pa].sum(); motion += ma[pa].sum()
print(f"blur mask agreement {agree}/{cells} = {agree/cells:.4f}; type agreement on {a}-blurred cells {tagree}/{blurred} = {tagree/max(1,blurred):.4f} (motion on {motion})")
