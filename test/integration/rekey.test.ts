// `npm run rekey` on the local stack (docs/operations.md, "Re-keying the register"). A legacy register is written by
// the real pipeline with the keys it wrote before issue 16, the identities themselves: the register function's keyer
// seals nothing until the test says so. Agency B uploads people without their IDs, agency A the same people with
// them, and a reviewer resolves two probable duplicates, so the register holds every kind of item and every
// attribute that names a person. After the re-key it must be exactly that register with each identity sealed, and a
// later upload must meet the people it holds.
import { readFile } from 'node:fs/promises';
import { DeleteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { marshall } from '@aws-sdk/util-dynamodb';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hmacKeyer, type PersonKeyer } from '#domain/person-keyer.ts';
import { startPipeline } from '../../local/pipeline.ts';
import type { LocalStack } from '../../local/runtime/stack.ts';
import { batchKeys, objectKeys, PREFIXES, registerKeys } from '../../shared/keys.ts';
import { buildBatch } from '../../tools/synthetic/write.ts';
import { runScript } from '../fixtures/script.ts';
import { Agency, quietLog, signedIn, tempDir, withoutIds } from './harness.ts';

/** While `legacy`, the register function keys a person by its identity, as it did before issue 16. */
const mode = vi.hoisted(() => ({ legacy: true }));
vi.mock('../../shared/aws/person-key-secret.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../shared/aws/person-key-secret.ts')>();
  return {
    ...actual,
    personKeyerFromEnvironment: () => {
      const sealing = actual.personKeyerFromEnvironment();
      return async (): Promise<PersonKeyer> => {
        const keyer = await sealing();
        return {
          version: keyer.version,
          seal: (identity) => (mode.legacy ? identity : keyer.seal(identity)),
          digest: (basis) => keyer.digest(basis),
        };
      };
    },
  };
});

const A = 'CA-PLEIKU';
const B = 'CA-ANKHE';
/** a legacy key wherever it sits: `id:` and the 12-digit ID, or `nk:` and the 22-character digest */
const LEGACY = /id:\d{12}(?!\d)|nk:[A-Za-z0-9_-]{22}(?![A-Za-z0-9_-])/g;
const isLegacy = (value: unknown) =>
  typeof value === 'string' && /^(?:id:\d{12}|nk:[A-Za-z0-9_-]{22})$/.test(value);
const holdsLegacy = (text: string) => text.match(LEGACY) !== null;
const keyOrder = (item: Record<string, unknown>) => `${item.pk}\u0000${item.sk}`;
const byKey = (x: Record<string, unknown>, y: Record<string, unknown>) =>
  keyOrder(x) < keyOrder(y) ? -1 : keyOrder(x) > keyOrder(y) ? 1 : 0;

let dir: string;
let stack: LocalStack;
let agency: Agency;
let rekey: typeof import('../../local/rekey-stack.ts');
let registerRekey: typeof import('../../shared/store/register-rekey.ts');
let linkPasses: import('../../shared/store/link-pass-store.ts').LinkPassStore;
const batch = buildBatch({ rows: 240, seed: 1617, errorRate: 0, duplicateRate: 0.3, format: 'ndjson' });
/** people only A knows: persons by ID, with the updates (history) and the conflicts of their repeated forms */
const others = buildBatch({ rows: 150, seed: 1618, errorRate: 0, duplicateRate: 0.4, format: 'ndjson' });

/** B's copy of A's people: no ID anywhere, a third written without diacritics (record linkage still joins them). */
function copyWithoutIds(ndjson: string): string {
  return withoutIds(ndjson, (values, i) => {
    if (i % 3 === 1) values.full_name = (values.full_name ?? '').normalize('NFD').replace(/\p{M}/gu, '');
  });
}

/** Every value with each legacy key sealed: what the register function writes today for the same rows. */
function sealDeep(value: unknown, keyer: PersonKeyer): unknown {
  if (typeof value === 'string') return value.replace(LEGACY, (key) => keyer.seal(key));
  if (value instanceof Set) return new Set([...value].map((v) => sealDeep(v, keyer)));
  if (Array.isArray(value)) return value.map((v) => sealDeep(v, keyer));
  if (value && typeof value === 'object' && !(value instanceof Uint8Array))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sealDeep(v, keyer)]));
  return value;
}

/** The register as comparable values: items in key order. */
async function register(): Promise<Record<string, unknown>[]> {
  return (await agency.scan('register')).sort(byKey);
}

/** Every outcomes.csv and review.csv in the bucket, by key. */
async function reports(): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  for await (const page of paginateListObjectsV2(
    { client: agency.s3 },
    { Bucket: agency.bucket, Prefix: PREFIXES.reports },
  )) {
    for (const { Key } of page.Contents ?? []) {
      if (Key && /\/(outcomes|review)\.csv$/.test(Key)) texts.set(Key, await agency.text(Key));
    }
  }
  return texts;
}

const rows = (text: string) =>
  Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;

async function resolveReview(id: string, resolution: 'merge' | 'keepApart', agencyCode: string) {
  const response = await fetch(`${stack.http}/review/${id}`, {
    method: 'POST',
    headers: { ...(await signedIn(stack.http, agencyCode)), 'content-type': 'application/json' },
    body: JSON.stringify({ resolution }),
  });
  expect(response.status).toBe(200);
}

function rekeyOptions(extra: Partial<import('../../local/rekey-stack.ts').RekeyStackOptions> = {}) {
  return {
    registerTable: stack.names.tables.register,
    batchesTable: stack.names.tables.batches,
    bucket: stack.names.buckets.batches,
    keyer: stack.personKeyer,
    segments: 3,
    stateFile: `${dir}/rekey-state.json`,
    log: () => undefined,
    ...extra,
  };
}

/** `npm run rekey` as an operator runs it, against this test's stack. */
function cli(...args: string[]) {
  return runScript('local/rekey.ts', ['--dir', dir, ...args]);
}

let legacyRegister: Record<string, unknown>[];
let legacyReports: Map<string, string>;

beforeAll(async () => {
  dir = await tempDir();
  stack = await startPipeline({
    dir,
    ports: { s3: 0, sqs: 0, dynamodb: 0, http: 0 },
    visibilityTimeouts: { intake: 2, records: 2, finalize: 2 },
    extraEnv: { LINKAGE: 'on' },
    log: quietLog,
  });
  agency = new Agency(stack);
  // the stores build their clients as they load: only once the stack's environment is set
  rekey = await import('../../local/rekey-stack.ts');
  registerRekey = await import('../../shared/store/register-rekey.ts');
  linkPasses = new (await import('../../shared/store/link-pass-store.ts')).LinkPassStore(
    stack.names.tables.batches,
  );

  const atOthers = await agency.upload(objectKeys.upload(A, 'others.ndjson'), others.bytes);
  await agency.waitForSummary(A, 'others.ndjson', atOthers, { timeoutMs: 90_000 });
  const atB = await agency.upload(objectKeys.upload(B, 'people.ndjson'), copyWithoutIds(batch.text));
  await agency.waitForSummary(B, 'people.ndjson', atB, { timeoutMs: 90_000 });
  const atA = await agency.upload(objectKeys.upload(A, 'people.ndjson'), batch.bytes);
  await agency.waitForSummary(A, 'people.ndjson', atA, { timeoutMs: 90_000 });
  const review = rows(await agency.text(objectKeys.report(A, 'people.ndjson', 'review.csv')));
  const [merged, keptApart] = review;
  if (!merged || !keptApart) throw new Error('two probable duplicates expected');
  await resolveReview(String(merged.review_id), 'merge', A);
  await resolveReview(String(keptApart.review_id), 'keepApart', A);
  // a register from before issue 16 kept its updates' history items beside the persons (issue 19 moved them to a
  // table of their own): each update's, as the register wrote it then
  for (const change of await agency.scan('history')) {
    if (change.outcome !== 'updated' || !isLegacy(String(change.pk))) continue;
    const { batchId, row, agencyCode, changes, at } = change as Record<string, unknown> & {
      batchId: string;
      row: number;
    };
    const item = {
      ...registerKeys.history(String(change.pk), { batchId, row }),
      batchId,
      row,
      agencyCode,
      changes,
      at,
    };
    await agency.dynamodb.send(
      new PutItemCommand({ TableName: stack.names.tables.register, Item: marshall(item) }),
    );
  }

  legacyRegister = await register();
  legacyReports = await reports();
}, 240_000);
afterAll(async () => stack?.stop());

describe('npm run rekey', () => {
  it('starts from a register that holds every kind of legacy item and attribute', () => {
    const legacy = isLegacy;
    const persons = legacyRegister.filter((item) => item.sk === 'PERSON');
    expect(persons.some((p) => /^id:/.test(String(p.pk)) && p.record)).toBe(true);
    expect(persons.some((p) => /^nk:/.test(String(p.pk)) && p.record)).toBe(true);
    expect(persons.some((p) => p.mergedInto && !p.record)).toBe(true); // an alias
    expect(persons.some((p) => p.mergedInto && p.record)).toBe(true); // a reviewer's merge
    expect(persons.some((p) => p.keptApart instanceof Set && [...p.keptApart].every(legacy))).toBe(true);
    expect(persons.some((p) => (p.applied as string[]).some((e) => /\|(id|nk):/.test(e)))).toBe(true);
    expect(legacyRegister.some((i) => String(i.sk).startsWith('HIST#') && legacy(i.pk))).toBe(true);
    // a conflict on its agency's list names the person and the key apart of the form (issue 19)
    const conflicts = legacyRegister.filter((i) => String(i.pk).startsWith('CONFLICT#'));
    expect(conflicts.some((c) => legacy(c.personKey) && legacy(c.apartKey))).toBe(true);
    expect(legacyRegister.some((i) => /^b[gfmpb]:/.test(String(i.pk)) && legacy(i.sk))).toBe(true);
    const reviews = legacyRegister.filter((i) => String(i.pk).startsWith('REVIEW#'));
    expect(reviews.some((r) => legacy(r.personKey) && legacy(r.candidatePersonKey))).toBe(true);
    const texts = [...legacyReports.values()].join('\n');
    expect(texts).toMatch(/person (id:\d{12}|nk:)/);
    // three uploads' outcomes.csv and review.csv, under the name and under each batch's id (issue 21)
    expect(legacyReports.size).toBe(12);
  });

  it('refuses while a batch is unfinished or a link pass runs, and writes nothing', async () => {
    const batches = stack.names.tables.batches;
    const unfinished = {
      ...batchKeys.batch('unfinished-batch'),
      batchId: 'unfinished-batch',
      objectKey: objectKeys.upload(A, 'stuck.csv'),
      status: 'registering',
    };
    await agency.dynamodb.send(new PutItemCommand({ TableName: batches, Item: marshall(unfinished) }));
    try {
      const refused = await cli();
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('batch unfinished-batch');
      expect(refused.stderr).toContain('Work is in flight');
      await expect(rekey.rekeyStack(rekeyOptions())).rejects.toBeInstanceOf(rekey.WorkInFlightError);
    } finally {
      await agency.dynamodb.send(
        new DeleteItemCommand({ TableName: batches, Key: marshall(batchKeys.batch('unfinished-batch')) }),
      );
    }
    const now = Date.now();
    expect(await linkPasses.takeCurrent('pass-in-flight', now, now + 60_000)).toBe(true);
    try {
      await expect(rekey.rekeyStack(rekeyOptions())).rejects.toThrow(/link pass pass-in-flight is running/);
    } finally {
      await linkPasses.finish('pass-in-flight');
    }
    expect(await register()).toEqual(legacyRegister);
    expect(await reports()).toEqual(legacyReports);
  });

  it('counts in a dry run, prints no ID, and writes nothing', async () => {
    const dry = await cli('--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(
      /register \(dry run: nothing written\): \d+ items read; to re-key: personById \d+/,
    );
    const withKeys = [...legacyReports.values()].filter(holdsLegacy).length;
    expect(dry.stdout).toContain(
      `reports (dry run: nothing written): 12 outcomes.csv and review.csv read, ${withKeys} to rewrite`,
    );
    expect(`${dry.stdout}${dry.stderr}`).not.toMatch(/\d{12}|id:|nk:/);
    const counts = await rekey.rekeyStack(rekeyOptions({ dryRun: true }));
    expect(counts.register.complete).toBe(true);
    expect(await register()).toEqual(legacyRegister);
    expect(await reports()).toEqual(legacyReports);
  });

  it('seals every key: the register the register function would have written, and the reports', async () => {
    const dry = await rekey.rekeyStack(rekeyOptions({ dryRun: true }));
    mode.legacy = false;
    // as a run that died between its two writes leaves an item: the sealed copy written, the legacy one still there
    const { rekeyItem } = await import('../../shared/store/rekey-item.ts');
    const halfDone = legacyRegister.find((item) => item.sk === 'PERSON' && isLegacy(item.pk));
    const copy = halfDone && rekeyItem(halfDone as { pk: string; sk: string }, stack.personKeyer);
    if (!copy) throw new Error('a legacy person expected');
    await agency.dynamodb.send(
      new PutItemCommand({ TableName: stack.names.tables.register, Item: marshall(copy.put) }),
    );
    // a run stopped after a few pages (Ctrl-C), then resumed from its state file
    const stopped = await registerRekey.rekeyRegister({
      table: stack.names.tables.register,
      keyer: stack.personKeyer,
      segments: 3,
      stateFile: `${dir}/rekey-state.json`,
      pageSize: 40,
      limit: 100,
    });
    expect(stopped.complete).toBe(false);
    const done = await rekey.rekeyStack(rekeyOptions());
    expect(done.register).toMatchObject({ complete: true, collisions: 0, gone: 0 });
    const both = Object.fromEntries(
      Object.entries(done.register.rekeyed).map(([kind, n]) => [kind, n + stopped.rekeyed[kind as 'alias']]),
    );
    expect(both).toEqual(dry.register.rekeyed);
    const withKeys = [...legacyReports.values()].filter(holdsLegacy).length;
    expect(withKeys).toBeGreaterThanOrEqual(2);
    expect(done.reports).toMatchObject({ files: 12, rewritten: withKeys, complete: true });
    expect(done.reports?.keys).toBe(dry.reports?.keys);

    const expected = sealDeep(legacyRegister, stack.personKeyer) as Record<string, unknown>[];
    expect(await register()).toEqual(expected.sort(byKey));
    const after = await reports();
    for (const [key, text] of legacyReports) {
      expect(after.get(key), key).toBe(text.replace(LEGACY, (legacy) => stack.personKeyer.seal(legacy)));
      expect(after.get(key), key).not.toMatch(/id:\d{12}/);
    }
    expect([...after.values()].join('\n')).toMatch(/person p1:(id|nk):/);
  });

  it('re-keys nothing on a second run', async () => {
    const before = await register();
    const again = await rekey.rekeyStack(rekeyOptions());
    expect(Object.values(again.register.rekeyed).every((n) => n === 0)).toBe(true);
    expect(again.reports).toMatchObject({ rewritten: 0, keys: 0 });
    expect(await register()).toEqual(before);
  });

  it('meets the people it holds: a later upload of A’s forms finds each of them under its sealed key', async () => {
    const persons = new Map(
      (await register()).filter((i) => i.sk === 'PERSON').map((i) => [String(i.pk), i]),
    );
    const follow = (key: string): string => {
      const into = persons.get(key)?.mergedInto;
      return typeof into === 'string' ? follow(into) : key;
    };
    const first = rows((await reports()).get(objectKeys.report(A, 'people.ndjson', 'outcomes.csv')) ?? '');
    const at = await agency.upload(objectKeys.upload(A, 'again.ndjson'), batch.bytes);
    const summary = await agency.waitForSummary(A, 'again.ndjson', at, { timeoutMs: 90_000 });
    expect(summary.outcomes.new).toBe(0);
    expect(summary.outcomes.duplicate).toBeGreaterThan(100);
    const again = rows(await agency.text(objectKeys.report(A, 'again.ndjson', 'outcomes.csv')));
    expect(again).toHaveLength(first.length);
    for (const [i, line] of again.entries()) {
      expect(line.person_key, `row ${line.row}`).toBe(follow(String(first[i]?.person_key)));
      expect(line.person_key).toMatch(/^p1:(id|nk):[\w-]{22}$/);
    }
  });

  it('refuses a secret that is not the one the register is sealed under, writing nothing', async () => {
    const before = await register();
    for (const keyer of [
      hmacKeyer('another stack’s person-key secret, 32 bytes or more', stack.personKeyer.version),
      // the same secret under another version: keys it seals would carry p2:
      hmacKeyer(JSON.parse(await readFile(`${dir}/person-key.json`, 'utf8')).secret, 2),
    ]) {
      await expect(
        registerRekey.rekeyRegister({ table: stack.names.tables.register, keyer, segments: 2 }),
      ).rejects.toBeInstanceOf(registerRekey.ForeignSecretError);
    }
    expect(await register()).toEqual(before);
  });

  it('leaves a legacy item in place when its sealed key holds another item, and lists it by sealed key', async () => {
    const history = legacyRegister.find((item) => String(item.sk).startsWith('HIST#') && isLegacy(item.pk));
    if (!history) throw new Error('a legacy history item expected');
    const stray = { ...history, at: 'written by hand, unlike the sealed one' };
    const table = stack.names.tables.register;
    await agency.dynamodb.send(new PutItemCommand({ TableName: table, Item: marshall(stray) }));
    try {
      const counts = await registerRekey.rekeyRegister({ table, keyer: stack.personKeyer, segments: 2 });
      const sealed = stack.personKeyer.seal(String(history.pk));
      expect(counts).toMatchObject({ collisions: 1, complete: true });
      expect(counts.collided).toEqual([{ kind: 'history', key: { pk: sealed, sk: history.sk } }]);
      expect((await register()).filter((item) => item.pk === history.pk)).toEqual([stray]);
    } finally {
      await agency.dynamodb.send(
        new DeleteItemCommand({ TableName: table, Key: marshall({ pk: history.pk, sk: history.sk }) }),
      );
    }
  });
});
