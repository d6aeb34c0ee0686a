#!/usr/bin/env python3
"""Compares snapcheck with the independent oracle (oracle.py) on random
small configurations: see README.md. Prints one JSON line per
configuration and a summary; exits 1 if any figure disagrees."""
import argparse, json, os, random, shutil, subprocess, sys, tempfile, time

sys.dont_write_bytecode = True  # no __pycache__ in the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle import explore, snapcheck_snapshots, TooBig, ALGS

SNAPCHECK = "bin/snapcheck"
FLAGSETS = [
    ("base-w1", ["--workers", "1"]),
    ("base-w2", ["--workers", "2"]),
    ("por-w2", ["--por", "--workers", "2"]),
    ("por-w1", ["--por", "--workers", "1"]),
    ("sym-w1", ["--symmetry", "--workers", "1"]),
    ("sym-w2", ["--symmetry", "--workers", "2"]),
    ("porsym-w1", ["--por", "--symmetry", "--workers", "1"]),
    ("dfs-w1", ["--strategy", "dfs", "--workers", "1"]),
    ("fp-w2", ["--store", "fingerprint", "--workers", "2"]),
]


def reachable_all(n, chans, inits):
    adj = {i: [] for i in range(n)}
    for a, b in chans:
        adj[a].append(b)
    for s in inits:
        for i in s:
            seen = {i}
            st = [i]
            while st:
                x = st.pop()
                for y in adj[x]:
                    if y not in seen:
                        seen.add(y); st.append(y)
            if len(seen) != n:
                return False
    return True


def gen_sym(rng, k):
    n = rng.choice([2, 2, 3])
    ids = [str(i + 1) for i in range(n)]
    b = rng.randint(0, 2)
    cfg = {"name": "y%d" % k, "nodes": [{"id": x, "balance": b} for x in ids], "fifo": rng.random() < 0.5}
    if n == 3 and rng.random() < 0.5:
        cfg["channels"] = [[ids[i], ids[(i + 1) % 3]] for i in range(3)]
        inits = ids[:]
        if rng.random() < 0.5:
            cfg["workload"] = {"script": {ids[i]: [{"to": ids[(i + 1) % 3], "amount": 1}] for i in range(3)}}
        else:
            cfg["workload"] = {"any": {"amounts": [1], "max_sends": 1}}
    else:
        cfg["channels"] = "complete"
        inits = rng.choice([ids[:1], ids[:2], ids]) if n == 3 else rng.choice([ids[:1], ids])
        if rng.random() < 0.6:
            cfg["workload"] = {"any": {"amounts": rng.choice([[1], [1, 2]]), "max_sends": 1 if n == 3 else rng.choice([1, 2])}}
        else:
            cfg["workload"] = {"script": {}}
            if n == 2:
                cfg["in_flight"] = [{"from": "1", "to": "2", "amount": 1}, {"from": "2", "to": "1", "amount": 1}]
    cfg["snapshots"] = [{"id": "s1", "initiators": inits}]
    cfg["algorithm"] = rng.choice(ALGS)
    return cfg


def gen(rng, k, dup=False):
    """A random valid configuration; with dup, non-FIFO and every amount 1
    (equal messages, told apart only by their identities, SPEC 5.1)."""
    if dup:
        c = gen0(rng, k)
        c['fifo'] = False
        for m in c.get('in_flight', []): m['amount'] = 1
        if 'script' in c['workload']:
            for st in c['workload']['script'].values():
                for x in st:
                    if 'amount' in x: x['amount'] = 1
        else:
            c['workload']['any']['amounts'] = [1]
        return c
    return gen0(rng, k)


def gen0(rng, k):
    if rng.random() < 0.25:
        return gen_sym(rng, k)
    n = rng.choice([2, 2, 3, 3])
    ids = [str(i + 1) for i in range(n)] if rng.random() < 0.7 else ["a", "b", "c"][:n]
    alg = rng.choice(ALGS)
    fifo = rng.random() < 0.6
    nsnap = 1 if rng.random() < 0.8 else 2
    while True:
        if n == 2 or rng.random() < 0.4:
            chans = "complete"
            cl = [(i, j) for i in range(n) for j in range(n) if i != j]
        else:
            allc = [(i, j) for i in range(n) for j in range(n) if i != j]
            cl = [c for c in allc if rng.random() < 0.6]
            chans = [[ids[a], ids[b]] for a, b in cl]
        inits = []
        for s in range(nsnap):
            m = 1 if rng.random() < 0.7 else 2
            inits.append(rng.sample(range(n), m))
        if cl and reachable_all(n, cl, inits):
            break
    bal = [rng.randint(0, 4) for _ in range(n)]
    if rng.random() < 0.3:
        b = rng.randint(0, 3)
        bal = [b] * n
    cfg = {"name": "r%d" % k, "nodes": [{"id": ids[i], "balance": bal[i]} for i in range(n)],
           "channels": chans, "fifo": fifo}
    infl = []
    for _ in range(rng.choice([0, 0, 1, 1, 2])):
        a, b = rng.choice(cl)
        infl.append({"from": ids[a], "to": ids[b], "amount": rng.randint(1, 2)})
    if infl:
        cfg["in_flight"] = infl
    snaps = [{"id": "s%d" % (s + 1), "initiators": [ids[i] for i in inits[s]]} for s in range(nsnap)]
    if rng.random() < 0.3:
        amts = rng.choice([[1], [1, 2], [2]])
        cfg["workload"] = {"any": {"amounts": amts, "max_sends": 1}}
    else:
        sc = {}
        budget = rng.choice([1, 2, 2, 3]) if n == 2 else rng.choice([1, 1, 2])
        for i in range(n):
            steps = []
            outs = [b for a, b in cl if a == i]
            for _ in range(rng.choice([0, 1, 1, 2])):
                if budget <= 0 or not outs:
                    break
                budget -= 1
                steps.append({"to": ids[rng.choice(outs)], "amount": rng.randint(1, 3)})
            for s in range(nsnap):
                if i in inits[s] and rng.random() < 0.35:
                    steps.insert(rng.randint(0, len(steps)), {"initiate": "s%d" % (s + 1)})
            if steps:
                sc[ids[i]] = steps
        cfg["workload"] = {"script": sc}
    cfg["snapshots"] = snaps
    cfg["algorithm"] = alg
    return cfg


def run_sc(path, flags, outdir):
    t = time.time()
    p = subprocess.run([SNAPCHECK, "check", "--json", "--quiet", "--out", outdir] + flags + [path],
                       capture_output=True, text=True, timeout=60)
    el = time.time() - t
    try:
        rep = json.loads(p.stdout)
    except Exception:
        rep = None
    return p.returncode, rep, p.stderr, el


def compare(cfg, path, o, outdir, flagsets=FLAGSETS):
    diffs = []
    notes = []
    oprops = set(o["violations"]) - {"feasible"}
    reps = {}
    overdict = "violation" if oprops else "ok"
    for name, flags in flagsets:
        rc, rep, err, el = run_sc(path, flags, outdir)
        if rep is None:
            diffs.append((name, "no json rc=%d err=%s" % (rc, err.strip()[:300])))
            continue
        reps[name] = rep
        exp_rc = 1 if overdict == "violation" else 0
        if rc != exp_rc:
            diffs.append((name, "exit %d expected %d" % (rc, exp_rc)))
        if rep["verdict"] != overdict:
            diffs.append((name, "verdict %s oracle %s" % (rep["verdict"], overdict)))
        sprops = set(v["property"] for v in rep["violations"])
        if sprops != oprops:
            diffs.append((name, "props %s oracle %s" % (sorted(sprops), sorted(oprops))))
        ss = snapcheck_snapshots(rep)
        if ss != o["snapshots"]:
            diffs.append((name, "snapshots sc=%d oracle=%d only_sc=%s only_or=%s" % (
                len(ss), len(o["snapshots"]), sorted(ss - o["snapshots"])[:3], sorted(o["snapshots"] - ss)[:3])))
        for sn in rep.get("snapshots", []):
            kv = (sn["id"], tuple(sorted(sn["nodes"].items())), tuple(sorted((k, tuple(v)) for k, v in sn.get("channels", {}).items() if v)))
            w = sn.get("witnesses", {})
            cats = o["cats"].get(kv, set())
            for f, c in (("actual", "actual"), ("feasible_only", "feasible_only"), ("infeasible", "infeasible")):
                if w.get(f, 0) > 0 and c not in cats:
                    diffs.append((name, "witness %s=%d for %s but oracle categories %s" % (f, w[f], kv, sorted(cats))))
        if name.startswith("base") or name.startswith("dfs"):
            if rep["executions"] != o["executions"]:
                diffs.append((name, "executions sc=%s oracle=%s note=%s" % (rep["executions"], o["executions"], rep.get("executions_note"))))
            if rep.get("terminal_states") != o["terminal_states"]:
                notes.append((name, "terminal sc=%s oracle=%s" % (rep.get("terminal_states"), o["terminal_states"])))
            if rep["states"] != o["states"]:
                notes.append((name, "states sc=%s oracle=%s" % (rep["states"], o["states"])))
        if name.startswith("base") or name.startswith("sym-"):
            for v in rep["violations"]:
                if v["property"] in o["minlen"] and v.get("length") != o["minlen"][v["property"]]:
                    diffs.append((name, "minlen %s sc=%s oracle=%s" % (v["property"], v.get("length"), o["minlen"][v["property"]])))
        if el > 5:
            notes.append((name, "slow %.1fs" % el))
    def same(a, b, fields):
        if a in reps and b in reps:
            for f in fields:
                if reps[a].get(f) != reps[b].get(f):
                    diffs.append((a + "/" + b, "%s differs: %s vs %s" % (f, reps[a].get(f), reps[b].get(f))))
    F = ["states", "transitions", "executions", "terminal_states", "depth"]
    same("base-w1", "base-w2", F)
    same("por-w1", "por-w2", F)
    same("sym-w1", "sym-w2", F)
    same("base-w1", "dfs-w1", ["states", "transitions", "executions", "terminal_states"])
    same("base-w1", "fp-w2", ["states", "transitions", "terminal_states"])
    for nm in ("base-w1",):
        if nm in reps:
            bl = [(v["property"], v.get("length")) for v in reps[nm]["violations"]]
            bl2 = [(v["property"], v.get("length")) for v in reps.get("base-w2", {}).get("violations", [])]
            if sorted(bl) != sorted(bl2):
                diffs.append(("w1/w2", "violation lengths %s vs %s" % (bl, bl2)))
            for v in reps[nm]["violations"]:
                p = subprocess.run([SNAPCHECK, "replay", v["trace"]], capture_output=True, text=True, timeout=60)
                if p.returncode != 1:
                    diffs.append(("replay", "%s rc=%d %s" % (v["trace"], p.returncode, p.stdout[-300:])))
    return diffs, notes


def main():
    global SNAPCHECK
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--snapcheck", default=SNAPCHECK, help="the binary (default %(default)s)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=100, help="configurations to generate")
    ap.add_argument("--limit", type=int, default=40000, help="executions the oracle enumerates at most per configuration (larger ones are skipped)")
    ap.add_argument("--dup", action="store_true", help="non-FIFO banks whose amounts are all 1")
    ap.add_argument("--quiet", action="store_true", help="print only the configurations that disagree, and the summary")
    ap.add_argument("--keep", help="folder to keep the configurations and traces in (default: a temporary one)")
    a = ap.parse_args()
    SNAPCHECK = os.path.abspath(a.snapcheck)
    work = a.keep or tempfile.mkdtemp(prefix="snapcheck-oracle-")
    os.makedirs(os.path.join(work, "cfgs"), exist_ok=True)
    rng = random.Random(a.seed)
    stats = dict(seed=a.seed, compared=0, skipped=0, executions=0, disagreements=0)
    for k in range(a.count):
        cfg = gen(rng, a.seed * 100000 + k, a.dup)
        path = os.path.join(work, "cfgs", cfg["name"] + ".json")
        with open(path, "w") as f:
            json.dump(cfg, f)
        try:
            o = explore(cfg, a.limit)
        except TooBig:
            stats["skipped"] += 1
            continue
        stats["compared"] += 1
        stats["executions"] += o["executions"]
        d, notes = compare(cfg, path, o, os.path.join(work, "traces", cfg["name"]))
        if d:
            stats["disagreements"] += 1
        if d or not a.quiet:
            print(json.dumps(dict(name=cfg["name"], alg=cfg["algorithm"], fifo=cfg["fifo"], executions=o["executions"],
                                  violations=o["violations"], snapshots=len(o["snapshots"]), disagreements=d, notes=notes)), flush=True)
    print(json.dumps(stats), flush=True)
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if stats["disagreements"] else 0)


if __name__ == "__main__":
    main()
