// Type declarations for the k6/x/kv module of k6-kv (libkv's k6 extension).
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The JavaScript API is xk6-kv's; these declarations cover what this release
// implements: openKv(), close(), the basic, batch and atomic operations,
// ordered reads and paging, random sampling, pops and claims, snapshots
// (backup/restore), JSON Lines, CSV, stats and metrics.

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
    /**
     * A disk store keeps the mode it was created with: opening it with the
     * other one rejects with `InvalidSerializationError`.
     * @default "json"
     */
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
    /**
     * Emit per-operation metrics from every promise-returning method:
     * `xk6_kv_operations_total` (Counter), `xk6_kv_operation_duration` (Trend, ms),
     * `xk6_kv_operation_failed` (Rate), `xk6_kv_errors_total` (Counter, tag `error_type`),
     * `xk6_kv_empty_result` (Rate; randomKey, randomKeys, popRandom, popRandomMany,
     * claimRandom, claimRandomMany) and `xk6_kv_async_in_flight` (Gauge). Tags: `op`
     * (snake_case method name), `backend`, `status` (`ok`/`error`), `track_keys`,
     * `serialization`. Part of the options lock-in like every other option.
     * @default false
     */
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

  /**
   * xk6-kv's spellings of the same types, so that scripts typed against
   * xk6-kv's declarations type-check unchanged against these.
   */
  export type KVErrorName = KvErrorName;
  export type KVError = KvError;
  export type ManyEntryError = KvItemError;

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

  /** A key with its value, as list(), scan() and the pops return them. */
  export interface Entry<T = any> {
    key: string;
    value: T;
  }

  export interface ListOptions {
    /** Only keys starting with this prefix. @default "" (every key) */
    prefix?: string;
    /** At most this many results; `<= 0` or omitted: all. Above 250000 rejects with `InvalidOptionsError`. */
    limit?: number;
  }

  export interface ScanOptions {
    prefix?: string;
    /** Page size; `<= 0` or omitted: the rest in one page. Above 100000 rejects with `InvalidOptionsError`. */
    limit?: number;
    /**
     * The `cursor` of the previous page, or `""` to start. Opaque: a cursor that was
     * altered, or made for another prefix, rejects with `InvalidCursorError`.
     */
    cursor?: string;
  }

  export interface ScanResult<T = any> {
    entries: Array<Entry<T>>;
    /**
     * Pass to the next call; the next page starts strictly after the last key
     * returned. `""` on the last page (when `done`), as in xk6-kv.
     */
    cursor: string;
    /** true when no matching key follows this page (and `cursor` is `""`). */
    done: boolean;
  }

  export interface ScanKeysResult {
    keys: string[];
    /** As ScanResult's: `""` on the last page. */
    cursor: string;
    done: boolean;
  }

  export interface PrefixOptions {
    /** @default "" (every key) */
    prefix?: string;
  }

  export interface DeleteByPrefixOptions {
    /** Required, non-empty. */
    prefix: string;
    /** Required: delete at most this many keys, 1..100000. */
    limit: number;
  }

  export interface DeleteByPrefixResult {
    deleted: number;
    /** true when no key with the prefix remains; otherwise call again. */
    done: boolean;
  }

  export interface RandomKeysOptions {
    prefix?: string;
    /** Required integer in [1, 1000000]. */
    count: number;
    /** Without repetition; when fewer keys match, all of them in random order. @default true */
    unique?: boolean;
  }

  export interface PopRandomManyOptions {
    prefix?: string;
    /** Required integer in [1, 1000000]; fewer entries come back when fewer are claimable. */
    count: number;
  }

  export interface LeaseOptions {
    /** Diagnostic text kept with the claim, at most 256 bytes; never a metrics tag. */
    owner?: string;
    /** Lease length: a positive integer number of milliseconds, at most 86400000 (24 h). @default 30000 */
    ttl?: number;
  }

  export interface ClaimRandomOptions extends LeaseOptions {
    prefix?: string;
  }

  export interface ClaimRandomManyOptions extends ClaimRandomOptions {
    /** Required integer in [1, 1000000]; fewer claims come back when fewer keys are claimable. */
    count: number;
  }

  export interface ClaimKeysOptions extends LeaseOptions {
    /** Claim every key or none (`claimed` is then empty and `busy`/`missing` say why). @default false */
    allOrNothing?: boolean;
  }

  /** Names a claim: a claim object itself is a ref. */
  export interface ClaimRef {
    /** Non-empty. */
    id: string;
    /** Non-empty. */
    key: string;
    /** Positive integer. */
    token: number;
  }

  /** A lease on one key. Live claims hide the key from claimRandom() and popRandom(). */
  export interface Claim<T = any> extends ClaimRef {
    /** Store-wide increasing, one per claim; unchanged by renewClaim(). */
    token: number;
    /** Present when an owner was given. */
    owner?: string;
    /** Expiry in milliseconds since the Unix epoch (compare with `Date.now()`). */
    expiresAt: number;
    /** The key and its value when it was claimed. */
    entry: Entry<T>;
  }

  export interface ClaimKeysResult<T = any> {
    claimed: Array<Claim<T>>;
    /** Keys with a live claim. */
    busy: string[];
    /** Keys that do not exist. */
    missing: string[];
  }

  export interface CompleteClaimOptions {
    /** Delete the key as well (consume the item). @default true */
    deleteKey?: boolean;
  }

  export interface RenewClaimOptions {
    /** New lease from now, in milliseconds (1..86400000). @default 30000 */
    ttl?: number;
  }

  /** A ref of a batch that was not the live claim (expired, released, completed or replaced). */
  export interface ClaimFailure {
    index: number;
    id: string;
    key: string;
    name: "ClaimNotUpdated";
    message: string;
  }

  export interface RenewClaimsResult {
    attempted: number;
    renewed: number;
    failed: ClaimFailure[];
  }

  export interface ReleaseClaimsResult {
    attempted: number;
    released: number;
    failed: ClaimFailure[];
  }

  export interface CompleteClaimsResult {
    attempted: number;
    completed: number;
    failed: ClaimFailure[];
  }

  export interface AllocationStats {
    prefix: string;
    /** Keys matching the prefix. */
    total: number;
    /** Keys without a live claim (expired claims count as claimable). */
    claimable: number;
    claimedLive: number;
    /** Claims that expired without being released or completed. */
    claimedExpired: number;
    backend: Backend;
    trackKeys: boolean;
  }

  /**
   * backup() options. A snapshot is a store file (LMDB, the disk backend's
   * format) holding every key and value but no claims: a later run can
   * restore() it, or open it directly with `openKv({backend: "disk", path})`.
   */
  export interface BackupOptions {
    /**
     * The snapshot file to write (atomically: a temporary file in the same
     * directory, fsynced, renamed into place). Omitted or `""`: the store's
     * `path`. On the memory backend that is `./.k6.kv` unless openKv() set
     * another path — the file a later run with `backend: "disk"` opens by
     * default (the "shared .k6.kv" workflow). On the disk backend it is the
     * live store file itself: nothing is written and the summary has `noOp: true`.
     */
    fileName?: string;
    /**
     * Memory backend: do not pause writers while the snapshot is taken. The
     * snapshot may then mix moments (`bestEffort: true` and a `warning` in the
     * summary). The disk backend always takes a consistent snapshot without
     * pausing writers, so there it is accepted and changes nothing.
     * @default false
     */
    allowConcurrentWrites?: boolean;
    /**
     * Reject with `SnapshotBudgetExceededError`, writing nothing, when the store
     * holds more entries. An integer; 0, negative or omitted: no limit (as in xk6-kv).
     */
    maxEntries?: number;
    /** As `maxEntries`, for the bytes of keys and values. */
    maxBytes?: number;
  }

  /** What backup() resolves to. `totalEntries`, `bytesWritten`, `bestEffort` and `warning` are xk6-kv's fields. */
  export interface BackupSummary {
    /** The file written (the default file when no fileName was given). */
    fileName: string;
    /** Entries in the snapshot. */
    totalEntries: number;
    /** Size of the snapshot file in bytes (for a no-op, the live file's size). */
    bytesWritten: number;
    /** true for a memory backup with `allowConcurrentWrites`: writers were not paused. */
    bestEffort: boolean;
    /** Present only when `bestEffort` is true: what a best-effort snapshot may contain. */
    warning?: string;
    /** The file named is the disk store's live file: nothing was written. */
    noOp: boolean;
  }

  export interface RestoreOptions {
    /**
     * The snapshot to restore (a file written by backup(), by `kv-admin backup`,
     * or a closed disk store file). Omitted or `""`: the store's `path`, as for
     * backup(); on the disk backend that is the live file and restore() is a no-op.
     */
    fileName?: string;
    /**
     * Refuse snapshots with more entries (`SnapshotBudgetExceededError`; the store
     * is not changed). An integer; 0, negative or omitted: no limit (as in xk6-kv).
     */
    maxEntries?: number;
    /** As `maxEntries`, for the bytes of keys and values. */
    maxBytes?: number;
  }

  /** What restore() resolves to. `totalEntries` is xk6-kv's field. */
  export interface RestoreSummary {
    fileName: string;
    /** Entries now in the store. */
    totalEntries: number;
    /** Size of the snapshot file in bytes (0 for a no-op). */
    bytesRead: number;
    /** The file named is the disk store's live file: nothing changed. */
    noOp: boolean;
  }

  export interface ExportJSONLOptions {
    /** Required, non-empty: the file to write, atomically (temporary file, fsync, rename). */
    fileName: string;
    /** Only keys with this prefix. @default "" (every key) */
    prefix?: string;
    /** At most this many records; `<= 0` or omitted: all. Above 1000000 rejects with `InvalidOptionsError`. */
    limit?: number;
  }

  export interface ExportJSONLResult {
    /** Records written, one `{"key":…,"value":…}` line each, in key order. */
    exported: number;
    fileName: string;
    bytesWritten: number;
  }

  export interface ImportJSONLOptions {
    /** Required, non-empty: a file of `{"key": <non-empty string>, "value": <any JSON>}` lines. */
    fileName: string;
    /** Import at most this many records; `<= 0` or omitted: all. Above 1000000 rejects with `InvalidOptionsError`. */
    limit?: number;
    /** Records per batch; `<= 0` or omitted: 1000. Above 10000 rejects with `InvalidOptionsError`. */
    batchSize?: number;
  }

  export interface ImportJSONLResult {
    /** Records imported (existing keys are overwritten). */
    imported: number;
    fileName: string;
    /** Bytes of the file consumed. */
    bytesRead: number;
  }

  export interface ValidateJSONLOptions {
    /** Required, non-empty. */
    fileName: string;
    /** Check at most this many records; `<= 0` or omitted: all. Above 1000000 rejects with `InvalidOptionsError`. */
    limit?: number;
  }

  /** What validateJSONL() resolves to. */
  export interface JSONLValidation {
    /** Every record checked is one importJSONL() accepts. */
    valid: boolean;
    /** Well-formed records before the first problem (or before the limit). */
    records: number;
    bytesRead: number;
    /** The whole file was checked: false when a problem or the limit stopped the check. */
    checkedAll: boolean;
    /** The first problem, when `valid` is false. */
    firstError?: {
      /** 1-based line number. */
      line: number;
      /** The error importJSONL() would reject with (e.g. `ValueParseError`). */
      name: KvErrorName;
      message: string;
    };
  }

  /**
   * The delimiter of a CSV file: one ASCII character (libkv reads and writes it
   * as one byte), not CR, LF, `"` or NUL. A longer string, or a character that
   * takes more than one byte in UTF-8 (`"é"`, `"§"`), rejects with `InvalidOptionsError`.
   * @default ","
   */
  export type CSVDelimiter = string;

  export interface ExportCSVOptions {
    /** Required, non-empty: the file to write, atomically (temporary file, fsync, rename). */
    fileName: string;
    /**
     * Required: the value members to write, in this order, as the header and one
     * cell each; a non-empty array of distinct, non-empty names.
     */
    columns: string[];
    /** Only keys with this prefix. @default "" (every key) */
    prefix?: string;
    /** At most this many rows; `<= 0` or omitted: all. Above 1000000 rejects with `InvalidOptionsError`. */
    limit?: number;
    delimiter?: CSVDelimiter;
    /** Write each entry's key as a first column named `key`. @default true */
    includeKey?: boolean;
  }

  export interface ExportCSVResult {
    /** Rows written (besides the header), one per entry, in key order. */
    exported: number;
    fileName: string;
    bytesWritten: number;
  }

  export interface ImportCSVOptions {
    /** Required, non-empty: an RFC 4180 file (quoted fields, CRLF or LF line ends). */
    fileName: string;
    /**
     * Required, non-empty: the column holding each row's key (non-empty in every
     * row). With a header its name; with `hasHeader: false` its 1-based number,
     * as a string (`"1"`). Not in the header: `InvalidOptionsError`.
     */
    keyColumn: string;
    delimiter?: CSVDelimiter;
    /** The first row names the columns; without one they are named `"1"`, `"2"`, … @default true */
    hasHeader?: boolean;
    /** Import at most this many rows; `<= 0` or omitted: all. Above 1000000 rejects with `InvalidOptionsError`. */
    limit?: number;
    /** Rows per batch; `<= 0` or omitted: 1000. Above 10000 rejects with `InvalidOptionsError`. */
    batchSize?: number;
  }

  export interface ImportCSVResult {
    /** Rows imported (existing keys are overwritten). */
    imported: number;
    fileName: string;
    /** Bytes of the file consumed. */
    bytesRead: number;
  }

  export interface ValidateCSVOptions {
    /** Required, non-empty. */
    fileName: string;
    /** When given (non-empty), the column must exist and every row must have a non-empty key in it. */
    keyColumn?: string;
    delimiter?: CSVDelimiter;
    /** @default true */
    hasHeader?: boolean;
    /** Check at most this many rows; `<= 0` or omitted: all. Above 1000000 rejects with `InvalidOptionsError`. */
    limit?: number;
  }

  /** What validateCSV() resolves to. */
  export interface CSVValidation {
    /** Every row checked is one importCSV() accepts. */
    valid: boolean;
    /** Well-formed data rows (the header not counted) before the first problem (or before the limit). */
    rows: number;
    bytesRead: number;
    /** The whole file was checked: false when a problem or the limit stopped the check. */
    checkedAll: boolean;
    /** The first problem, when `valid` is false. */
    firstError?: {
      /** 1-based row number; the header is row 1. */
      row: number;
      /**
       * The error importCSV() would reject with: `ValueParseError` (a ragged or
       * badly quoted row, a missing key), `InvalidOptionsError` (keyColumn not in the header).
       */
      name: KvErrorName;
      message: string;
    };
  }

  /** A diagnostic snapshot of the store. */
  export interface KVStats {
    backend: Backend;
    serialization: Serialization;
    trackKeys: boolean;
    count: number;
    claims: { live: number; expired: number };
    /** The trackKeys index; null without trackKeys. */
    index?: {
      enabled: boolean;
      keysList?: number;
      keysMap?: number;
      /** Keys in the ordered index (the memory backend's index). */
      ost?: number;
      /** The index holds exactly the stored keys. */
      consistent: boolean;
    } | null;
    /** Disk backend only. */
    disk?: {
      path: string;
      sizeBytes: number;
      readOnly?: boolean;
      /** bbolt-only options the script set, accepted and ignored on LMDB. */
      ignoredOptions?: string[];
    } | null;
    /** Memory backend details. */
    memory?: { shardCount: number };
    /** Disk backend details (LMDB). */
    lmdb?: {
      mapSize: number;
      pageSize: number;
      pagesUsed: number;
      lastTxnId: number;
      readers: number;
      maxReaders: number;
      groupCommitBatches: number;
      groupCommitOps: number;
    };
  }

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
     * and resolves to the new value: a number, or a `bigint` beyond
     * `Number.MAX_SAFE_INTEGER` (where a number would round). A stored value
     * that is not an integer, or an overflow, rejects with `ValueParseError`
     * and changes nothing.
     */
    incrementBy(key: string, delta: number | bigint): Promise<number | bigint>;
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

    /** Entries in bytewise key order. */
    list<T = any>(options?: ListOptions): Promise<Array<Entry<T>>>;
    /** Keys in bytewise order, without values. */
    listKeys(options?: ListOptions): Promise<string[]>;
    /**
     * A page of entries in key order. Not a snapshot: keys added or removed between
     * pages may or may not appear, but a key present throughout is returned exactly once.
     */
    scan<T = any>(options?: ScanOptions): Promise<ScanResult<T>>;
    /** scan() with keys only. */
    scanKeys(options?: ScanOptions): Promise<ScanKeysResult>;
    /** Keys matching the prefix; `count()` is `size()`. */
    count(options?: PrefixOptions): Promise<number>;
    /** Deletes up to `limit` keys with the prefix (and their claims). */
    deleteByPrefix(options: DeleteByPrefixOptions): Promise<DeleteByPrefixResult>;
    /** A key chosen uniformly among the matching ones, or `""` when none match. */
    randomKey(options?: PrefixOptions): Promise<string>;
    /** Random matching keys (no values, no leases). */
    randomKeys(options: RandomKeysOptions): Promise<string[]>;
    /** Rebuilds the trackKeys index from the data (a no-op without trackKeys); resolves to true. */
    rebuildKeyList(): Promise<boolean>;

    /** Removes and returns a random matching entry that has no live claim, or null. */
    popRandom<T = any>(options?: PrefixOptions): Promise<Entry<T> | null>;
    /** popRandom() up to `count` times in one call. */
    popRandomMany<T = any>(options: PopRandomManyOptions): Promise<Array<Entry<T>>>;
    /** Leases a random matching key that has no live claim, or resolves to null. */
    claimRandom<T = any>(options?: ClaimRandomOptions): Promise<Claim<T> | null>;
    /** claimRandom() up to `count` times in one call. */
    claimRandomMany<T = any>(options: ClaimRandomManyOptions): Promise<Array<Claim<T>>>;
    /** Leases `key`; null when it is missing or has a live claim. */
    claimKey<T = any>(key: string, options?: LeaseOptions): Promise<Claim<T> | null>;
    /**
     * Leases several keys. Empty or repeated keys reject with `InvalidOptionsError`
     * (items `EmptyKey` / `InvalidEntries`) and nothing is claimed.
     */
    claimKeys<T = any>(keys: string[], options?: ClaimKeysOptions): Promise<ClaimKeysResult<T>>;
    /** Returns the key to the pool; false when `claim` is not the live claim. */
    releaseClaim(claim: ClaimRef): Promise<boolean>;
    /** Ends the claim and (by default) deletes the key; false when `claim` is not the live claim. */
    completeClaim(claim: ClaimRef, options?: CompleteClaimOptions): Promise<boolean>;
    /** Extends the live claim to now + ttl; the token stays. false when not the live claim. */
    renewClaim(claim: ClaimRef, options?: RenewClaimOptions): Promise<boolean>;
    /** A malformed ref rejects the whole call with `InvalidOptionsError`. */
    renewClaims(claims: ClaimRef[], options?: RenewClaimOptions): Promise<RenewClaimsResult>;
    releaseClaims(claims: ClaimRef[]): Promise<ReleaseClaimsResult>;
    completeClaims(claims: ClaimRef[], options?: CompleteClaimOptions): Promise<CompleteClaimsResult>;
    /** How many matching keys are claimable, live-claimed and expired-claimed. */
    allocationStats(options?: PrefixOptions): Promise<AllocationStats>;

    /**
     * Writes a snapshot of the store (see {@link BackupOptions}). Rejects with
     * `BackupInProgressError` while another backup of the store runs,
     * `RestoreInProgressError` during a restore, `SnapshotBudgetExceededError`
     * over budget, `SnapshotExportError` / `SnapshotPermissionError` /
     * `SnapshotIOError` when the file cannot be written (an existing file is then
     * left as it was).
     */
    backup(options?: BackupOptions): Promise<BackupSummary>;
    /**
     * Replaces every key of the store with the snapshot's, and drops every claim,
     * at once for other callers. The snapshot is checked completely first; a
     * missing (`SnapshotNotFoundError`), unreadable (`SnapshotPermissionError`),
     * empty, foreign or corrupt (`SnapshotReadError`) or over-budget
     * (`SnapshotBudgetExceededError`) file leaves the store untouched. A
     * read-only store rejects with `StoreReadOnlyError`.
     */
    restore(options?: RestoreOptions): Promise<RestoreSummary>;
    /** Writes matching entries as JSON Lines, in key order; the format xk6-kv reads and writes. */
    exportJSONL(options: ExportJSONLOptions): Promise<ExportJSONLResult>;
    /**
     * Reads JSON Lines and writes them in batches (as setMany()). Batch-atomic,
     * not file-atomic: on a bad line (`ValueParseError`, or the error of the
     * batch's write) the batches before it stay imported and the one holding it
     * is not written; the message names the line and the records committed.
     * A missing file rejects with `SnapshotNotFoundError`.
     */
    importJSONL(options: ImportJSONLOptions): Promise<ImportJSONLResult>;
    /**
     * Checks a JSON Lines file as importJSONL() would read it, without writing.
     * Problems in the content resolve with `valid: false` and `firstError`; only a
     * file that cannot be read rejects (`SnapshotNotFoundError`, `SnapshotReadError`, ...).
     */
    validateJSONL(options: ValidateJSONLOptions): Promise<JSONLValidation>;
    /**
     * Writes matching entries as CSV rows, in key order: the header, then one row
     * per entry with `key` (unless `includeKey: false`) and the `columns` of its
     * value. Every matching value must be an object whose members are strings,
     * numbers, booleans or null, else `UnsupportedValueTypeError` naming the key
     * (and no file is written); missing members and null become empty cells.
     * A store with `serialization: "string"` rejects with `UnsupportedValueTypeError`.
     */
    exportCSV(options: ExportCSVOptions): Promise<ExportCSVResult>;
    /**
     * Reads CSV rows and stores each as an object of its other columns, keyed by
     * `keyColumn`. CSV carries no types: every cell is stored as a string (`"30"`,
     * `"true"`, `"00123"`, `""` for an empty cell). Batch-atomic like importJSONL():
     * on a bad row (`ValueParseError`) the batches before it stay imported; the
     * message names the row (the header is row 1) and the rows committed. A
     * missing file rejects with `SnapshotNotFoundError`.
     */
    importCSV(options: ImportCSVOptions): Promise<ImportCSVResult>;
    /**
     * Checks a CSV file as importCSV() would read it, without writing. Problems in
     * the content resolve with `valid: false` and `firstError`; only a file that
     * cannot be read rejects (`SnapshotNotFoundError`, `SnapshotReadError`, ...).
     */
    validateCSV(options: ValidateCSVOptions): Promise<CSVValidation>;

    /** A diagnostic snapshot of the store. */
    stats(): Promise<KVStats>;
    /**
     * Emits the store gauges from stats(): `xk6_kv_keys`, `xk6_kv_claims_live`,
     * `xk6_kv_claims_expired`, `xk6_kv_index_keys{index}` and `xk6_kv_index_consistent`
     * (with trackKeys), `xk6_kv_disk_size_bytes` (disk backend). Rejects with
     * `MetricsUnavailableError` in the init context.
     */
    reportStats(): Promise<void>;

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
   * `InvalidOptionsError`, `InvalidBackendError` or `InvalidSerializationError`;
   * `MetricsUnavailableError` when the xk6_kv_* metrics cannot be registered.
   */
  export function openKv(options?: OpenKvOptions): KV;
}
