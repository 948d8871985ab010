#!/usr/bin/env python3
"""No call cycles between the files of a library module (issue #16).

Reads the compiled objects of lib/<module>/ (build/libagesops.so.p/
lib_<module>_*.o) with nm, draws an edge a -> b when a.c uses a symbol b.c
defines, and fails naming every strongly connected group of files.  A
cycle means no file of the group can be read alone.

usage: layers.py BUILD_ROOT MODULE...
"""
import glob
import os
import subprocess
import sys


def symbols(obj):
    out = subprocess.run(["nm", "-P", obj], check=True, capture_output=True, text=True).stdout
    defined, used = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        name, kind = parts[0], parts[1]
        if kind == "U":
            used.add(name)
        elif kind in "TDBR":  # global text, data, bss, read-only data
            defined.add(name)
    return defined, used


def sccs(graph):
    """Tarjan's strongly connected components."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def main():
    root, modules = sys.argv[1], sys.argv[2:]
    bad = 0
    for mod in modules:
        objs = glob.glob(os.path.join(root, "*.p", "lib_%s_*.o" % mod))
        if not objs:
            print("no objects for lib/%s under %s" % (mod, root))
            return 1
        files = {}
        for o in objs:
            name = os.path.basename(o)[len("lib_%s_" % mod):-len(".o")]
            files[name] = symbols(o)
        owner = {s: f for f, (defs, _) in files.items() for s in defs}
        graph = {f: {owner[s] for s in used if s in owner and owner[s] != f}
                 for f, (_, used) in files.items()}
        for comp in sccs(graph):
            if len(comp) > 1:
                bad += 1
                edges = ["%s -> %s" % (a, b) for a in comp for b in sorted(graph[a]) if b in comp]
                print("lib/%s: call cycle among %s: %s" % (mod, ", ".join(comp), "; ".join(edges)))
        print("lib/%s: %d files, %d call edges, %s" % (
            mod, len(files), sum(len(v) for v in graph.values()), "cycles" if bad else "no cycles"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
