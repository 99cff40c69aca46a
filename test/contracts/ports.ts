// What every implementation of a port must do, written once and run twice: on the in-memory fakes
// (test/contracts/fakes.test.ts) and on the adapters against the emulators (test/integration/adapters.test.ts). A fake
// that passes here behaves as the adapter does, so the pipeline's tests on fakes say something about production.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { PopulationRecord } from '#domain/record.ts';
import type { MachineClient } from '../../shared/api/machine-auth.ts';
import type { AgencyInput } from '../../shared/model/agency.ts';
import type { Batch } from '../../shared/model/batch.ts';
import {
  type CounterPlace,
  type CoverageCounters,
  type ProvinceReference,
  type ReferencePopulations,
  zeroCounts,
} from '../../shared/model/coverage.ts';
import type { ChangeDraft } from '../../shared/model/history.ts';
import type {
  Agencies,
  AgencyBatches,
  Applications,
  Batches,
  LinkPasses,
  PersonHistory,
  Register,
  RegisterScanner,
  ReportFiles,
} from '../../shared/model/ports.ts';
import type { StoredReview } from '../../shared/model/register.ts';
import { applicationOf, protectEvent } from '../../shared/procedures/application.ts';
import { ProcedureEvent } from '../../shared/procedures/event.ts';
import { PERSON } from '../fixtures/person.ts';
import { procedureEvent } from '../procedures/fixtures.ts';

let counter = 0;
/** A name no earlier test used, so the adapters' tests share one emulator without clearing it. */
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`;
const HOUR = 3_600_000;

export function batchOf(fields: Partial<Batch> = {}): Batch {
  const now = new Date().toISOString();
  return {
    batchId: unique('b'),
    agencyCode: 'CA-PLEIKU',
    bucket: 'batches',
    objectKey: `incoming/CA-PLEIKU/${unique('f')}.csv`,
    status: 'splitting',
    startedAt: now,
    updatedAt: now,
    partitions: 2,
    checkpoint: { row: 0, offset: 0, chunkSeqs: [0, 0], rejectedSeq: 0, unknownColumns: [], invocations: 0 },
    ...fields,
  };
}

export function batchesContract(name: string, make: () => Batches) {
  describe(`${name}: the Batches port`, () => {
    it('creates a batch once, and gives it back as created', async () => {
      const batches = make();
      const batch = batchOf();
      expect(await batches.create(batch)).toBe(true);
      expect(await batches.create({ ...batch, status: 'failed' })).toBe(false);
      expect(await batches.get(batch.batchId)).toMatchObject({ ...batch, donePartitions: [] });
      expect(await batches.get(unique('none'))).toBeUndefined();
    });

    it('lets one invocation split a batch, from its checkpoint, until it saves or its time runs out', async () => {
      const batches = make();
      const batch = batchOf();
      await batches.create(batch);
      const { batchId } = batch;
      const later = Date.now() + HOUR;
      expect(await batches.takeSplitLease(batchId, 5, 'a', later)).toBe(false); // not at row 5
      expect(await batches.takeSplitLease(batchId, 0, 'a', later)).toBe(true);
      expect(await batches.takeSplitLease(batchId, 0, 'b', later)).toBe(false);
      const checkpoint = { ...batch.checkpoint, row: 500, invocations: 1 };
      expect(await batches.advanceSplit({ batchId, fromRow: 0, checkpoint, holder: 'b' })).toBe(false);
      expect(await batches.advanceSplit({ batchId, fromRow: 0, checkpoint, holder: 'a' })).toBe(true);
      expect((await batches.get(batchId))?.checkpoint).toEqual(checkpoint);
      // saved: the lease is let go, and the next invocation goes on from row 500
      expect(await batches.takeSplitLease(batchId, 0, 'b', later)).toBe(false);
      expect(await batches.takeSplitLease(batchId, 500, 'b', Date.now() - 1)).toBe(true);
      // b's time is over (it died): c takes the split over
      expect(await batches.takeSplitLease(batchId, 500, 'c', later)).toBe(true);
      const done = { ...checkpoint, row: 900, chunkSeqs: [2, 1] };
      const finish = { batchId, fromRow: 500, checkpoint: done };
      expect(await batches.advanceSplit({ ...finish, holder: 'b' }, 'registering')).toBe(false);
      expect(await batches.advanceSplit({ ...finish, holder: 'c' }, 'registering')).toBe(true);
      expect(await batches.get(batchId)).toMatchObject({
        status: 'registering',
        rows: 900,
        chunkCounts: [2, 1],
      });
      expect(await batches.takeSplitLease(batchId, 900, 'd', later)).toBe(false); // no longer splitting
    });

    it('lets one invocation at a time register a chunk, until it lets go or its time runs out', async () => {
      const batches = make();
      const { batchId } = batchOf();
      const later = Date.now() + HOUR;
      expect(await batches.chunkLeaseEnd({ batchId, partition: 0, seq: 0 })).toBeUndefined();
      expect(await batches.takeChunkLease({ batchId, partition: 0, seq: 0 }, 'a', later)).toBe(true);
      expect(await batches.chunkLeaseEnd({ batchId, partition: 0, seq: 0 })).toBe(later); // how long b would wait
      expect(await batches.takeChunkLease({ batchId, partition: 0, seq: 0 }, 'b', later)).toBe(false);
      expect(await batches.takeChunkLease({ batchId, partition: 0, seq: 1 }, 'b', later)).toBe(true); // another chunk
      await batches.releaseChunkLease({ batchId, partition: 0, seq: 0 }, 'b'); // not b's to let go
      expect(await batches.takeChunkLease({ batchId, partition: 0, seq: 0 }, 'b', later)).toBe(false);
      await batches.releaseChunkLease({ batchId, partition: 0, seq: 0 }, 'a');
      expect(await batches.takeChunkLease({ batchId, partition: 0, seq: 0 }, 'b', Date.now() - 1)).toBe(true);
      expect(await batches.chunkLeaseEnd({ batchId, partition: 0, seq: 0 })).toBeUndefined(); // b's time is over
      await batches.freeChunkLease({ batchId, partition: 0, seq: 1 }); // b's, freed by a restart
      expect(await batches.takeChunkLease({ batchId, partition: 0, seq: 1 }, 'c', later)).toBe(true);
      await batches.freeChunkLease({ batchId, partition: 0, seq: 2 }); // never leased: nothing to free
      expect(await batches.chunkLeaseEnd({ batchId, partition: 0, seq: 2 })).toBeUndefined();
      expect(await batches.takeChunkLease({ batchId, partition: 0, seq: 0 }, 'c', later)).toBe(true); // b's time was over
    });

    it('lets one finalize at a time report a batch that waits for its report, and completes it', async () => {
      const batches = make();
      const batch = batchOf();
      await batches.create(batch);
      const { batchId } = batch;
      const later = Date.now() + HOUR;
      expect(await batches.takeFinalizeLease(batchId, 'a', later)).toBe(false); // still splitting
      await batches.setStatus(batchId, 'registering', { rows: 10, failure: undefined });
      expect(await batches.takeFinalizeLease(batchId, 'a', later)).toBe(true);
      expect(await batches.takeFinalizeLease(batchId, 'b', later)).toBe(false);
      await batches.releaseFinalizeLease(batchId, 'b');
      expect(await batches.takeFinalizeLease(batchId, 'b', later)).toBe(false);
      await batches.releaseFinalizeLease(batchId, 'a');
      expect(await batches.takeFinalizeLease(batchId, 'b', later)).toBe(true);
      await batches.markFailed(batchId, { code: 'BATCH_PROCESSING_FAILED', message: 'm' });
      expect(await batches.get(batchId)).toMatchObject({
        status: 'failed',
        failure: { code: 'BATCH_PROCESSING_FAILED' },
      });
      const finishedAt = new Date().toISOString();
      const outcomes = { new: 10, duplicate: 0, updated: 0, conflict: 0, rejected: 0, probable_duplicate: 0 };
      await batches.markCompleted(batchId, { outcomes, errorsByCode: {}, finishedAt });
      const completed = await batches.get(batchId);
      expect(completed).toMatchObject({ status: 'completed', outcomes, finishedAt, rows: 10 });
      expect(completed?.failure).toBeUndefined();
      expect(await batches.takeFinalizeLease(batchId, 'c', later)).toBe(false);
    });

    it('frees every lease of a batch at once (a restarted local stack)', async () => {
      const batches = make();
      const batch = batchOf();
      await batches.create(batch);
      const later = Date.now() + HOUR;
      expect(await batches.takeSplitLease(batch.batchId, 0, 'a', later)).toBe(true);
      await batches.releaseLeases(batch.batchId);
      expect(await batches.takeSplitLease(batch.batchId, 0, 'b', later)).toBe(true);
    });

    it('counts each done partition once', async () => {
      const batches = make();
      const batch = batchOf({ status: 'registering' });
      await batches.create(batch);
      expect(await batches.addDonePartition(batch.batchId, 1)).toBe(1);
      expect(await batches.addDonePartition(batch.batchId, 1)).toBe(1);
      expect(await batches.addDonePartition(batch.batchId, 0)).toBe(2);
      await batches.markChainsStarted(batch.batchId);
      expect(await batches.get(batch.batchId)).toMatchObject({ chainsStarted: true });
      expect((await batches.get(batch.batchId))?.donePartitions?.sort()).toEqual([0, 1]);
    });

    it('keeps the latest upload of an object key by S3 sequencer, then start time', async () => {
      const batches = make();
      const objectKey = `incoming/CA-PLEIKU/${unique('same')}.csv`;
      const first = batchOf({ objectKey, sequencer: '0A2' });
      const older = batchOf({ objectKey, sequencer: '0A1' });
      const newer = batchOf({ objectKey, sequencer: '0B0' });
      expect(await batches.claimLatest(first)).toBe(true);
      expect(await batches.claimLatest(older)).toBe(false);
      expect(await batches.latestBatchOf(objectKey)).toBe(first.batchId);
      expect(await batches.claimLatest(newer)).toBe(true);
      expect(await batches.claimLatest(first)).toBe(false);
      expect(await batches.latestBatchOf(objectKey)).toBe(newer.batchId);
      expect(await batches.latestBatchOf(`${objectKey}.other`)).toBeUndefined();
    });

    it('lists the batches not yet completed, failed or superseded', async () => {
      const batches = make();
      const open = [batchOf(), batchOf({ status: 'registering' }), batchOf({ status: 'finalizing' })];
      const closed = [
        batchOf({ status: 'completed' }),
        batchOf({ status: 'failed' }),
        batchOf({ status: 'superseded' }),
      ];
      for (const batch of [...open, ...closed]) await batches.create(batch);
      const ids = (await batches.listUnfinished()).map((batch) => batch.batchId);
      for (const batch of open) expect(ids).toContain(batch.batchId);
      for (const batch of closed) expect(ids).not.toContain(batch.batchId);
    });
  });
}

export function agencyBatchesContract(name: string, make: () => { batches: Batches; reads: AgencyBatches }) {
  describe(`${name}: the AgencyBatches port`, () => {
    it("gives an agency its batches newest first, page by page, without the pipeline's bookkeeping", async () => {
      const { batches, reads } = make();
      const agencyCode = unique('CA-');
      const made = [0, 1, 2].map((i) =>
        batchOf({ agencyCode, startedAt: `2026-12-0${i + 1}T00:00:00.000Z`, status: 'completed', rows: i }),
      );
      for (const batch of made) await batches.create(batch);
      const first = await reads.listByAgency(agencyCode, 2);
      expect(first?.batches.map((batch) => batch.batchId)).toEqual([made[2]?.batchId, made[1]?.batchId]);
      expect(first?.nextToken).toBeDefined();
      const second = await reads.listByAgency(agencyCode, 2, first?.nextToken);
      expect(second?.batches.map((batch) => batch.batchId)).toEqual([made[0]?.batchId]);
      expect(await reads.listByAgency('CA-OTHER', 2, first?.nextToken)).toBeUndefined();
      const one = await reads.get(made[0]?.batchId as string);
      expect(one).toMatchObject({ batchId: made[0]?.batchId, agencyCode, rows: 0, bucket: 'batches' });
      expect(one).not.toHaveProperty('checkpoint');
      expect(one).not.toHaveProperty('partitions');
    });
  });
}

const text = async (stream: Readable) => {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part));
  return Buffer.concat(parts).toString('utf8');
};

export function filesContract(name: string, make: () => ReportFiles) {
  describe(`${name}: the Files and ReportFiles ports`, () => {
    it('writes values a line each and reads them back; an absent file holds none', async () => {
      const files = make();
      const key = `work/${unique('b')}/outcomes/0/0.ndjson`;
      expect(await files.exists(key)).toBe(false);
      expect(await files.readLines(key)).toEqual([]);
      const values = [[1, 'new', 'id:1', 'F1', []], { a: 'Nguyễn' }, 'x'];
      await files.putLines(key, values);
      expect(await files.exists(key)).toBe(true);
      expect(await files.readLines(key)).toEqual(values);
    });

    it('opens an object whole or from a byte offset, and writes text and streams', async () => {
      const files = make();
      const key = `reports/CA-PLEIKU/${unique('f')}.csv/outcomes.csv`;
      await files.putText(key, 'row,outcome\n1,new\n', 'text/csv; charset=utf-8');
      expect(await text(await files.open(key))).toBe('row,outcome\n1,new\n');
      expect(await text(await files.open(key, undefined, 12))).toBe('1,new\n');
      const streamed = `reports/CA-PLEIKU/${unique('f')}.csv/outcomes.csv`;
      await files.uploadStream(streamed, Readable.from(['a,b\n', 'Đắk,Lắk\n']), 'text/csv; charset=utf-8');
      expect(await text(await files.open(streamed))).toBe('a,b\nĐắk,Lắk\n');
    });

    it('reads an object’s user metadata: none for one written without, undefined for an absent one', async () => {
      const files = make();
      const key = `reports/CA-PLEIKU/${unique('f')}.csv/summary.json`;
      expect(await files.metadata(key)).toBeUndefined();
      await files.putText(key, '{}', 'application/json');
      expect(await files.metadata(key)).toEqual({});
    });

    it('writes bytes, and copies an object to another key (a batch report to its name)', async () => {
      const files = make();
      const name = `${unique('f')} tệp.csv`;
      const from = `reports/CA-PLEIKU/${name}/batches/b1/outcomes.xlsx`;
      const bytes = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0xff, 0]);
      await files.putText(from, bytes, 'application/octet-stream');
      const to = `reports/CA-PLEIKU/${name}/outcomes.xlsx`;
      await files.copy(from, to);
      const parts: Buffer[] = [];
      for await (const part of await files.open(to)) parts.push(Buffer.from(part));
      expect([...Buffer.concat(parts)]).toEqual([...bytes]);
    });
  });
}

export function linkPassesContract(name: string, make: () => LinkPasses) {
  describe(`${name}: the LinkPasses port`, () => {
    it('records each step once, starts each stage once, and finishes a pass once', async () => {
      const passes = make();
      const passId = unique('pass-');
      expect(await passes.create(passId, { segments: 2, partitions: 3, deciders: 3 })).toBe(true);
      expect(await passes.create(passId, { segments: 9, partitions: 9, deciders: 9 })).toBe(false);
      const after = await passes.stepDone(passId, 'scan', 1, { parts: 1, persons: 40 });
      expect(after).toMatchObject({
        segments: 2,
        status: 'running',
        scanned: { 1: { parts: 1, persons: 40 } },
      });
      await passes.stepDone(passId, 'scan', 1, { parts: 1, persons: 40 });
      expect((await passes.get(passId))?.scanned).toEqual({ 1: { parts: 1, persons: 40 } });
      expect(await passes.claimStage(passId, 'group')).toBe(true);
      expect(await passes.claimStage(passId, 'group')).toBe(false);
      await passes.markSent(passId, 'group');
      expect(await passes.get(passId)).toMatchObject({ started: ['group'], sent: ['group'] });
      expect(await passes.finish(passId)).toBe(true);
      expect(await passes.finish(passId)).toBe(false);
      expect((await passes.get(passId))?.status).toBe('done');
      expect(await passes.get(unique('none'))).toBeUndefined();
      await expect(passes.stepDone(unique('none'), 'scan', 0, { parts: 1, persons: 0 })).rejects.toThrow();
    });

    it('lets one pass run at a time, until it finishes or outlives its time', async () => {
      const passes = make();
      const [a, b] = [unique('pass-'), unique('pass-')];
      const now = Date.now();
      // another test's pass may hold it: outlive it
      expect(await passes.takeCurrent(a, now + 2 * HOUR, now + 3 * HOUR)).toBe(true);
      expect(await passes.takeCurrent(b, now + 2 * HOUR, now + 3 * HOUR)).toBe(false);
      expect(await passes.takeCurrent(a, now + 2 * HOUR, now + 3 * HOUR)).toBe(true); // its own start, again
      expect(await passes.takeCurrent(b, now + 4 * HOUR, now + 5 * HOUR)).toBe(true); // a outlived its time
      await passes.create(b, { segments: 1, partitions: 1, deciders: 1 });
      await passes.finish(b);
      expect(await passes.takeCurrent(a, now + 4 * HOUR, now + 5 * HOUR)).toBe(true);
      // b's last step redelivered: it finishes again, and does not let a third pass in beside a
      await passes.finish(b);
      expect(await passes.takeCurrent(unique('pass-'), now + 4 * HOUR, now + 5 * HOUR)).toBe(false);
      await passes.create(a, { segments: 1, partitions: 1, deciders: 1 });
      await passes.finish(a);
    });
  });
}

const origin = (row: number, batchId = 'b1', agencyCode = 'CA-PLEIKU') => ({ batchId, row, agencyCode });

export function registerContract(name: string, make: () => Register & RegisterScanner) {
  describe(`${name}: the Register port`, () => {
    it('stores a person once, and records outcomes only on the person as read', async () => {
      const register = make();
      const key = unique('id:');
      expect(await register.createPerson(key, PERSON, origin(1))).toBe(true);
      expect(await register.createPerson(key, PERSON, origin(2))).toBe(false);
      const held = await register.getPerson(key);
      expect(held).toMatchObject({
        record: PERSON,
        version: 1,
        applied: ['b1#1:new'],
        agencyCode: 'CA-PLEIKU',
      });
      if (!held) return;
      const moved: PopulationRecord = { ...PERSON, currentAddress: 'Phường Hội Thương' };
      expect(await register.recordOutcome(key, held, 'b1#3:updated', moved)).toBe(true);
      expect(await register.recordOutcome(key, held, 'b1#4:duplicate')).toBe(false); // changed since read
      expect(await register.getPerson(key)).toMatchObject({
        record: moved,
        version: 2,
        applied: ['b1#1:new', 'b1#3:updated'],
      });
      // a copy filed with the person's first entry holds only while the person is as first stored
      const filed = { record: PERSON, version: 1, applied: ['b1#1:new'], filed: 'b1#1:new' };
      expect(await register.recordOutcome(key, filed, 'b1#5:duplicate')).toBe(false);
      // a change to its fields names its history item
      const now = (await register.getPerson(key)) as NonNullable<
        Awaited<ReturnType<typeof register.getPerson>>
      >;
      expect(await register.recordOutcome(key, now, 'b1#7:updated', PERSON, '00000003#b1#7')).toBe(true);
      expect((await register.getPerson(key))?.lastChange).toBe('00000003#b1#7');
      const conflict = {
        id: `b1.6.${key.slice(-6)}`,
        agencyCode: 'CA-PLEIKU',
        batchId: 'b1',
        row: 6,
        personKey: key,
        incoming: { ...PERSON, fullName: 'Trần Thị Bình' },
        differing: ['fullName'],
        createdAt: '2026-12-08T00:00:00.000Z',
        status: 'open' as const,
      };
      expect(await register.putConflict(conflict)).toBe(true);
      // a redelivered row leaves the conflict as it is
      expect(await register.putConflict({ ...conflict, differing: [] })).toBe(false);
      expect(await register.getPerson(unique('id:'))).toBeUndefined();
      expect(held).not.toHaveProperty('creation');
    });

    it('keeps a derived creation’s when, who and why on the person, through later changes', async () => {
      const register = make();
      const [derived, put] = [unique('id:'), unique('id:')];
      const from = { ...origin(2), uploadedBy: 'sub-clerk' };
      const before = new Date().toISOString();
      const creation = { lastChange: '00000001#b1#2', why: 'probable_duplicate' };
      expect(await register.createPerson(derived, PERSON, from, 'b1#2:probable_duplicate', creation)).toBe(
        true,
      );
      const held = await register.getPerson(derived);
      expect(held).toMatchObject({
        lastChange: '00000001#b1#2',
        creation: { by: 'sub-clerk', why: 'probable_duplicate' },
      });
      const at = held?.creation?.at ?? '';
      expect(at >= before && at <= new Date().toISOString()).toBe(true);
      if (!held) return;
      expect(await register.recordOutcome(derived, held, 'b2#1:updated', PERSON, '00000002#b2#1')).toBe(true);
      expect((await register.getPerson(derived))?.creation).toEqual(held.creation);
      // a creation put as an item (a birth's) keeps none of it; nor does an unnamed uploader's have a `by`
      await register.createPerson(put, PERSON, from, 'new', { lastChange: '00000001#b1#2' });
      expect(await register.getPerson(put)).not.toHaveProperty('creation');
      const anonymous = unique('id:');
      await register.createPerson(anonymous, PERSON, origin(3), 'new', {
        lastChange: '00000001#b1#3',
        why: 'new',
      });
      expect((await register.getPerson(anonymous))?.creation).not.toHaveProperty('by');
    });

    it('points an alias and a merged person at another, once; keeps two persons apart', async () => {
      const register = make();
      const [into, alias, other] = [unique('id:'), unique('id:'), unique('nk:')];
      await register.createPerson(into, PERSON, origin(1));
      expect(await register.putAlias(alias, into, origin(2), 'duplicate|0.97')).toBe(true);
      expect(await register.putAlias(alias, other, origin(2), 'duplicate|0.97')).toBe(false);
      expect(await register.getPerson(alias)).toMatchObject({
        mergedInto: into,
        applied: ['b1#2:duplicate|0.97'],
      });
      await register.createPerson(other, PERSON, origin(3));
      expect(await register.markMerged(other, into, 2)).toBe(false); // not the version read
      expect(await register.markMerged(other, into, 1)).toBe(true);
      expect(await register.markMerged(other, alias, 2)).toBe(false); // merged already
      expect(await register.getPerson(other)).toMatchObject({ mergedInto: into, version: 2 });
      expect(await register.addKeptApart(into, other, 1, '00000002#review#b1.1')).toBe(true);
      expect(await register.addKeptApart(into, other, 1, '00000002#review#b1.1')).toBe(false); // changed since
      expect(await register.getPerson(into)).toMatchObject({
        keptApart: [other],
        version: 2,
        lastChange: '00000002#review#b1.1',
      });
    });

    it('finds a person by the blocking keys it is filed under, with its record and first entry', async () => {
      const register = make();
      const [key, block] = [unique('nk:'), unique('bg:')];
      await register.fileForLinkage(key, PERSON, [block, `${block}x`], 'CA-PLEIKU', 'b1#1:new');
      await register.fileForLinkage(key, PERSON, [block], 'CA-PLEIKU', 'b1#1:new'); // a redelivery
      expect(await register.findCandidates([block, unique('bf:')])).toEqual([
        { personKey: key, record: PERSON, agencyCode: 'CA-PLEIKU', created: 'b1#1:new' },
      ]);
    });

    it("keeps each agency's review list apart, by batch, and a resolved item resolved", async () => {
      const register = make();
      const agencyCode = unique('CA-');
      const review = (batchId: string, row: number): StoredReview => ({
        id: `${batchId}.${row}`,
        agencyCode,
        batchId,
        row,
        personKey: 'nk:a',
        candidatePersonKey: 'nk:b',
        score: 9.5,
        reasons: ['dateOfBirth exact +5.1'],
        fields: [{ field: 'fullName', incoming: 'A', held: 'A', level: 'exact' }],
        createdAt: '2026-12-07T00:00:00.000Z',
      });
      for (const item of [review('b2', 1), review('b1', 2), review('b1', 1)]) await register.putReview(item);
      expect(await register.getReview(agencyCode, 'b1.1')).toEqual(review('b1', 1));
      expect(await register.getReview('CA-OTHER', 'b1.1')).toBeUndefined();
      const all = await register.listReviews(agencyCode);
      expect(all.items.map((item) => item.id)).toEqual(['b1.1', 'b1.2', 'b2.1']);
      expect((await register.listReviews(agencyCode, { batchId: 'b1' })).items).toHaveLength(2);
      const first = await register.listReviews(agencyCode, { limit: 2 });
      expect(first.items.map((item) => item.id)).toEqual(['b1.1', 'b1.2']);
      const rest = await register.listReviews(agencyCode, { limit: 2, nextToken: first.nextToken });
      expect(rest.items.map((item) => item.id)).toEqual(['b2.1']);
      expect(await register.resolveReview(agencyCode, 'b1.1', 'keepApart')).toBe(true);
      expect(await register.resolveReview(agencyCode, 'b1.1', 'keepApart')).toBe(true);
      expect(await register.resolveReview(agencyCode, 'b1.1', 'merge')).toBe(false);
      expect(await register.resolveReview(agencyCode, 'b9.9', 'merge')).toBe(false);
      await register.putReview(review('b1', 1)); // a redelivery does not reopen it
      expect(await register.getReview(agencyCode, 'b1.1')).toMatchObject({ resolution: 'keepApart' });
    });

    it('scans persons only: no alias, no merged person, no other item', async () => {
      const register = make();
      const [kept, alias, merged] = [unique('id:'), unique('id:'), unique('id:')];
      await register.createPerson(kept, PERSON, origin(1));
      await register.putAlias(alias, kept, origin(2), 'duplicate');
      await register.createPerson(merged, PERSON, origin(3));
      await register.markMerged(merged, kept, 1);
      await register.addKeptApart(kept, merged, 1, '00000002#review#b1.1');
      await register.fileForLinkage(kept, PERSON, [unique('bg:')], 'CA-PLEIKU', 'b1#1:new');
      const scanned = [];
      for (let segment = 0; segment < 2; segment++)
        for await (const page of register.scanPersons(segment, 2)) scanned.push(...page);
      const keys = scanned.map((person) => person.key);
      expect(keys).toContain(kept);
      expect(keys).not.toContain(alias);
      expect(keys).not.toContain(merged);
      expect(keys.every((key) => key.startsWith('id:') || key.startsWith('nk:'))).toBe(true);
      expect(scanned.find((person) => person.key === kept)).toEqual({
        key: kept,
        record: PERSON,
        keptApart: [merged],
      });
    });
  });
}

export function historyContract(name: string, make: () => PersonHistory) {
  describe(`${name}: the PersonHistory port`, () => {
    const change = (personKey: string, version: number, changeId: string, to: string): ChangeDraft => ({
      personKey,
      version,
      change: changeId,
      outcome: 'updated',
      why: 'updated',
      changes: { currentAddress: { from: PERSON.currentAddress, to } },
      agencyCode: 'CA-PLEIKU',
      batchId: 'b1',
      row: version,
      by: { kind: 'uploader', id: 'sub-1' },
    });

    it('puts a change once under its key: a retry finds it there and leaves it as it was', async () => {
      const history = make();
      const key = unique('p1:nk:');
      const sk = await history.put(change(key, 2, 'b1#2', 'Pleiku'));
      expect(sk).toBe('00000002#b1#2');
      expect(await history.put(change(key, 2, 'b1#2', 'changed by a retry'))).toBe(sk);
      const [item, ...rest] = await history.list(key);
      expect(rest).toEqual([]);
      expect(item).toMatchObject({ ...change(key, 2, 'b1#2', 'Pleiku'), sk });
      expect(Number.isNaN(Date.parse(item?.at ?? ''))).toBe(false);
    });

    it('gives a creation back with every field it was created with', async () => {
      const history = make();
      const key = unique('p1:id:');
      const changes = Object.fromEntries(Object.entries(PERSON).map(([field, to]) => [field, { to }]));
      await history.put({ ...change(key, 1, 'b1#1', ''), outcome: 'created', why: 'new', changes });
      const [created] = await history.list(key);
      expect(created).toMatchObject({ outcome: 'created', changes, by: { kind: 'uploader', id: 'sub-1' } });
      expect(Object.keys(created?.changes ?? {})).toHaveLength(Object.keys(PERSON).length);
    });

    it('lists a person’s changes in the order of their versions, and nobody else’s', async () => {
      const history = make();
      const [key, other] = [unique('p1:nk:'), unique('p1:nk:')];
      for (const version of [10, 2, 1]) await history.put(change(key, version, `b1#${version}`, 'x'));
      await history.put(change(other, 1, 'b1#1', 'x'));
      expect((await history.list(key)).map((item) => item.version)).toEqual([1, 2, 10]);
      expect(await history.list(unique('p1:nk:'))).toEqual([]);
    });
  });
}

/** An application code no earlier test used, of the shape event.ts accepts. */
const applicationCode = () => `${unique('T').toUpperCase()}-250115-0001`;

export function applicationsContract(name: string, make: () => Applications) {
  describe(`${name}: the Applications port`, () => {
    // the events of one application as the status function stores them
    const eventsOf = (applicationCode: string, ...sequences: number[]) =>
      sequences.map((sequence) =>
        protectEvent(
          ProcedureEvent.parse({
            ...procedureEvent(sequence, 2 + (sequence % 3), {
              applicant: { fullName: 'Lê Thị Hoa', personalId: '064190123456' },
            }),
            applicationCode,
          }),
        ),
      );

    it('keeps an event once: a repeat of its sequence is refused and the kept one stays as it was', async () => {
      const applications = make();
      const code = applicationCode();
      const [first] = eventsOf(code, 1);
      if (!first) return;
      expect(await applications.addEvent(first)).toBe(true);
      expect(await applications.addEvent(first)).toBe(false);
      expect(await applications.addEvent({ ...first, status: 10, note: 'another' })).toBe(false);
      expect(await applications.events(code)).toEqual([first]);
    });

    it("gives an application's events back by sequence, 10 after 9, and no other application's", async () => {
      const applications = make();
      const [code, other] = [applicationCode(), applicationCode()];
      for (const event of eventsOf(code, 11, 2, 10, 1, 9)) await applications.addEvent(event);
      for (const event of eventsOf(other, 3)) await applications.addEvent(event);
      expect(await applications.events(code)).toEqual(eventsOf(code, 1, 2, 9, 10, 11));
      expect(await applications.events(applicationCode())).toEqual([]);
    });

    it('stores a state only over one made of fewer events', async () => {
      const applications = make();
      const code = applicationCode();
      const [one, two, three] = [1, 2, 3].map((count) =>
        applicationOf(eventsOf(code, ...[1, 2, 3].slice(0, count))),
      );
      if (!one || !two || !three) return;
      expect(await applications.saveState(two)).toBe(true);
      expect(await applications.saveState(one)).toBe(false); // fewer events
      expect(await applications.saveState({ ...two, status: 10 })).toBe(false); // as many
      expect(await applications.get(code)).toEqual(two);
      expect(await applications.saveState(three)).toBe(true);
      expect(await applications.get(code)).toEqual(three);
    });

    it('gives the state back without its keys, and nothing for an unknown code', async () => {
      const applications = make();
      const code = applicationCode();
      const state = applicationOf(eventsOf(code, 1, 2));
      await applications.saveState(state);
      const read = await applications.get(code);
      expect(read).toEqual(state);
      expect(Object.keys(read ?? {}).sort()).toEqual(Object.keys(state).sort());
      expect(await applications.get(applicationCode())).toBeUndefined();
    });
  });
}

export function agenciesContract(name: string, make: () => Agencies) {
  describe(`${name}: the Agencies port`, () => {
    const agencyOf = (fields: Partial<AgencyInput> = {}): AgencyInput => ({
      code: unique('CA-'),
      name: 'Công an phường Yên Đỗ',
      kind: 'police',
      unit: { code: '23557', vintage: 2020 },
      ...fields,
    });

    it('puts a new agency once, active; the same again is unchanged, other details a conflict', async () => {
      const agencies = make();
      const agency = agencyOf();
      expect(await agencies.put(agency, 'lan')).toBe('created');
      expect(await agencies.put(agency, 'minh')).toBe('unchanged');
      expect(await agencies.put({ ...agency, kind: 'justice' }, 'minh')).toBe('conflict');
      expect(await agencies.get(agency.code)).toEqual({
        ...agency,
        machineClients: [],
        active: true,
        updatedAt: expect.any(String),
        updatedBy: 'lan',
      });
      expect(await agencies.get(unique('CA-'))).toBeUndefined();
    });

    it('disables and enables a held agency only, and lists it with its standing', async () => {
      const agencies = make();
      const agency = agencyOf();
      await agencies.put(agency, 'lan');
      expect(await agencies.disable(agency.code, 'minh')).toBe(true);
      expect(await agencies.disable(agency.code, 'minh')).toBe(true);
      expect(await agencies.get(agency.code)).toMatchObject({ active: false, updatedBy: 'minh' });
      expect((await agencies.list()).find((held) => held.code === agency.code)?.active).toBe(false);
      expect(await agencies.enable(agency.code, 'lan')).toBe(true);
      expect((await agencies.get(agency.code))?.active).toBe(true);
      expect(await agencies.disable(unique('CA-'), 'minh')).toBe(false);
      expect(await agencies.enable(unique('CA-'), 'minh')).toBe(false);
      const codes = (await agencies.list()).map((held) => held.code);
      expect(codes).toEqual([...codes].sort());
    });

    it('imports many: adds the new ones, leaves the held ones (a disabled one stays disabled)', async () => {
      const agencies = make();
      const disabled = agencyOf();
      const other = agencyOf();
      await agencies.put(disabled, 'lan');
      await agencies.put(other, 'lan');
      await agencies.disable(disabled.code, 'lan');
      const fresh = Array.from({ length: 30 }, () => agencyOf({ kind: 'one-stop-shop' }));

      const result = await agencies.importMany([disabled, { ...other, name: 'Khác' }, ...fresh], 'minh');

      expect(result).toEqual({
        created: fresh.map((agency) => agency.code),
        unchanged: [disabled.code],
        conflicts: [other.code],
      });
      expect((await agencies.get(disabled.code))?.active).toBe(false);
      expect((await agencies.get(other.code))?.name).toBe(other.name);
      expect(await agencies.get(fresh[29]?.code ?? '')).toMatchObject({ active: true, updatedBy: 'minh' });
      expect(await agencies.importMany(fresh, 'minh')).toEqual({
        created: [],
        unchanged: fresh.map((agency) => agency.code),
        conflicts: [],
      });
    });
  });
}

/**
 * The machine clients of the Agencies port (`add-client`, `remove-client`), and what the machine authoriser's lookup
 * then admits: a client is admitted while its agency is active and lists it, and never for another agency.
 */
export function machineClientsContract(
  name: string,
  make: () => { agencies: Agencies; lookup: { get(clientId: string): Promise<MachineClient | undefined> } },
) {
  describe(`${name}: machine clients of the Agencies port`, () => {
    const agencyOf = (): AgencyInput => ({
      code: unique('CA-'),
      name: 'Công an phường Yên Đỗ',
      kind: 'police',
      unit: { code: '23557', vintage: 2020 },
    });

    it('adds a client once (again is unchanged), admitted while its agency is active; an import stays unchanged', async () => {
      const { agencies, lookup } = make();
      const agency = agencyOf();
      await agencies.put(agency, 'lan');
      const clientId = unique('client-');
      expect(await lookup.get(clientId)).toBeUndefined();
      expect(await agencies.addMachineClient(agency.code, clientId, 'minh')).toBe('added');
      expect(await agencies.addMachineClient(agency.code, clientId, 'minh')).toBe('unchanged');
      expect(await agencies.get(agency.code)).toMatchObject({
        machineClients: [clientId],
        updatedBy: 'minh',
      });
      expect(await lookup.get(clientId)).toEqual({ clientId, agency: agency.code, active: true });
      // the agencies' file says nothing of clients: importing it again changes nothing and is no conflict
      expect(await agencies.importMany([agency], 'lan')).toMatchObject({ unchanged: [agency.code] });
      expect((await agencies.list()).filter((held) => held.code === agency.code)).toHaveLength(1);
      await agencies.disable(agency.code, 'lan');
      expect(await lookup.get(clientId)).toMatchObject({ active: false });
    });

    it('refuses a client for an agency not held, and one another agency holds', async () => {
      const { agencies, lookup } = make();
      const [mine, theirs] = [agencyOf(), agencyOf()];
      await agencies.put(mine, 'lan');
      await agencies.put(theirs, 'lan');
      const clientId = unique('client-');
      expect(await agencies.addMachineClient(unique('CA-'), clientId, 'lan')).toBe('agency-unknown');
      expect(await lookup.get(clientId)).toBeUndefined();
      expect(await agencies.addMachineClient(theirs.code, clientId, 'lan')).toBe('added');
      expect(await agencies.addMachineClient(mine.code, clientId, 'lan')).toBe('other-agency');
      expect((await agencies.get(mine.code))?.machineClients).toEqual([]);
      expect(await lookup.get(clientId)).toEqual({ clientId, agency: theirs.code, active: true });
      // removing it from the wrong agency leaves it where it is
      expect(await agencies.removeMachineClient(mine.code, clientId, 'lan')).toBe('not-listed');
      expect(await lookup.get(clientId)).toEqual({ clientId, agency: theirs.code, active: true });
    });

    it('removes a client: no longer listed, no longer admitted; removing again is not-listed', async () => {
      const { agencies, lookup } = make();
      const agency = agencyOf();
      await agencies.put(agency, 'lan');
      const [kept, gone] = [unique('client-'), unique('client-')];
      await agencies.addMachineClient(agency.code, kept, 'lan');
      await agencies.addMachineClient(agency.code, gone, 'lan');
      expect(await agencies.removeMachineClient(agency.code, gone, 'minh')).toBe('removed');
      expect(await agencies.get(agency.code)).toMatchObject({ machineClients: [kept], updatedBy: 'minh' });
      expect(await lookup.get(gone)).toBeUndefined();
      expect(await lookup.get(kept)).toMatchObject({ active: true });
      expect(await agencies.removeMachineClient(agency.code, gone, 'minh')).toBe('not-listed');
      expect(await agencies.removeMachineClient(unique('CA-'), gone, 'minh')).toBe('agency-unknown');
    });
  });
}

/**
 * The coverage counters (issue 18): a move lands once per item however often it is delivered, and the rest of a move
 * that stopped half way lands on its next delivery; forgetting a move lets its id move the items again; a province
 * reads back every item with every counter; the recount's overwrite zeroes the items of its provinces it was not
 * given and leaves other provinces alone.
 */
export function coverageCountersContract(name: string, make: () => CoverageCounters) {
  const place = (province: string, code: string): CounterPlace => ({
    kind: 'commune',
    vintage: 2025,
    province,
    code,
  });
  describe(`${name}: the CoverageCounters port`, () => {
    it('moves each item once per move id, and the rest of a move on its next delivery', async () => {
      const counters = make();
      const province = unique('p');
      const [a, b] = [place(province, '00001'), place(province, '00002')];
      const unplaced: CounterPlace = { kind: 'unplaced', vintage: 2025, province, agencyUnit: '52' };
      expect(await counters.apply('m1', [{ place: a, counts: { permanent: 2, received: 3 } }])).toBe(1);
      const whole = [
        { place: a, counts: { permanent: 2, received: 3 } },
        { place: b, counts: { temporary: 1 } },
        { place: b, counts: { temporary: 1, rejected: 1 } },
        { place: unplaced, counts: { received: 4 } },
        { place: place(province, '00003'), counts: { permanent: 0 } },
      ];
      expect(await counters.apply('m1', whole)).toBe(2);
      expect(await counters.apply('m1', whole)).toBe(0);
      expect(await counters.apply('m2', [{ place: a, counts: { permanent: -1 } }])).toBe(1);
      const items = await counters.province(2025, province);
      const byPlace = (wanted: CounterPlace) =>
        items.find((item) => JSON.stringify(item.place) === JSON.stringify(wanted))?.counts;
      expect(items).toHaveLength(3);
      expect(byPlace(a)).toEqual({ ...zeroCounts(), permanent: 1, received: 3 });
      expect(byPlace(b)).toEqual({ ...zeroCounts(), temporary: 2, rejected: 1 });
      expect(byPlace(unplaced)).toEqual({ ...zeroCounts(), received: 4 });
      expect(await counters.province(2020, province)).toEqual([]);
    });

    it('moves an item again by an id it forgot, and forgets twice as well as once', async () => {
      const counters = make();
      const a = place(unique('p'), '00001');
      await counters.apply('m1', [{ place: a, counts: { received: 1 } }]);
      await counters.forget('m1', [a, place(a.province, '00009')]);
      await counters.forget('m1', [a]);
      expect(await counters.apply('m1', [{ place: a, counts: { received: 1 } }])).toBe(1);
      expect(await counters.province(2025, a.province)).toEqual([
        { place: a, counts: { ...zeroCounts(), received: 2 } },
      ]);
    });

    it('overwrites the items given, zeroes the rest of their provinces and keeps the move ids', async () => {
      const counters = make();
      const [province, other] = [unique('p'), unique('p')];
      const [a, b, c] = [place(province, '00001'), place(province, '00002'), place(other, '00001')];
      await counters.apply(
        'm1',
        [a, b, c].map((at) => ({ place: at, counts: { permanent: 5 } })),
      );
      await counters.overwrite([{ place: a, counts: { ...zeroCounts(), permanent: 3, conflict: 1 } }]);
      const items = await counters.province(2025, province);
      expect(items.sort((x, y) => JSON.stringify(x.place).localeCompare(JSON.stringify(y.place)))).toEqual([
        { place: a, counts: { ...zeroCounts(), permanent: 3, conflict: 1 } },
        { place: b, counts: zeroCounts() },
      ]);
      expect((await counters.province(2025, other))[0]?.counts.permanent).toBe(5);
      expect(await counters.apply('m1', [{ place: a, counts: { permanent: 1 } }])).toBe(0);
    });
  });
}

/** The expected residents: the newest as-of date's version, the later upload of a date. */
export function referencePopulationsContract(name: string, make: () => ReferencePopulations) {
  describe(`${name}: the ReferencePopulations port`, () => {
    it('gives the newest as-of date, and of one date the later upload', async () => {
      const references = make();
      const province = unique('p');
      const version = (asOf: string, uploadedAt: string, permanent: number): ProvinceReference => ({
        vintage: 2020,
        province,
        asOf,
        uploadedAt,
        objectKey: `reference/population/${asOf}.csv`,
        communes: { '00001': { permanent, temporary: 0, source: 'test' } },
      });
      expect(await references.newest(2020, province)).toBeUndefined();
      await references.put(version('2020-11-01', '2026-12-02T00:00:00.000Z', 2));
      await references.put(version('2020-11-01', '2026-12-01T00:00:00.000Z', 1));
      await references.put(version('2019-04-01', '2026-12-03T00:00:00.000Z', 0));
      expect(await references.newest(2020, province)).toEqual(
        version('2020-11-01', '2026-12-02T00:00:00.000Z', 2),
      );
      expect(await references.newest(2025, province)).toBeUndefined();
    });
  });
}
