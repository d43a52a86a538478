// Type declarations for the k6/x/kv module of k6-kv (libkv's k6 extension).
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The JavaScript API is xk6-kv's; these declarations cover what this release
// implements: openKv(), close() and the basic, batch and atomic operations.

declare module "k6/x/kv" {
  /** Storage backend: `"memory"` (sharded hash tables, gone at process exit) or `"disk"` (LMDB file). */
  export type Backend = "memory" | "disk";

  /** `"json"` stores canonical JSON; `"string"` stores text as given (non-strings in Go's `%v` form). */
  export type Serialization = "json" | "string";

  export interface OpenKvOptions {
    /** @default "disk" */
    backend?: Backend;
    /** Store file of the disk backend. @default "./.k6.kv" */
    path?: string;
    /** @default "json" */
    serialization?: Serialization;
    /** Keep an in-memory key index for random key selection and prefix counts. @default false */
    trackKeys?: boolean;
    memory?: MemoryOptions;
    disk?: DiskOptions;
    metrics?: MetricsOptions;
  }

  export interface MemoryOptions {
    /** Shards; `<= 0` or omitted means one per processor; values above 65536 are capped. @default 0 */
    shardCount?: number;
  }

  /**
   * Disk backend tuning. The names are bbolt's (scripts written for xk6-kv open
   * unchanged); libkv maps them onto LMDB.
   */
  export interface DiskOptions {
    /** How long opening waits for the store: milliseconds, or a Go duration such as `"1s"`. @default "1s" */
    timeout?: number | string;
    /** Do not fsync on commit (LMDB `MDB_NOSYNC`): faster, recent writes may be lost on a crash. @default false */
    noSync?: boolean;
    /** Do not fsync metadata (LMDB `MDB_NOMETASYNC`). @default false */
    noGrowSync?: boolean;
    /** bbolt only: validated and accepted, no effect on LMDB (reported by stats()). */
    noFreelistSync?: boolean;
    /** bbolt only: validated and accepted, no effect on LMDB (reported by stats()). */
    preLoadFreelist?: boolean;
    /** bbolt only: validated and accepted, no effect on LMDB (reported by stats()). */
    freelistType?: "" | "array" | "map";
    /**
     * Open read-only: mutating methods reject with `StoreReadOnlyError`. The store
     * file and its `k6` database must already exist. @default false
     */
    readOnly?: boolean;
    /** Initial map size: bytes, or a size string such as `"64MB"` or `"1GiB"`. @default 0 (library default) */
    initialMmapSize?: number | string;
    /** Lock the mapped pages in RAM where the OS allows. @default false */
    mlock?: boolean;
    /** LMDB only: map size limit in bytes or as a size string; the map still grows when full. */
    mapSize?: number | string;
    /** LMDB only: maximum concurrent read transactions (processes and threads). */
    maxReaders?: number;
    /** LMDB only: write through a writable memory map (`MDB_WRITEMAP`). @default false */
    writeMap?: boolean;
    /** LMDB only: turn off OS read-ahead (`MDB_NORDAHEAD`). @default false */
    noReadAhead?: boolean;
  }

  export interface MetricsOptions {
    /** Emit per-operation `xk6_kv_*` metrics. @default false */
    operations?: boolean;
  }

  /** Every error name of the API. Names are stable; match on `err.name`. */
  export type KvErrorName =
    | "KeyNotFoundError"
    | "InvalidCursorError"
    | "InvalidBackendError"
    | "InvalidOptionsError"
    | "InvalidSerializationError"
    | "InternalStoreError"
    | "KVOptionsConflictError"
    | "BackupOptionsRequiredError"
    | "RestoreOptionsRequiredError"
    | "MetricsUnavailableError"
    | "SnapshotBudgetExceededError"
    | "ValueNumberRequiredError"
    | "UnsupportedValueTypeError"
    | "ValueParseError"
    | "SerializerError"
    | "UnexpectedStoreOutputError"
    | "UnknownError"
    | "BackupInProgressError"
    | "RestoreInProgressError"
    | "OperationCanceledError"
    | "StoreReadOnlyError"
    | "StoreClosedError"
    | "DatabaseNotOpenError"
    | "SnapshotNotFoundError"
    | "SnapshotPermissionError"
    | "SnapshotExportError"
    | "SnapshotIOError"
    | "SnapshotReadError"
    | "SnapshotKeyMissingError"
    | "DiskPathError"
    | "DiskStoreOpenError"
    | "DiskStoreReadError"
    | "DiskStoreWriteError"
    | "DiskStoreDeleteError"
    | "DiskStoreExistsError"
    | "DiskStoreScanError"
    | "DiskStoreSizeError"
    | "DiskStoreIndexError"
    | "KeyListRebuildError"
    | "BucketNotFoundError";

  /** Names of the items of a batch error's `errors` array. */
  export type KvItemErrorName = "InvalidEntries" | "EmptyKey" | "SerializerError" | "ClaimNotUpdated";

  /** One bad item of a batch call. */
  export interface KvItemError {
    /** Position of the item in the input (for an object map, in `Object.keys()` order). */
    index?: number;
    /** The item's key, when it had a string one. */
    key?: string;
    /** The claim id, for the failed items of claim calls. */
    id?: string;
    name: KvItemErrorName;
    message: string;
  }

  /**
   * What every rejected promise carries, and what openKv() throws: a plain
   * object, not an `Error` instance (`err instanceof Error` is false).
   */
  export interface KvError {
    name: KvErrorName;
    message: string;
    /** Batch calls: what was wrong with which item. */
    errors?: KvItemError[];
  }

  export interface GetManyItem<T = any> {
    key: string;
    /** false for a missing key (and for `""`, which reads as missing). */
    exists: boolean;
    /** The value, or null when missing (a stored JSON null is `{exists: true, value: null}`). */
    value: T | null;
  }

  export interface GetOrSetResult<T = any> {
    /** The value now stored: the existing one if `loaded`, else the one given. */
    value: T;
    /** true if the key already existed. */
    loaded: boolean;
  }

  export interface SwapResult<T = any> {
    /** The value replaced, or null when the key was missing. */
    previous: T | null;
    loaded: boolean;
  }

  export interface CompareDetailedOptions {
    /** On a mismatch where the key exists, return its value as `current`. @default false */
    includeCurrentOnMismatch?: boolean;
  }

  export type CompareAndSwapDetailedResult<T = any> =
    | { swapped: true; reason: "swapped" }
    | { swapped: false; reason: "mismatch"; existed: boolean; current?: T };

  export type CompareAndDeleteDetailedResult<T = any> =
    | { deleted: true; reason: "deleted" }
    | { deleted: false; reason: "mismatch"; existed: boolean; current?: T };

  /**
   * A handle on the store. Every method returns a Promise except close();
   * rejections are {@link KvError} objects. Keys are non-empty strings of at
   * most 511 UTF-8 bytes without NUL characters.
   */
  export interface KV {
    /** Resolves to the value; rejects with `KeyNotFoundError` when the key is missing. */
    get<T = any>(key: string): Promise<T>;
    /** Stores the value (in json mode it must be JSON-serializable); resolves to the value given. */
    set<T = any>(key: string, value: T): Promise<T>;
    /** Removes the key; resolves to true whether or not it existed. */
    delete(key: string): Promise<boolean>;
    exists(key: string): Promise<boolean>;
    /** Removes every key; resolves to true. */
    clear(): Promise<boolean>;
    /** Number of keys. */
    size(): Promise<number>;

    /** Reads many keys in one call; input order and duplicates are kept. */
    getMany<T = any>(keys: string[]): Promise<Array<GetManyItem<T>>>;
    /**
     * Writes an object map in one call, all or nothing: if any entry is invalid
     * (empty key, value JSON cannot hold) nothing is written and the promise
     * rejects with `InvalidOptionsError` and an `errors` array.
     */
    setMany(entries: Record<string, any>): Promise<{ written: number }>;
    /** Deletes many keys; every key is validated before any is deleted. */
    deleteMany(keys: string[]): Promise<{ deleted: number; missing: number }>;

    /**
     * Adds an integral `delta` (within the 64-bit range, else
     * `ValueNumberRequiredError`) to the integer at `key` (missing counts as 0)
     * and resolves to the new value. A stored value that is not an integer, or
     * an overflow, rejects with `ValueParseError` and changes nothing.
     */
    incrementBy(key: string, delta: number | bigint): Promise<number>;
    getOrSet<T = any>(key: string, value: T): Promise<GetOrSetResult<T>>;
    swap<T = any>(key: string, value: T): Promise<SwapResult<T>>;
    /**
     * Stores `newValue` if the key holds `oldValue` (compared as canonical JSON,
     * so member order does not matter). A null or undefined `oldValue` means
     * "only if the key is missing".
     */
    compareAndSwap<T = any>(key: string, oldValue: T | null | undefined, newValue: T): Promise<boolean>;
    compareAndSwapDetailed<T = any>(
      key: string,
      oldValue: T | null | undefined,
      newValue: T,
      options?: CompareDetailedOptions,
    ): Promise<CompareAndSwapDetailedResult<T>>;
    /** compareAndSwap(key, null, value): true if this call created the key. */
    setIfAbsent<T = any>(key: string, value: T): Promise<boolean>;
    /** true if the key existed and was deleted. */
    deleteIfExists(key: string): Promise<boolean>;
    /** Deletes the key if it holds `oldValue`; null is compared as the JSON value null. */
    compareAndDelete<T = any>(key: string, oldValue: T): Promise<boolean>;
    compareAndDeleteDetailed<T = any>(
      key: string,
      oldValue: T,
      options?: CompareDetailedOptions,
    ): Promise<CompareAndDeleteDetailedResult<T>>;

    /**
     * Closes this handle, synchronously; idempotent. Its later calls reject with
     * `StoreClosedError`; other handles keep working. Call it in teardown().
     */
    close(): void;
  }

  /**
   * Opens a handle on the process-wide store. Call it in the init context. The
   * first successful call fixes the options for the whole run; a later call
   * with different options throws `KVOptionsConflictError`. Bad options throw
   * `InvalidOptionsError`, `InvalidBackendError` or `InvalidSerializationError`.
   */
  export function openKv(options?: OpenKvOptions): KV;
}
