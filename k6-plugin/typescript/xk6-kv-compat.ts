// xk6-kv-compat.ts — a k6 script typed with xk6-kv's type names only
// (KVError, KVErrorName, ManyEntryError, …), as scripts written for xk6-kv
// are. `tsc --strict --noEmit` (make check-k6-types) checks that it
// type-checks against index.d.ts unchanged; `k6-kv run xk6-kv-compat.ts`
// (make check-k6) checks that it runs:
// - the disk store's missing directory, and backup()'s, are created;
// - xk6-kv's `do { … } while (cursor !== "")` scan loop ends;
// - rejections carry xk6-kv's error names.

import { check } from "k6";
import {
  openKv,
  BackupSummary,
  Entry,
  KV,
  KVError,
  KVErrorName,
  ManyEntryError,
  OpenKvOptions,
  ScanResult,
} from "k6/x/kv";

const DIR = "./xk6-kv-compat-ts";
const opts: OpenKvOptions = { backend: "disk", path: `${DIR}/data/custom.kv`, disk: { noSync: true } };
const kv: KV = openKv(opts);

export const options = {
  iterations: 1,
  thresholds: { checks: ["rate==1"] },
};

function errorName(e: unknown): KVErrorName {
  return (e as KVError).name;
}

export default async function (): Promise<void> {
  await kv.clear();
  const batch: Record<string, { n: number }> = {};
  for (let i = 0; i < 25; i++) batch[`user:${String(i).padStart(2, "0")}`] = { n: i };
  await kv.setMany(batch);

  // xk6-kv's loop: the last page's cursor is "".
  const seen: Entry[] = [];
  let cursor = "";
  let pages = 0;
  do {
    const page: ScanResult = await kv.scan({ prefix: "user:", limit: 10, cursor });
    seen.push(...page.entries);
    cursor = page.cursor;
    pages++;
  } while (cursor !== "" && pages < 10);

  const backup: BackupSummary = await kv.backup({ fileName: `${DIR}/snapshots/run.kv` });

  let missing: KVErrorName | "" = "";
  try {
    await kv.get("absent");
  } catch (e) {
    missing = errorName(e);
  }
  let invalid: ManyEntryError[] = [];
  let batchName: KVErrorName | "" = "";
  try {
    await kv.setMany({ "": 1 });
  } catch (e) {
    const err = e as KVError;
    batchName = err.name;
    invalid = err.errors ?? [];
  }
  let exportName: KVErrorName | "" = "";
  try {
    await kv.exportJSONL({ fileName: `${DIR}/data/custom.kv` });
  } catch (e) {
    exportName = errorName(e);
  }

  check(null, {
    "the scan loop ends on cursor \"\"": () => pages === 3 && seen.length === 25,
    "backup into a missing directory": () => backup.totalEntries === 25,
    "KVError names": () => missing === "KeyNotFoundError" && batchName === "InvalidOptionsError",
    "ManyEntryError items": () => invalid.length === 1 && typeof invalid[0].message === "string",
    "no export over the store": () => exportName === "SnapshotExportError",
  });
  kv.close();
}
