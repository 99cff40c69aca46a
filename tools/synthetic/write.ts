// Streams a synthetic batch (and its ground truth) to writable streams with backpressure, a megabyte at a time,
// never holding the file in memory; or builds a small batch in memory for tests.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { BatchEncoder, ByteBuffer, type EncodeOptions, TRUTH_CSV_HEADER, truthCsvLine } from './encode.ts';
import { type GeneratorOptions, generateRows, type RowTruth } from './generator.ts';

export interface BatchOptions extends GeneratorOptions, EncodeOptions {}

export interface GenerationSummary {
  rows: number;
  /** bytes of batch text written (UTF-8, before any compression) */
  bytes: number;
  /** expected outcomes */
  outcomes: Record<RowTruth['outcome'], number>;
  /** expected row codes */
  codes: Record<string, number>;
  /** distinct persons the rows are about */
  persons: number;
}

const CHUNK_BYTES = 1 << 20;

class Tally {
  rows = 0;
  bytes = 0;
  persons = 0;
  readonly outcomes: GenerationSummary['outcomes'] = {
    new: 0,
    duplicate: 0,
    updated: 0,
    conflict: 0,
    rejected: 0,
  };
  readonly codes: Record<string, number> = {};

  add(truth: RowTruth): void {
    this.rows += 1;
    this.outcomes[truth.outcome] += 1;
    if (truth.person > this.persons) this.persons = truth.person;
    for (const code of truth.codes) this.codes[code] = (this.codes[code] ?? 0) + 1;
  }

  summary(): GenerationSummary {
    return {
      rows: this.rows,
      bytes: this.bytes,
      outcomes: this.outcomes,
      codes: this.codes,
      persons: this.persons,
    };
  }
}

async function put(stream: Writable, chunk: string | Buffer): Promise<void> {
  if (!stream.write(chunk)) await once(stream, 'drain');
}

/**
 * Generates a batch into `out` (and its ground truth as CSV into `truth`, when given), waiting for each stream
 * to drain. The streams are left open: the caller ends them.
 */
export async function writeBatch(
  out: Writable,
  options: BatchOptions,
  truth?: Writable,
): Promise<GenerationSummary> {
  const encoder = new BatchEncoder(options, options.seed);
  const tally = new Tally();
  const bytes = new ByteBuffer();
  bytes.write(encoder.start());
  let truthText = truth ? `${TRUTH_CSV_HEADER}\n` : '';
  for (const { values, truth: rowTruth } of generateRows(options)) {
    tally.add(rowTruth);
    encoder.encodeInto(values, bytes);
    if (truth) truthText += `${truthCsvLine(rowTruth)}\n`;
    if (bytes.length >= CHUNK_BYTES) {
      tally.bytes += bytes.length;
      await put(out, bytes.take());
    }
    if (truth && truthText.length >= CHUNK_BYTES) {
      await put(truth, truthText);
      truthText = '';
    }
  }
  if (bytes.length > 0) {
    tally.bytes += bytes.length;
    await put(out, bytes.take());
  }
  if (truth && truthText) await put(truth, truthText);
  return tally.summary();
}

/** A whole batch in memory, for tests and small fixtures: its bytes, text and ground truth. */
export function buildBatch(options: BatchOptions): {
  bytes: Buffer;
  text: string;
  truth: RowTruth[];
  summary: GenerationSummary;
} {
  const encoder = new BatchEncoder(options, options.seed);
  const tally = new Tally();
  const out = new ByteBuffer(1 << 16);
  out.write(encoder.start());
  const truth: RowTruth[] = [];
  for (const { values, truth: rowTruth } of generateRows(options)) {
    tally.add(rowTruth);
    truth.push(rowTruth);
    encoder.encodeInto(values, out);
  }
  const bytes = out.take();
  tally.bytes = bytes.length;
  return { bytes, text: bytes.toString('utf8'), truth, summary: tally.summary() };
}
