#!/usr/bin/env python3
"""Writes the audit-log fixtures in this folder.

The positive vectors are transcribed from SECURITY-TESTS.md ("Reference: the Merkle log"), which
takes them from transparency-dev/merkle (testonly/constants.go) and C2SP signed-note.md. This
script re-derives every one with its own RFC 6962 code and refuses to write anything that does
not match, then derives negative cases by mutating each positive case (the same kinds of
mutation as transparency-dev's testdata: wrong leaf, index/size off by one, ×2, ÷2, bit flips,
garbage before/after, dropped/inserted hashes, swapped or wrong roots) and keeps only mutations
that the reference verifier below (RFC 9162 §2.1.3.2 / §2.1.4.2) rejects.

Run: python3 Tests/Vectors/audit/generate.py   (standard library only)
"""
import base64, hashlib, json, os

HERE = os.path.dirname(os.path.abspath(__file__))
H = lambda b: hashlib.sha256(b).digest()
leaf = lambda d: H(b"\x00" + d)
node = lambda l, r: H(b"\x01" + l + r)

LEAVES = [bytes.fromhex(x) for x in ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                      "606162636465666768696a6b6c6d6e6f"]]
ROOTS = """e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d
fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125
aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77
d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7
4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4
76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef
ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c
5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328""".split()
LEAF_HASHES = """6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d
96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7
0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7
07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7
bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b
4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658
b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f
46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1""".split()
# Short names used by the reference section.
N = {"96a296d2": LEAF_HASHES[1], "5f083f0a": "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
     "6b47aaf2": "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
     "bc1a0643": LEAF_HASHES[4], "ca854ea1": "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
     "d37ee418": ROOTS[4], "fac54203": ROOTS[2], "6e340b9c": LEAF_HASHES[0],
     "0ebc5d34": "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "b08693ec": LEAF_HASHES[6]}
INCLUSION = [(0, 8, ["96a296d2", "5f083f0a", "6b47aaf2"]), (5, 8, ["bc1a0643", "ca854ea1", "d37ee418"]),
             (2, 3, ["fac54203"]), (1, 5, ["6e340b9c", "5f083f0a", "bc1a0643"]), (0, 1, [])]
CONSISTENCY = [(1, 8, ["96a296d2", "5f083f0a", "6b47aaf2"]), (6, 8, ["0ebc5d34", "ca854ea1", "d37ee418"]),
               (2, 5, ["5f083f0a", "bc1a0643"]), (6, 7, ["0ebc5d34", "b08693ec", "d37ee418"])]


def mth(d):
    n = len(d)
    if n == 0: return H(b"")
    if n == 1: return leaf(d[0])
    k = 1 << ((n - 1).bit_length() - 1)
    return node(mth(d[:k]), mth(d[k:]))


def verify_inclusion(idx, size, lh, proof, root):
    if idx < 0 or size <= 0 or idx >= size: return False
    fn, sn, r = idx, size - 1, lh
    for p in proof:
        if len(p) != 32 or sn == 0: return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not (fn & 1) and fn != 0: fn >>= 1; sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1; sn >>= 1
    return sn == 0 and r == root


def verify_consistency(s1, s2, r1, r2, proof):
    if s1 < 0 or s2 < 0 or any(len(p) != 32 for p in proof): return False
    if s1 == s2: return not proof and r1 == r2
    if s1 == 0 or s1 > s2 or not proof: return False
    p = list(proof)
    if s1 & (s1 - 1) == 0: p = [r1] + p
    fn, sn = s1 - 1, s2 - 1
    while fn & 1: fn >>= 1; sn >>= 1
    fr = sr = p[0]
    for c in p[1:]:
        if sn == 0: return False
        if fn & 1 or fn == sn:
            fr, sr = node(c, fr), node(c, sr)
            while not (fn & 1) and fn != 0: fn >>= 1; sn >>= 1
        else:
            sr = node(sr, c)
        fn >>= 1; sn >>= 1
    return sn == 0 and fr == r1 and sr == r2


def flip(h, bit): b = bytearray(h); b[bit // 8] ^= 1 << (bit % 8); return bytes(b)


def main():
    assert [mth(LEAVES[:n]).hex() for n in range(9)] == ROOTS
    assert [leaf(x).hex() for x in LEAVES] == LEAF_HASHES
    assert leaf(b"L123456").hex() == "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"
    assert node(b"N123", b"N456").hex() == "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb"
    hx = lambda l: [x.hex() for x in l]
    garbage = H(b"garbage")
    inc = []
    for idx, size, names in INCLUSION:
        proof = [bytes.fromhex(N[x]) for x in names]
        lh, root = bytes.fromhex(LEAF_HASHES[idx]), bytes.fromhex(ROOTS[size])
        assert verify_inclusion(idx, size, lh, proof, root), (idx, size)
        inc.append(dict(desc="happy path", leafIndex=idx, treeSize=size, leafHash=lh.hex(), root=root.hex(), proof=hx(proof), wantErr=False))
        muts = [("wrong leaf", dict(leafHash=leaf(b"WrongLeaf").hex())),
                ("leafIndex + 1", dict(leafIndex=idx + 1)), ("leafIndex - 1", dict(leafIndex=idx - 1)),
                ("leafIndex ^ 2", dict(leafIndex=idx ^ 2)),
                ("treeSize * 2", dict(treeSize=size * 2)), ("treeSize / 2", dict(treeSize=size // 2)),
                ("treeSize + 1", dict(treeSize=size + 1)),
                ("preceding garbage", dict(proof=hx([garbage] + proof))), ("trailing garbage", dict(proof=hx(proof + [garbage]))),
                ("preceding root", dict(proof=hx([root] + proof))), ("trailing root", dict(proof=hx(proof + [root]))),
                ("random root", dict(root=H(b"random").hex())), ("empty root", dict(root=H(b"").hex())),
                ("short hash in proof", dict(proof=hx(proof) + ["abcd"])),
                ("inserted component", dict(proof=hx(proof[:1] + [garbage] + proof[1:])))]
        if proof: muts.append(("removed component", dict(proof=hx(proof[:-1]))))
        for i in range(len(proof)):
            for bit in (3, 100, 255):
                muts.append((f"modified proof[{i}] bit {bit}", dict(proof=hx(proof[:i] + [flip(proof[i], bit)] + proof[i + 1:]))))
        for desc, change in muts:
            case = dict(desc=desc, leafIndex=idx, treeSize=size, leafHash=lh.hex(), root=root.hex(), proof=hx(proof), wantErr=True)
            case.update(change)
            p = [bytes.fromhex(x) for x in case["proof"]]
            if verify_inclusion(case["leafIndex"], case["treeSize"], bytes.fromhex(case["leafHash"]), p, bytes.fromhex(case["root"])):
                continue
            inc.append(case)
    con = []
    for s1, s2, names in CONSISTENCY:
        proof = [bytes.fromhex(N[x]) for x in names]
        r1, r2 = bytes.fromhex(ROOTS[s1]), bytes.fromhex(ROOTS[s2])
        assert verify_consistency(s1, s2, r1, r2, proof), (s1, s2)
        base = dict(size1=s1, size2=s2, root1=r1.hex(), root2=r2.hex(), proof=hx(proof))
        con.append(dict(base, desc="happy path", wantErr=False))
        muts = [("empty proof", dict(proof=[])), ("size1 + 1", dict(size1=s1 + 1)), ("size1 - 1", dict(size1=s1 - 1)),
                ("size1 ^ 2", dict(size1=s1 ^ 2)), ("size2 * 2", dict(size2=s2 * 2)), ("size2 / 2", dict(size2=s2 // 2)),
                ("size1 = 0", dict(size1=0)), ("size1 > size2", dict(size1=s2 + 1)),
                ("equal sizes, non-empty proof", dict(size1=s2, root1=r2.hex())),
                ("swapped roots", dict(root1=r2.hex(), root2=r1.hex())),
                ("wrong root1", dict(root1=H(b"WrongRoot").hex())), ("wrong root2", dict(root2=H(b"WrongRoot").hex())),
                ("preceding garbage", dict(proof=hx([garbage] + proof))), ("trailing garbage", dict(proof=hx(proof + [garbage]))),
                ("preceding root1", dict(proof=hx([r1] + proof))), ("trailing root1", dict(proof=hx(proof + [r1]))),
                ("preceding root2", dict(proof=hx([r2] + proof))), ("trailing root2", dict(proof=hx(proof + [r2]))),
                ("truncated proof", dict(proof=hx(proof[:-1]))), ("short hash in proof", dict(proof=hx(proof) + ["00"]))]
        for i in range(len(proof)):
            for bit in (4, 130, 255):
                muts.append((f"modified proof[{i}] bit {bit}", dict(proof=hx(proof[:i] + [flip(proof[i], bit)] + proof[i + 1:]))))
        for desc, change in muts:
            case = dict(base, desc=desc, wantErr=True)
            case.update(change)
            p = [bytes.fromhex(x) for x in case["proof"]]
            if verify_consistency(case["size1"], case["size2"], bytes.fromhex(case["root1"]), bytes.fromhex(case["root2"]), p):
                continue
            con.append(case)
    # Edge cases named in SECURITY-TESTS item 40.
    con.append(dict(desc="equal sizes, empty proof, equal roots", size1=8, size2=8, root1=ROOTS[8], root2=ROOTS[8], proof=[], wantErr=False))
    con.append(dict(desc="equal sizes, empty proof, different roots", size1=8, size2=8, root1=ROOTS[8], root2=ROOTS[7], proof=[], wantErr=True))
    con.append(dict(desc="both empty", size1=0, size2=0, root1=ROOTS[0], root2=ROOTS[0], proof=[], wantErr=False))
    con.append(dict(desc="size1 = 0 with empty proof", size1=0, size2=8, root1=ROOTS[0], root2=ROOTS[8], proof=[], wantErr=True))
    for c in con:
        p = [bytes.fromhex(x) for x in c["proof"]]
        assert verify_consistency(c["size1"], c["size2"], bytes.fromhex(c["root1"]), bytes.fromhex(c["root2"]), p) == (not c["wantErr"]), c
    tree = dict(leaves=[x.hex() for x in LEAVES], roots=ROOTS, leafHashes=LEAF_HASHES,
                hasher=dict(leafInput="L123456", leafHash="395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56",
                            nodeLeft="N123", nodeRight="N456", nodeHash="aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb"))
    note = dict(
        verifierKey="example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
        publicKey="e932791ae6e7a840a46164c904786426d5e7821dd8b29a00d61cae72afdd4da4",
        text="This is an example message.\n",
        signatureLine="\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=",
        checkpointOrigin="example.org/fl-audit", checkpointSize=8,
        checkpointBody="example.org/fl-audit\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n")
    assert base64.b64decode("XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=").hex() == ROOTS[8]
    key = bytes.fromhex(note["publicKey"])
    assert base64.b64decode(note["verifierKey"].split("+")[2]) == b"\x01" + key
    assert H(b"example.com/foo\n\x01" + key)[:4].hex() == "530d903a"
    for name, data in [("tree.json", tree), ("inclusion.json", inc), ("consistency.json", con), ("signed-note.json", note)]:
        with open(os.path.join(HERE, name), "w") as f:
            json.dump(data, f, indent=1, ensure_ascii=False)
            f.write("\n")
    print(f"inclusion: {len(inc)} cases, consistency: {len(con)} cases")


if __name__ == "__main__":
    main()
