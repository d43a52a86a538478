#!/usr/bin/env python3
"""lmdb-craft.py GOOD OUT KIND — writes to OUT a copy of the libkv store GOOD with one
targeted piece of LMDB page damage, for tests/test-page-check.sh.

Each KIND is damage LMDB itself never checks for: before the page check
(libkv/kv-lmdb-check.c) every one of them crashed a reader, made a writer
corrupt the file, or made count and list disagree. The layout is LMDB 0.9's
on a 64-bit little- or big-endian machine, as libkv/kv-lmdb-pages-private.h
describes it. Prints nothing; exits 1 with a message when GOOD lacks what the
damage needs (e.g. no value on overflow pages).

  entries        the "k6" database's record counts 5 entries more than its leaves hold
  value-size     a plain value's size runs past its leaf page
  overflow-page  a value on overflow pages points past the last page
  node-offset    a leaf's first node offset points past the page
  order          a leaf's first two keys swapped
  cycle          a branch page's second child is the branch page itself
  db-flags       the "k6" database's record says DUPSORT
  free-list      a free-page list says it holds far more pages than it does
  format         the format record holds bytes that are not UTF-8
"""
import struct
import sys

W = struct.calcsize("N")
E = "<" if sys.byteorder == "little" else ">"
WORD = E + ("Q" if W == 8 else "I")
PH = W + 8  # page header
DB = 8 + 5 * W  # database record
DB_FLAGS, DB_DEPTH, DB_ENTRIES, DB_ROOT = 4, 6, 8 + 3 * W, 8 + 4 * W
META_DBS = PH + 8 + 2 * W
NO_PAGE = (1 << (8 * W)) - 1


def u16(b, at):
    return struct.unpack_from(E + "H", b, at)[0]


def word(b, at):
    return struct.unpack_from(WORD, b, at)[0]


class Store:
    def __init__(self, data):
        self.d = bytearray(data)
        self.psize = struct.unpack_from(E + "I", self.d, META_DBS)[0]
        metas = [i * self.psize for i in (0, 1)]
        txn = [word(self.d, m + META_DBS + 2 * DB + W) for m in metas]
        self.meta = metas[1] if txn[1] > txn[0] else metas[0]

    def page(self, n):
        return n * self.psize

    def nodes(self, pgno):
        """Offsets (from the file start) of the nodes of page pgno."""
        at = self.page(pgno)
        lower = u16(self.d, at + W + 4)
        return [at + u16(self.d, at + PH + 2 * i) for i in range((lower - PH) // 2)]

    def flags(self, pgno):
        return u16(self.d, self.page(pgno) + W + 2)

    @staticmethod
    def child(d, node):
        lo, hi, fl = struct.unpack_from(E + "HHH", d, node)
        return lo | hi << 16 | (fl << 32 if W == 8 else 0)

    def key(self, node):
        ksize = u16(self.d, node + 6)
        return bytes(self.d[node + 8:node + 8 + ksize])

    def record_at(self, name):
        """File offset of named database NAME's record in the main database's leaves."""
        for leaf in self.leaves(word(self.d, self.meta + META_DBS + DB + DB_ROOT)):
            for node in self.nodes(leaf):
                if self.key(node) == name:
                    return node + 8 + len(name)
        sys.exit("lmdb-craft: no database %r" % name)

    def leaves(self, root):
        if root == NO_PAGE:
            return []
        if self.flags(root) & 2:
            return [root]
        out = []
        for node in self.nodes(root):
            out += self.leaves(self.child(self.d, node))
        return out

    def db_root(self, name):
        return word(self.d, self.record_at(name) + DB_ROOT)


def put_word(d, at, v):
    struct.pack_into(WORD, d, at, v)


def put16(d, at, v):
    struct.pack_into(E + "H", d, at, v)


def craft(s, kind):
    d = s.d
    if kind == "entries":
        rec = s.record_at(b"k6")
        put_word(d, rec + DB_ENTRIES, word(d, rec + DB_ENTRIES) + 5)
    elif kind == "db-flags":
        rec = s.record_at(b"k6")
        put16(d, rec + DB_FLAGS, u16(d, rec + DB_FLAGS) | 0x04)
    elif kind in ("value-size", "overflow-page"):
        want_big = kind == "overflow-page"
        for leaf in s.leaves(s.db_root(b"k6")):
            for node in s.nodes(leaf):
                if bool(u16(d, node + 4) & 1) == want_big:
                    if want_big:
                        put_word(d, node + 8 + u16(d, node + 6), 1 << 30)
                    else:
                        put16(d, node, 0xfff0)
                    return
        sys.exit("lmdb-craft: no %s value" % ("overflow" if want_big else "plain"))
    elif kind in ("node-offset", "order"):
        leaf = s.leaves(s.db_root(b"k6"))[0]
        ptrs = s.page(leaf) + PH
        if kind == "node-offset":
            put16(d, ptrs, s.psize - 2)
        else:
            a, b = u16(d, ptrs), u16(d, ptrs + 2)
            put16(d, ptrs, b)
            put16(d, ptrs + 2, a)
    elif kind == "cycle":
        root = s.db_root(b"k6")
        if s.flags(root) & 2:
            sys.exit("lmdb-craft: the k6 database has one page")
        node = s.nodes(root)[1]
        lo, hi = root & 0xffff, (root >> 16) & 0xffff
        struct.pack_into(E + "HH", d, node, lo, hi)
        if W == 8:
            put16(d, node + 4, (root >> 32) & 0xffff)
    elif kind == "free-list":
        free_root = word(d, s.meta + META_DBS + DB_ROOT)
        for leaf in s.leaves(free_root):
            for node in s.nodes(leaf):
                if u16(d, node + 4) & 1:
                    continue  # a list on overflow pages: take a plain one
                put_word(d, node + 8 + u16(d, node + 6), 1 << 40)
                return
        sys.exit("lmdb-craft: no free-page list in a leaf")
    elif kind == "format":
        meta_root = s.db_root(b"meta")
        for leaf in s.leaves(meta_root):
            for node in s.nodes(leaf):
                if s.key(node) == b"format":
                    at = node + 8 + len(b"format")
                    d[at + 10:at + 12] = b"\xd8\xce"
                    return
        sys.exit("lmdb-craft: no format record")
    else:
        sys.exit("lmdb-craft: unknown damage %r" % kind)


def main():
    good, out, kind = sys.argv[1:4]
    s = Store(open(good, "rb").read())
    craft(s, kind)
    open(out, "wb").write(bytes(s.d))


if __name__ == "__main__":
    main()
