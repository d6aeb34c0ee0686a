#!/usr/bin/env python3
"""Independent brute-force oracle for the snapcheck SPEC (bank + Chandy-Lamport + variants).
Enumerates every execution (no merging, no reduction) and judges properties on the
concrete history of each execution."""
import json, sys
from collections import Counter

ALGS = ("chandy-lamport", "no-channel-state", "late-markers", "stop-all-on-marker", "no-forward")


class TooBig(Exception):
    pass


class Model:
    def __init__(self, cfg):
        self.cfg = cfg
        self.ids = [n["id"] for n in cfg["nodes"]]
        self.idx = {x: k for k, x in enumerate(self.ids)}
        n = len(self.ids)
        self.n = n
        ch = cfg.get("channels", "complete")
        if ch == "complete":
            self.chans = [(i, j) for i in range(n) for j in range(n) if i != j]
        else:
            self.chans = [(self.idx[a], self.idx[b]) for a, b in ch]
        self.cidx = {c: k for k, c in enumerate(self.chans)}
        self.inc = [[k for k, (a, b) in enumerate(self.chans) if b == i] for i in range(n)]
        self.out = [[k for k, (a, b) in enumerate(self.chans) if a == i] for i in range(n)]
        self.fifo = cfg.get("fifo", True)
        self.alg = cfg.get("algorithm", "chandy-lamport")
        assert self.alg in ALGS, self.alg
        self.snaps = [s["id"] for s in cfg["snapshots"]]
        self.sidx = {s: k for k, s in enumerate(self.snaps)}
        self.S = len(self.snaps)
        self.initiators = [set(self.idx[x] for x in s["initiators"]) for s in cfg["snapshots"]]
        wl = cfg.get("workload", {"script": {}})
        self.any = None
        self.script = [[] for _ in range(n)]
        if "any" in wl:
            self.any = (wl["any"]["amounts"], wl["any"]["max_sends"])
        else:
            for nid, steps in wl.get("script", {}).items():
                i = self.idx[nid]
                for st in steps:
                    if "initiate" in st:
                        self.script[i].append(("I", self.sidx[st["initiate"]]))
                    else:
                        self.script[i].append(("S", self.cidx[(i, self.idx[st["to"]])], st["amount"]))
        scripted = set()
        for i in range(n):
            for st in self.script[i]:
                if st[0] == "I":
                    scripted.add((i, st[1]))
        self.spont = [set(i for i in self.initiators[s] if (i, s) not in scripted) for s in range(self.S)]
        self.total = sum(x["balance"] for x in cfg["nodes"]) + sum(m["amount"] for m in cfg.get("in_flight", []))

    def chname(self, c):
        a, b = self.chans[c]
        return "%s->%s" % (self.ids[a], self.ids[b])


# Node-snapshot algorithm state: dict with keys
#  rec(bool) bal recording(frozenset) chanrec(dict c->tuple mids) mrecv(frozenset) pending(frozenset) done(bool)

def explore(cfg, limit=400000):
    M = Model(cfg)
    n, S = M.n, M.S
    # message info: mid -> (c, amount)   (mids are ints for transfers; ('i',k) initial)
    info0 = {}
    chans0 = [[] for _ in M.chans]
    sendidx0 = {}
    for k, m in enumerate(cfg.get("in_flight", [])):
        c = M.cidx[(M.idx[m["from"]], M.idx[m["to"]])]
        mid = ("i", k)
        info0[mid] = (c, m["amount"])
        chans0[c].append(("T", mid))
        sendidx0[mid] = -1
    ns0 = dict(rec=False, bal=None, recording=frozenset(), chanrec={}, mrecv=frozenset(), pending=frozenset())
    st0 = dict(bal=[x["balance"] for x in cfg["nodes"]], pos=[0] * n,
               ch=[tuple(x) for x in chans0], alg=[[ns0 for _ in range(S)] for _ in range(n)],
               recidx={}, sendidx=sendidx0, recvidx={}, info=info0, complete=[False] * S)

    res = dict(executions=0, terminal=set(), states=set(), snapshots=set(),
               violations={}, minlen={}, examples={}, cats={})

    def normalize(st):
        for i in range(n):
            sc = M.script[i]
            while st["pos"][i] < len(sc) and sc[st["pos"][i]][0] == "I" and st["alg"][i][sc[st["pos"][i]][1]]["rec"]:
                st["pos"][i] += 1

    def key(st):
        chs = []
        for c, q in enumerate(st["ch"]):
            items = [("T", st["info"][m[1]][1]) if m[0] == "T" else ("M", m[1]) for m in q]
            if not M.fifo:
                items = sorted(items)
            chs.append(tuple(items))
        algk = []
        for i in range(n):
            for s in range(S):
                d = st["alg"][i][s]
                algk.append((d["rec"], d["bal"], tuple(sorted(d["recording"])),
                             tuple(sorted((c, tuple(st["info"][m][1] for m in v)) for c, v in d["chanrec"].items())),
                             tuple(sorted(d["mrecv"])), tuple(sorted(d["pending"]))))
        return (tuple(st["bal"]), tuple(st["pos"]), tuple(chs), tuple(algk))

    def copy(st):
        return dict(bal=list(st["bal"]), pos=list(st["pos"]), ch=list(st["ch"]),
                    alg=[list(a) for a in st["alg"]], recidx=dict(st["recidx"]),
                    sendidx=dict(st["sendidx"]), recvidx=dict(st["recvidx"]), info=dict(st["info"]),
                    complete=list(st["complete"]))

    def send_marker(st, c, s):
        st["ch"][c] = st["ch"][c] + (("M", s),)

    def record(st, i, s, t, except_c, via_initiate):
        d = dict(st["alg"][i][s])
        d["rec"] = True
        d["bal"] = st["bal"][i]
        d["recording"] = frozenset(c for c in M.inc[i] if c != except_c)
        d["chanrec"] = {c: () for c in M.inc[i]}
        st["recidx"][(i, s)] = t
        if M.alg == "late-markers":
            d["pending"] = frozenset(M.out[i])
        elif M.alg == "no-forward" and not via_initiate:
            pass
        else:
            for c in M.out[i]:
                send_marker(st, c, s)
        st["alg"][i][s] = d

    def events(st):
        ev = []
        for i in range(n):
            if M.any is not None:
                amts, mx = M.any
                if st["pos"][i] < mx:
                    for c in M.out[i]:
                        for a in amts:
                            if st["bal"][i] >= a:
                                ev.append(("send", i, c, a))
            else:
                p = st["pos"][i]
                if p < len(M.script[i]):
                    step = M.script[i][p]
                    if step[0] == "S":
                        if st["bal"][i] >= step[2]:
                            ev.append(("send", i, step[1], step[2]))
                    else:
                        ev.append(("initiate", i, step[1], True))
        for s in range(S):
            for i in sorted(M.spont[s]):
                if not st["alg"][i][s]["rec"]:
                    ev.append(("initiate", i, s, False))
        for c, q in enumerate(st["ch"]):
            if q:
                if M.fifo:
                    ev.append(("recv", c, 0))
                else:
                    for k in range(len(q)):
                        ev.append(("recv", c, k))
        if M.alg == "late-markers":
            for i in range(n):
                for s in range(S):
                    for c in sorted(st["alg"][i][s]["pending"]):
                        ev.append(("msend", i, s, c))
        return ev

    def apply(st, e, t):
        st = copy(st)
        if e[0] == "send":
            _, i, c, a = e
            st["bal"][i] -= a
            st["pos"][i] += 1
            mid = t
            st["info"][mid] = (c, a)
            st["sendidx"][mid] = t
            st["ch"][c] = st["ch"][c] + (("T", mid),)
        elif e[0] == "initiate":
            _, i, s, scripted = e
            if scripted:
                st["pos"][i] += 1
            record(st, i, s, t, None, True)
        elif e[0] == "msend":
            _, i, s, c = e
            d = dict(st["alg"][i][s])
            d["pending"] = d["pending"] - {c}
            st["alg"][i][s] = d
            send_marker(st, c, s)
        elif e[0] == "recv":
            _, c, k = e
            q = st["ch"][c]
            m = q[k]
            st["ch"][c] = q[:k] + q[k + 1:]
            j = M.chans[c][1]
            if m[0] == "T":
                mid = m[1]
                st["recvidx"][mid] = t
                for s in range(S):
                    d = st["alg"][j][s]
                    if d["rec"] and c in d["recording"] and M.alg != "no-channel-state":
                        d = dict(d)
                        cr = dict(d["chanrec"])
                        cr[c] = cr[c] + (mid,)
                        d["chanrec"] = cr
                        st["alg"][j][s] = d
                st["bal"][j] += st["info"][mid][1]
            else:
                s = m[1]
                d = st["alg"][j][s]
                if not d["rec"]:
                    record(st, j, s, t, c, False)
                    d = dict(st["alg"][j][s])
                    d["mrecv"] = d["mrecv"] | {c}
                else:
                    d = dict(d)
                    d["mrecv"] = d["mrecv"] | {c}
                    if M.alg == "stop-all-on-marker":
                        d["recording"] = frozenset()
                    else:
                        d["recording"] = d["recording"] - {c}
                st["alg"][j][s] = d
        normalize(st)
        return st

    def is_complete(st, s):
        for i in range(n):
            d = st["alg"][i][s]
            if not d["rec"] or d["mrecv"] != frozenset(M.inc[i]):
                return False
        return True

    def violate(prop, length, path):
        res["violations"][prop] = True
        if prop not in res["minlen"] or length < res["minlen"][prop]:
            res["minlen"][prop] = length
            res["examples"][prop] = list(path)

    def judge(st, s, t, path):
        rec = {i: st["recidx"][(i, s)] for i in range(n)}
        recd = [st["alg"][i][s] for i in range(n)]
        # snapshot value
        nodes = tuple(sorted((M.ids[i], recd[i]["bal"]) for i in range(n)))
        chv = []
        for j in range(n):
            for c, mids in recd[j]["chanrec"].items():
                if mids:
                    chv.append((M.chname(c), tuple(st["info"][m][1] for m in mids)))
        val = (M.snaps[s], nodes, tuple(sorted(chv)))
        res["snapshots"].add(val)
        L = t + 1
        tot = sum(recd[i]["bal"] for i in range(n)) + sum(sum(a for a in v) for _, v in chv)
        if tot != M.total:
            violate("conservation", L, path)
        cc = True
        for mid, (c, a) in st["info"].items():
            i, j = M.chans[c]
            if mid in st["recvidx"] and st["recvidx"][mid] < rec[j]:
                if not (st["sendidx"][mid] < rec[i]):
                    cc = False
        if not cc:
            violate("consistent-cut", L, path)
        chok = True
        amtok = True
        for c, (i, j) in enumerate(M.chans):
            exp = [mid for mid, (cc_, a) in st["info"].items() if cc_ == c and st["sendidx"][mid] < rec[i]
                   and not (mid in st["recvidx"] and st["recvidx"][mid] < rec[j])]
            exp.sort(key=lambda m: (st["sendidx"][m], m[1] if isinstance(m, tuple) else 0))
            got = list(recd[j]["chanrec"].get(c, ()))
            ea = [st["info"][m][1] for m in exp]
            ga = [st["info"][m][1] for m in got]
            if M.fifo:
                if exp != got:
                    chok = False
                if ea != ga:
                    amtok = False
            else:
                if Counter(exp) != Counter(got):
                    chok = False
                if Counter(ea) != Counter(ga):
                    amtok = False
        if not chok:
            violate("channel-states", L, path)
        if not (cc and amtok):
            violate("feasible", L, path)
            cat = "infeasible"
        else:
            P = set()
            for k2, e in enumerate(path):
                if e[0] == "send" or e[0] == "initiate" or e[0] == "msend":
                    who = e[1]
                else:
                    who = M.chans[e[1]][1]
                if k2 < rec[who]:
                    P.add(k2)
            cat = "actual" if P == set(range(len(P))) else "feasible_only"
        res["cats"].setdefault(val, set()).add(cat)

    path = []

    def dfs(st, t):
        res["states"].add(key(st))
        ev = events(st)
        if not ev:
            res["executions"] += 1
            if res["executions"] > limit:
                raise TooBig()
            res["terminal"].add(key(st))
            for s in range(S):
                started = any(st["alg"][i][s]["rec"] for i in range(n))
                if started and not st["complete"][s]:
                    violate("termination", t, path)
            return
        for e in ev:
            nst = apply(st, e, t)
            path.append(e)
            for s in range(S):
                if not nst["complete"][s] and is_complete(nst, s):
                    nst["complete"][s] = True
                    judge(nst, s, t, path)
            dfs(nst, t + 1)
            path.pop()

    normalize(st0)
    # a snapshot complete in the initial state is impossible (nobody recorded)
    dfs(st0, 0)
    return dict(executions=res["executions"], terminal_states=len(res["terminal"]), states=len(res["states"]),
                snapshots=res["snapshots"], violations=sorted(res["violations"]), minlen=res["minlen"],
                examples=res["examples"], cats=res["cats"], model=M)


def snapcheck_snapshots(rep):
    out = set()
    for sn in rep.get("snapshots", []):
        nodes = tuple(sorted(sn["nodes"].items()))
        ch = tuple(sorted((k, tuple(v)) for k, v in sn.get("channels", {}).items() if v))
        out.add((sn["id"], nodes, ch))
    return out


if __name__ == "__main__":
    cfg = json.load(open(sys.argv[1]))
    r = explore(cfg)
    print("executions", r["executions"], "terminal", r["terminal_states"], "states", r["states"])
    print("violations", r["violations"], r["minlen"])
    print("snapshots", len(r["snapshots"]))
    for v in sorted(r["snapshots"]):
        print("  ", v)
