// The link pass, step by step (the domain is shared/linkage/pass.ts; docs/linkage.md, "The link pass"):
//   start   → one `scan` message per segment of the register;
//   scan    → a segment's persons, one line per blocking key, into `partitions` files by key;
//   group   → a partition's lines grouped by key, scored, each person's best candidate there, into files by person
//             (`deciders` of them: candidates are few, so fewer decide steps than partitions keep S3 requests down);
//   decide  → each person's best candidate overall, applied: merged into it, or put on the agency's review list;
//   issue, report → in a stage that issues numbers, a number for each person the pass left without one, and each
//             batch's `issued-ids.csv` (shared/ingest/link-pass-issue.ts).
// The step that completes a stage sends the next stage's messages (the pass item records every step); one pass runs
// at a time. Every step can be repeated: files are rewritten whole, merges and review items are idempotent.
import * as z from 'zod/mini';
import type { PersonKeyer } from '#domain/person-keyer.ts';
import { passKeys, personKeys } from '../keys.ts';
import {
  bestInPartition,
  bestOverall,
  type PassCandidate,
  type PassLine,
  partitionOf,
  passLines,
} from '../linkage/pass.ts';
import { type DecideDone, type LinkPass, type PassStage, STAGE_DONE } from '../model/link-pass.ts';
import type { Files, HistoryWriter, LinkPasses, PassRegister } from '../model/ports.ts';
import { applyCandidate } from './link-pass-apply.ts';
import { type IssuanceDeps, issueForSegment, reportIssued } from './link-pass-issue.ts';
import type { MergeCounters } from './resolve-review.ts';

export const LinkPassMessage = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('link-start'),
    /** chosen by the sender (a scheduled rule leaves it out: the message id names the pass then) */
    // CURRENT names the item that says which pass runs (batchKeys.currentPass): no pass may take its key
    passId: z.optional(z.string().check(z.regex(/^(?!CURRENT$)[A-Za-z0-9_-]{1,64}$/))),
    segments: z.optional(z.int().check(z.positive(), z.lte(1000))),
    partitions: z.optional(z.int().check(z.positive(), z.lte(1000))),
  }),
  z.object({ kind: z.literal('link-scan'), passId: z.string(), segment: z.int().check(z.nonnegative()) }),
  z.object({ kind: z.literal('link-group'), passId: z.string(), partition: z.int().check(z.nonnegative()) }),
  z.object({ kind: z.literal('link-decide'), passId: z.string(), partition: z.int().check(z.nonnegative()) }),
  z.object({ kind: z.literal('link-issue'), passId: z.string(), segment: z.int().check(z.nonnegative()) }),
  z.object({ kind: z.literal('link-report'), passId: z.string() }),
]);
export type LinkPassMessage = z.infer<typeof LinkPassMessage>;

export interface LinkPassDeps {
  passes: LinkPasses;
  register: PassRegister;
  /** the history table: each merge's changes to both persons (issue 19) */
  history: HistoryWriter;
  files: Pick<Files, 'putLines' | 'readLines' | 'putText'>;
  send: (messages: LinkPassMessage[]) => Promise<void>;
  /** the least segments and partitions of a pass its start message does not size (more for a larger register) */
  segments: number;
  partitions: number;
  /** scan lines held in memory before they are written out as a part (bounds the scan's memory) */
  flushLines?: number;
  /** candidates a decide step applies side by side (each is a few requests that wait on DynamoDB) */
  concurrency?: number;
  /** the coverage counters a merge moves (issue 18) */
  counters?: MergeCounters;
  /** the person-key secret's keyer: a person's ID variant keys are digests under it (issue 22); none, no such keys */
  keyer?: () => Promise<Pick<PersonKeyer, 'digest'>>;
  /** set where the stage issues numbers (`issueIds`): the passes it starts end with the issue and report stages */
  issuance?: IssuanceDeps;
}

/** Candidates are few beside the scan lines: a national pass's fit in this many decide steps (docs/scale.md). */
const MAX_DECIDERS = 64;
/** How long a pass keeps the next one out: far longer than a national pass runs (docs/scale.md); a stuck one lets go. */
const PASS_HOLDS_MS = 20 * 3600_000;
/** Items one group step's scan lines stand for, sized to the link function's memory (docs/scale.md). */
const ITEMS_PER_PARTITION = 300_000;
/** Items one scan segment reads, well inside the function's timeout (docs/scale.md). */
const ITEMS_PER_SEGMENT = 1_500_000;
const MAX_SEGMENTS = 1000;

/**
 * A pass's size from the register's item count (every item counts, so it errs large): enough partitions that a
 * group step's lines fit its memory, enough segments that a scan step ends in time, never fewer than the defaults.
 */
export function passSizes(items: number, least: { segments: number; partitions: number }) {
  const partitions = Math.min(1000, Math.max(least.partitions, Math.ceil(items / ITEMS_PER_PARTITION)));
  const segments = Math.max(least.segments, Math.min(MAX_SEGMENTS, Math.ceil(items / ITEMS_PER_SEGMENT)));
  return { segments, partitions, deciders: Math.min(partitions, MAX_DECIDERS) };
}

/** What a pass did: the persons read, the candidates found, and what became of them. */
export function passSummary(pass: LinkPass) {
  const sum = <T>(values: Record<string, T>, field: keyof T) =>
    Object.values(values).reduce((total, value) => total + (value[field] as number), 0);
  return {
    passId: pass.passId,
    status: pass.status,
    startedAt: pass.startedAt,
    ...(pass.finishedAt ? { finishedAt: pass.finishedAt } : {}),
    persons: sum(pass.scanned, 'persons'),
    lines: sum(pass.grouped, 'lines'),
    candidates: sum(pass.grouped, 'candidates'),
    merged: sum(pass.decided, 'merged'),
    reviews: sum(pass.decided, 'reviews'),
    unchanged: sum(pass.decided, 'unchanged'),
    ...(pass.issues
      ? {
          issued: sum(pass.issued, 'issued'),
          waiting: sum(pass.issued, 'waiting'),
          refused: Object.values(pass.issued).reduce<Record<string, number>>((all, done) => {
            for (const [code, n] of Object.entries(done.refused)) all[code] = (all[code] ?? 0) + n;
            return all;
          }, {}),
        }
      : {}),
  };
}

/**
 * Runs one step; a start message without a pass id is refused (the handler names the pass after the message).
 * `busy`: a start while another pass runs, dropped (the night's pass and an operator's, or a repeated schedule event);
 * `finished`: the step that finished the pass (once per pass).
 */
export async function runPassStep(
  message: LinkPassMessage,
  deps: LinkPassDeps,
): Promise<'busy' | 'finished' | undefined> {
  switch (message.kind) {
    case 'link-start':
      if (!message.passId) throw new Error('a link pass needs an id');
      return startPass(message.passId, message, deps);
    case 'link-scan':
      await scanSegment(message.passId, message.segment, deps);
      return;
    case 'link-group':
      await groupPartition(message.passId, message.partition, deps);
      return;
    case 'link-decide':
      return (await decidePartition(message.passId, message.partition, deps)) ? 'finished' : undefined;
    case 'link-issue':
      await issueSegment(message.passId, message.segment, deps);
      return;
    case 'link-report':
      return (await reportPass(message.passId, deps)) ? 'finished' : undefined;
  }
}

async function startPass(
  passId: string,
  sizes: { segments?: number; partitions?: number },
  deps: LinkPassDeps,
): Promise<'busy' | undefined> {
  const now = Date.now();
  if (!(await deps.passes.takeCurrent(passId, now, now + PASS_HOLDS_MS))) return 'busy';
  // what the message leaves out comes from the register's size
  const estimated =
    sizes.segments && sizes.partitions ? deps : passSizes(await deps.register.estimateItems(), deps);
  const segments = sizes.segments ?? estimated.segments;
  const partitions = sizes.partitions ?? estimated.partitions;
  await deps.passes.create(passId, {
    segments,
    partitions,
    deciders: Math.min(partitions, MAX_DECIDERS),
    ...(deps.issuance ? { issues: true } : {}),
  });
  const pass = await requirePass(passId, deps);
  // the stored sizes: a start redelivered after a crash must send the count the pass was created with
  await sendStage(
    pass,
    'scan',
    Array.from({ length: pass.segments }, (_, segment) => ({ kind: 'link-scan', passId, segment })),
    deps,
  );
}

/**
 * Sends a stage's messages once: the step that claims the stage sends them, then marks them sent. A step that finds
 * the stage claimed but not sent (its sender failed, and this is the redelivery) sends them again; steps are
 * repeatable, so a stage sent twice costs time, never a wrong result.
 */
async function sendStage(pass: LinkPass, stage: PassStage, messages: LinkPassMessage[], deps: LinkPassDeps) {
  if (!(await deps.passes.claimStage(pass.passId, stage))) {
    const now = await requirePass(pass.passId, deps);
    if (now.sent.includes(stage)) return;
  }
  await deps.send(messages);
  await deps.passes.markSent(pass.passId, stage);
}

async function requirePass(passId: string, deps: LinkPassDeps): Promise<LinkPass> {
  const pass = await deps.passes.get(passId);
  if (!pass) throw new Error(`link pass ${passId} does not exist`);
  return pass;
}

/**
 * After a step: when it was the stage's last, the next stage's messages (sent once), or the pass is done (true for the
 * step that finished it).
 */
async function afterStep(pass: LinkPass, stage: PassStage, deps: LinkPassDeps): Promise<boolean> {
  if (Object.keys(pass[STAGE_DONE[stage]]).length < stepsOf(pass, stage)) return false;
  const next = nextStage(pass, stage);
  if (!next) return deps.passes.finish(pass.passId);
  const { passId } = pass;
  const messages = Array.from({ length: stepsOf(pass, next) }, (_, step): LinkPassMessage => {
    switch (next) {
      case 'group':
        return { kind: 'link-group', passId, partition: step };
      case 'decide':
        return { kind: 'link-decide', passId, partition: step };
      case 'issue':
        return { kind: 'link-issue', passId, segment: step };
      default:
        return { kind: 'link-report', passId };
    }
  });
  await sendStage(pass, next, messages, deps);
  return false;
}

/** How many steps a stage has: a scan and an issue step per segment, one report. */
function stepsOf(pass: LinkPass, stage: PassStage): number {
  return {
    scan: pass.segments,
    group: pass.partitions,
    decide: pass.deciders,
    issue: pass.segments,
    report: 1,
  }[stage];
}

/** The stage after `stage`; none after the last (decide, or report in a pass that issues). */
function nextStage(pass: LinkPass, stage: PassStage): PassStage | undefined {
  const stages: PassStage[] = pass.issues
    ? ['scan', 'group', 'decide', 'issue', 'report']
    : ['scan', 'group', 'decide'];
  return stages[stages.indexOf(stage) + 1];
}

async function scanSegment(passId: string, segment: number, deps: LinkPassDeps): Promise<void> {
  const pass = await requirePass(passId, deps);
  // bounds the scan's heap well inside the link function's memory (shared/resources.ts)
  const flushLines = deps.flushLines ?? 1_000_000;
  // the ID variant keys' digests (issue 22): a pass without the keyer groups by the other keys alone
  const digest = deps.keyer ? (await deps.keyer()).digest : undefined;
  let buffers: PassLine[][] = Array.from({ length: pass.partitions }, () => []);
  let held = 0;
  let parts = 0;
  let persons = 0;
  // the persons without a number, for the issue stage: read again there, after the pass has decided
  const unnumbered: string[] = [];
  // every partition gets a file per part (absent when it has no line), so a group step knows every name to read
  const flush = async () => {
    const written = buffers;
    buffers = Array.from({ length: pass.partitions }, () => []);
    held = 0;
    await Promise.all(
      written.map((lines, partition) =>
        lines.length > 0
          ? deps.files.putLines(passKeys.scan(passId, partition, segment, parts), lines)
          : Promise.resolve(),
      ),
    );
    parts++;
  };
  for await (const page of deps.register.scanPersons(segment, pass.segments)) {
    for (const person of page) {
      persons++;
      if (pass.issues && !person.record.personalId && !personKeys.isById(person.key))
        unnumbered.push(person.key);
      for (const line of passLines(person, digest)) {
        (buffers[partitionOf(line[0], pass.partitions)] as PassLine[]).push(line);
        held++;
      }
    }
    if (held >= flushLines) await flush();
  }
  if (held > 0 || parts === 0) await flush();
  if (pass.issues) await deps.files.putLines(passKeys.unnumbered(passId, segment), unnumbered);
  const done = { parts, persons, ...(pass.issues ? { unnumbered: unnumbered.length } : {}) };
  await afterStep(await deps.passes.stepDone(passId, 'scan', segment, done), 'scan', deps);
}

async function groupPartition(passId: string, partition: number, deps: LinkPassDeps): Promise<void> {
  const pass = await requirePass(passId, deps);
  const lines: PassLine[] = [];
  for (const [segment, { parts }] of Object.entries(pass.scanned)) {
    for (let part = 0; part < parts; part++) {
      // one by one: push(...lines) of a large part overflows the call stack
      const key = passKeys.scan(passId, partition, Number(segment), part);
      for (const line of await deps.files.readLines<PassLine>(key)) lines.push(line);
    }
  }
  const found = bestInPartition(lines);
  const byPerson: PassCandidate[][] = Array.from({ length: pass.deciders }, () => []);
  for (const candidate of found) byPerson[partitionOf(candidate.person, pass.deciders)]?.push(candidate);
  await Promise.all(
    byPerson.map((candidates, to) =>
      candidates.length > 0
        ? deps.files.putLines(passKeys.best(passId, to, partition), candidates)
        : Promise.resolve(),
    ),
  );
  const done = { lines: lines.length, candidates: found.length };
  await afterStep(await deps.passes.stepDone(passId, 'group', partition, done), 'group', deps);
}

async function decidePartition(passId: string, partition: number, deps: LinkPassDeps): Promise<boolean> {
  const pass = await requirePass(passId, deps);
  const found: PassCandidate[] = [];
  for (let from = 0; from < pass.partitions; from++) {
    for (const candidate of await deps.files.readLines<PassCandidate>(passKeys.best(passId, partition, from)))
      found.push(candidate);
  }
  const done: DecideDone = { merged: 0, reviews: 0, unchanged: 0 };
  const candidates = bestOverall(found);
  let next = 0;
  // two merges into one person at once are safe: each writes on the version it read, and reads again when it lost
  const worker = async () => {
    for (let i = next++; i < candidates.length; i = next++) {
      const candidate = candidates[i] as PassCandidate;
      done[await applyCandidate(passId, candidate, deps.register, deps.history, deps.counters)]++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(deps.concurrency ?? 16, candidates.length) }, worker));
  return afterStep(await deps.passes.stepDone(passId, 'decide', partition, done), 'decide', deps);
}

function issuanceOf(deps: LinkPassDeps): IssuanceDeps {
  // a pass created to issue, stepped by a function whose stage no longer does: it fails, and reaches the DLQ
  if (!deps.issuance) throw new Error('this link pass issues numbers, and this function is not set to');
  return deps.issuance;
}

async function issueSegment(passId: string, segment: number, deps: LinkPassDeps): Promise<void> {
  const issuance = issuanceOf(deps);
  const keys = await deps.files.readLines<string>(passKeys.unnumbered(passId, segment));
  const { done, batches } = await issueForSegment(passId, keys, deps.register, deps.history, issuance);
  await deps.files.putLines(passKeys.issuedBatches(passId, segment), batches);
  await afterStep(await deps.passes.stepDone(passId, 'issue', segment, done), 'issue', deps);
}

async function reportPass(passId: string, deps: LinkPassDeps): Promise<boolean> {
  const issuance = issuanceOf(deps);
  const pass = await requirePass(passId, deps);
  const batches = new Set<string>();
  for (let segment = 0; segment < pass.segments; segment++) {
    for (const batchId of await deps.files.readLines<string>(passKeys.issuedBatches(passId, segment)))
      batches.add(batchId);
  }
  const written = await reportIssued([...batches], { ...issuance, files: deps.files });
  return afterStep(await deps.passes.stepDone(passId, 'report', 0, { batches: written }), 'report', deps);
}
