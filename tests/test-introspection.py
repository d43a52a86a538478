#!/usr/bin/env python3
"""libkv from Python through GObject Introspection (PyGObject), speaking TAP.

Run by tests/test-introspection.sh, which points GI_TYPELIB_PATH and
LD_LIBRARY_PATH at the build tree, and as an installed test
(test-introspection.test), which points them at the installed typelib and
library. Nothing here is special-cased for Python:
every call goes through Kv-1.0.typelib, so a wrong annotation in a header
(ownership, out arguments, arrays, nullability) shows up as a failure here.
"""
import sys
import traceback

import gi

gi.require_version("GLib", "2.0")
gi.require_version("Kv", "1.0")
from gi.repository import GLib, Kv  # noqa: E402

TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


def open_memory_store():
    options = Kv.Options.new()
    options.set_backend(Kv.BackendKind.MEMORY)
    options.set_shard_count(4)
    return Kv.Store.open(options)


# GObject Introspection names enum members after their GEnum nicks. KvError
# keeps GLib's own (KV_ERROR_KEY_NOT_FOUND is "key-not-found", so
# Kv.Error.KEY_NOT_FOUND); the JavaScript names come from
# Kv.error_code_get_name().


def expect_error(code, fn, *args):
    """Calls fn(*args) and returns the GLib.Error it raises, which must be KV_ERROR/code."""
    try:
        fn(*args)
    except GLib.Error as e:
        assert e.matches(Kv.error_quark(), code), (e.domain, e.code, e.message)
        assert e.domain == "kv-error-quark", e.domain
        assert e.code == int(code), e.code
        return e
    raise AssertionError(f"{fn.__name__}{args} raised nothing, expected {code.value_name}")


@test
def open_a_memory_store():
    store = open_memory_store()
    assert isinstance(store, Kv.Store)
    assert not store.is_closed()
    assert store.get_options().get_backend() == Kv.BackendKind.MEMORY
    ok, size = store.size()
    assert ok and size == 0, (ok, size)


@test
def set_and_get_values():
    store = open_memory_store()
    store.set("user:1", b'{ "name": "Alice", "age": 30 }')
    value = store.get("user:1")
    assert isinstance(value, GLib.Bytes)
    # Stored in canonical form: members sorted, no white space.
    assert value.get_data() == b'{"age":30,"name":"Alice"}', value.get_data()
    ok, exists = store.exists("user:1")
    assert ok and exists
    values, item_errors = store.get_many(["user:1", "user:2"])
    assert not item_errors  # NULL: no key was malformed
    assert [v.get_data() if v is not None else None for v in values] == [
        b'{"age":30,"name":"Alice"}',
        None,
    ], values
    entries = store.list("user:", 0)
    assert [(e.get_key(), e.get_value().get_data()) for e in entries] == [
        ("user:1", b'{"age":30,"name":"Alice"}')
    ]


@test
def increment_by_counts():
    store = open_memory_store()
    assert store.increment_by("hits", 5) == (True, 5)
    assert store.increment_by("hits", -2) == (True, 3)
    assert store.get("hits").get_data() == b"3"


@test
def claim_release_and_complete():
    store = open_memory_store()
    store.set("job:1", b'{"n":1}')
    claim = store.claim_key("job:1", "python", 0)
    assert isinstance(claim, Kv.Claim)
    assert claim.get_key() == "job:1"
    assert claim.get_owner() == "python"
    assert claim.get_token() > 0
    assert claim.get_value().get_data() == b'{"n":1}'
    # A key with a live claim cannot be claimed again: None, not an error.
    assert store.claim_key("job:1", None, 0) is None

    ref = Kv.ClaimRef()
    ref.id, ref.key, ref.token = claim.get_id(), claim.get_key(), claim.get_token()
    assert store.release_claim(ref) == (True, True)
    assert store.release_claim(ref) == (True, False)  # no longer the live claim

    again = store.claim_random("job:", "python", 1000)
    assert again is not None and again.get_key() == "job:1"
    assert again.get_token() > claim.get_token()
    ref = Kv.ClaimRef()
    ref.id, ref.key, ref.token = again.get_id(), again.get_key(), again.get_token()
    assert store.complete_claim(ref, True) == (True, True)
    assert store.exists("job:1") == (True, False)
    assert store.claim_random("job:", None, 0) is None  # nothing left to claim


@test
def errors_are_glib_errors_in_the_kv_error_domain():
    store = open_memory_store()
    e = expect_error(Kv.Error.KEY_NOT_FOUND, store.get, "missing")
    assert Kv.error_code_get_name(e.code) == "KeyNotFoundError"
    store.set("name", b'"Alice"')
    expect_error(Kv.Error.VALUE_PARSE, store.increment_by, "name", 1)
    expect_error(Kv.Error.SERIALIZER, store.set, "bad", b"{not json")
    expect_error(Kv.Error.INVALID_BACKEND, Kv.Options.new_from_json, '{"backend":"tape"}')
    store.close()
    assert store.is_closed()
    expect_error(Kv.Error.STORE_CLOSED, store.get, "name")


@test
def errors_map_to_the_javascript_names():
    assert Kv.Error.STORE_CLOSED.value_nick == "store-closed"
    assert Kv.Error.STORE_CLOSED.value_name == "KV_ERROR_STORE_CLOSED"
    assert Kv.error_code_get_name(Kv.Error.STORE_CLOSED) == "StoreClosedError"
    assert Kv.BackendKind.DISK.value_nick == "disk"
    assert Kv.Serialization.STRING.value_nick == "string"
    ok, code = Kv.error_code_from_name("SnapshotIOError")
    assert ok and code == Kv.Error.SNAPSHOT_IO


@test
def version_constants():
    assert (Kv.MAJOR_VERSION, Kv.MINOR_VERSION) >= (1, 0)
    assert Kv.VERSION_S == f"{Kv.MAJOR_VERSION}.{Kv.MINOR_VERSION}.{Kv.MICRO_VERSION}"


def main():
    print(f"1..{len(TESTS)}")
    failed = 0
    for i, fn in enumerate(TESTS, 1):
        name = fn.__name__.replace("_", " ")
        try:
            fn()
        except Exception:  # noqa: BLE001 - every failure is a TAP "not ok"
            failed += 1
            print(f"not ok {i} - {name}")
            for line in traceback.format_exc().splitlines():
                print(f"# {line}")
        else:
            print(f"ok {i} - {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
