"""Sums oneDNN's own execution times (its verbose log) by primitive kind, for the training steps
of a `fluobench training` run or of a TensorFlow peer run with ONEDNN_VERBOSE=1.

oneDNN 2.x (Debian's, FluoSynth) writes `onednn_verbose,exec,cpu,PRIMITIVE,IMPL,PROP,...,TIME`;
3.x (TensorFlow's) writes `onednn_verbose,v1,primitive,exec,cpu,PRIMITIVE,IMPL,PROP,...,TIME`.
Lines are summed until the first primitive whose problem description matches STOP (a size that
only the prediction uses, e.g. ih128), so only the training steps count.

Usage: onednn_profile.py LOG STOP
"""
import collections
import re
import sys

log, stop = sys.argv[1], re.compile(sys.argv[2])
totals = collections.defaultdict(lambda: [0, 0.0])
for line in open(log, errors="replace"):
    fields = line.rstrip("\n").split(",")
    if not fields[0] == "onednn_verbose" or "exec" not in fields[:4]:
        continue
    at = fields.index("exec")
    primitive, implementation, kind = fields[at + 2], fields[at + 3], fields[at + 4]
    problem, milliseconds = fields[-2], float(fields[-1])
    if stop.search(problem):
        break
    name = "reorder" if primitive == "reorder" else f"{primitive} {kind} ({implementation})"
    totals[name][0] += 1
    totals[name][1] += milliseconds
for name, (count, milliseconds) in sorted(totals.items(), key=lambda item: -item[1][1]):
    print(f"{name:70} {count:6d} calls {milliseconds:10.1f} ms")
