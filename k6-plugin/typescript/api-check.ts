// api-check.ts — a k6 script in TypeScript that uses every method of k6/x/kv.
//
// It serves twice: `tsc --strict --noEmit` type-checks it against index.d.ts
// (the @ts-expect-error lines must stay errors), and `k6-kv run api-check.ts`
// runs it, so the declared shapes are checked against what the module returns.
//
//   npx -p typescript -p @types/k6 tsc -p k6-plugin/typescript   # or: make check-k6-types
//   k6-kv run k6-plugin/typescript/api-check.ts

import { check } from "k6";
import {
  openKv,
  AllocationStats,
  BackupSummary,
  Claim,
  ClaimKeysResult,
  CompleteClaimsResult,
  CSVValidation,
  Entry,
  ExportCSVResult,
  ExportJSONLResult,
  ImportCSVResult,
  ImportJSONLResult,
  JSONLValidation,
  KV,
  KVStats,
  KvError,
  ReleaseClaimsResult,
  RenewClaimsResult,
  RestoreSummary,
  ScanKeysResult,
  ScanResult,
} from "k6/x/kv";

interface Job {
  id: number;
  name: string;
}

// What importCSV() stores for a job: CSV carries no types, every cell is a string.
interface JobRow {
  id: string;
  name: string;
}

const kv: KV = openKv({ backend: "memory", trackKeys: true, metrics: { operations: true } });

export const options = {
  iterations: 1,
  thresholds: {
    checks: ["rate==1"],
    // The one failure is the deliberate cursor mismatch.
    xk6_kv_errors_total: ["count==1"],
    "xk6_kv_errors_total{op:scan,error_type:InvalidCursorError}": ["count==1"],
  },
};

export default async function (): Promise<void> {
  await kv.clear();
  const jobs: Record<string, Job> = {};
  for (let i = 0; i < 10; i++) jobs[`job:${i}`] = { id: i, name: `job ${i}` };
  const written: { written: number } = await kv.setMany(jobs);
  // Snapshot, JSON Lines and CSV files go to the working directory.
  const backup: BackupSummary = await kv.backup({ fileName: "./api-check.kv", maxEntries: 100 });
  const exported: ExportJSONLResult = await kv.exportJSONL({ fileName: "./api-check.jsonl", prefix: "job:" });
  const validation: JSONLValidation = await kv.validateJSONL({ fileName: "./api-check.jsonl", limit: 0 });
  const csv: ExportCSVResult = await kv.exportCSV({
    fileName: "./api-check.csv",
    columns: ["id", "name"],
    prefix: "job:",
    delimiter: ";",
    includeKey: true,
  });
  const csvValidation: CSVValidation = await kv.validateCSV({ fileName: csv.fileName, keyColumn: "key", delimiter: ";" });

  const entries: Array<Entry<Job>> = await kv.list<Job>({ prefix: "job:", limit: 3 });
  const keys: string[] = await kv.listKeys({ prefix: "job:" });
  const page: ScanResult<Job> = await kv.scan<Job>({ prefix: "job:", limit: 4 });
  const keyPage: ScanKeysResult = await kv.scanKeys({ prefix: "job:", limit: 4, cursor: page.cursor });
  const n: number = await kv.count({ prefix: "job:" });
  const one: string = await kv.randomKey({ prefix: "job:" });
  const some: string[] = await kv.randomKeys({ prefix: "job:", count: 3, unique: true });
  const rebuilt: boolean = await kv.rebuildKeyList();

  const byKey: Claim<Job> | null = await kv.claimKey<Job>("job:9");
  const byKeys: ClaimKeysResult<Job> = await kv.claimKeys<Job>(["job:8", "job:missing"], { allOrNothing: false });
  const claim: Claim<Job> | null = await kv.claimRandom<Job>({ prefix: "job:", owner: "ts", ttl: 5000 });
  const many: Array<Claim<Job>> = await kv.claimRandomMany<Job>({ prefix: "job:", count: 2, ttl: 5000 });
  const alloc: AllocationStats = await kv.allocationStats({ prefix: "job:" });
  let renewed = false;
  let completed = false;
  if (claim !== null) {
    const job: Job = claim.entry.value;
    renewed = (await kv.renewClaim(claim, { ttl: 10000 })) && job.id >= 0;
    completed = await kv.completeClaim(claim, { deleteKey: true });
  }
  const renewedMany: RenewClaimsResult = await kv.renewClaims(many, { ttl: 10000 });
  const released: ReleaseClaimsResult = await kv.releaseClaims(many);
  const done: CompleteClaimsResult = await kv.completeClaims(byKeys.claimed.concat(byKey !== null ? [byKey] : []));
  const releasedOne: boolean = await kv.releaseClaim({ id: "stale", key: "job:0", token: 1 });
  const popped: Entry<Job> | null = await kv.popRandom<Job>({ prefix: "job:" });
  const poppedMany: Array<Entry<Job>> = await kv.popRandomMany<Job>({ prefix: "job:", count: 2 });
  const deleted = await kv.deleteByPrefix({ prefix: "job:", limit: 100 });
  const stats: KVStats = await kv.stats();
  await kv.reportStats();
  const restored: RestoreSummary = await kv.restore({ fileName: backup.fileName });
  await kv.clear();
  const imported: ImportJSONLResult = await kv.importJSONL({ fileName: exported.fileName, batchSize: 4 });
  await kv.clear();
  const csvImported: ImportCSVResult = await kv.importCSV({
    fileName: csv.fileName,
    keyColumn: "key",
    delimiter: ";",
    hasHeader: true,
    batchSize: 4,
  });
  const row: JobRow = await kv.get<JobRow>("job:7");

  let cursorError = "";
  try {
    await kv.scan({ prefix: "other:", cursor: page.cursor });
  } catch (e) {
    cursorError = (e as KvError).name;
  }

  check(null, {
    "setMany wrote 10": () => written.written === 10,
    "list and listKeys": () => entries.length === 3 && entries[0].value.id === 0 && keys.length === 10,
    "scan pages": () => page.entries.length === 4 && !page.done && keyPage.keys[0] === "job:4",
    "count, randomKey, randomKeys": () => n === 10 && one.startsWith("job:") && some.length === 3,
    "rebuildKeyList": () => rebuilt,
    "claims": () => claim !== null && many.length === 2 && byKey !== null && byKeys.missing[0] === "job:missing",
    "allocationStats": () => alloc.total === 10 && alloc.claimedLive === 5 && alloc.trackKeys && alloc.backend === "memory",
    "renew and complete": () => renewed && completed,
    "batches": () => renewedMany.renewed === 2 && released.released === 2 && done.completed === 2 && done.failed.length === 0,
    "stale release": () => releasedOne === false,
    "pops": () => popped !== null && poppedMany.length === 2,
    "deleteByPrefix": () => deleted.done && deleted.deleted === 10 - 1 - 2 - 2 - 1,
    "stats": () => stats.count === 0 && stats.index !== null && stats.index !== undefined && stats.index.consistent,
    "typed error": () => cursorError === "InvalidCursorError",
    "backup": () => backup.totalEntries === 10 && backup.bytesWritten > 0 && !backup.bestEffort && !backup.noOp,
    "exportJSONL and validateJSONL": () =>
      exported.exported === 10 && validation.valid && validation.records === 10 && validation.firstError === undefined,
    "restore": () => restored.totalEntries === 10 && restored.fileName === "./api-check.kv" && !restored.noOp,
    "importJSONL": () => imported.imported === 10 && imported.bytesRead === exported.bytesWritten,
    "exportCSV and validateCSV": () =>
      csv.exported === 10 && csv.bytesWritten > 0 && csvValidation.valid && csvValidation.rows === 10 &&
      csvValidation.checkedAll && csvValidation.firstError === undefined,
    "importCSV: strings": () => csvImported.imported === 10 && csvImported.bytesRead === csv.bytesWritten &&
      row.id === "7" && row.name === "job 7",
  });

}

// Misuse the declarations must reject: tsc fails if any of these compiles.
// Never called, so the run is not affected.
export async function misuse(): Promise<void> {
  // @ts-expect-error count is required
  await kv.randomKeys({ prefix: "job:" });
  // @ts-expect-error deleteByPrefix needs a limit
  await kv.deleteByPrefix({ prefix: "job:" });
  // @ts-expect-error a ref needs a token
  await kv.releaseClaim({ id: "x", key: "k" });
  // @ts-expect-error ttl is a number of milliseconds
  await kv.claimRandom({ ttl: "30s" });
  // @ts-expect-error randomKey resolves to a string, never null
  const notNull: null = await kv.randomKey();
  // @ts-expect-error claimKeys takes an array of keys
  await kv.claimKeys("job:1");
  // @ts-expect-error exportJSONL needs a fileName
  await kv.exportJSONL({ prefix: "job:" });
  // @ts-expect-error backup options are an object, not a file name
  await kv.backup("./snapshot.kv");
  // @ts-expect-error validateJSONL's firstError is optional
  const line: number = (await kv.validateJSONL({ fileName: "x.jsonl" })).firstError.line;
  void line;
  // @ts-expect-error exportCSV needs columns
  await kv.exportCSV({ fileName: "x.csv" });
  // @ts-expect-error columns are names
  await kv.exportCSV({ fileName: "x.csv", columns: [1, 2] });
  // @ts-expect-error importCSV needs a keyColumn
  await kv.importCSV({ fileName: "x.csv", hasHeader: false });
  // @ts-expect-error validateCSV counts rows, not records
  const records: number = (await kv.validateCSV({ fileName: "x.csv" })).records;
  void records;
  // @ts-expect-error validateCSV's firstError is optional
  const row: number = (await kv.validateCSV({ fileName: "x.csv" })).firstError.row;
  void row;
  void notNull;
}

export function teardown(): void {
  kv.close();
}
