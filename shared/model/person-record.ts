// How a person's record is stored compactly: in one attribute of the register, and on the lines of chunk files.
// No SDK here: tests and tools read it too.
import { inflateRawSync } from 'node:zlib';
import { type PopulationRecord, RECORD_KEYS } from '#domain/record.ts';

// A person's record is stored as the JSON array of its values in RECORD_KEYS order, trailing empties left out:
// without the field names a person item stays under the 1 KB of one write unit, at a fraction of the CPU that
// deflating would cost on the register's critical path (docs/benchmarks.md). New fields go at the end of the schema,
// so values stored before them still line up (test/model/person-record.test.ts pins the order).
export function packRecord(record: PopulationRecord): string {
  return JSON.stringify(recordValues(record));
}

export function unpackRecord(packed: string | Uint8Array): PopulationRecord {
  // records written before this format were deflated JSON objects
  if (typeof packed !== 'string') return JSON.parse(inflateRawSync(packed).toString('utf8'));
  return recordFromValues(JSON.parse(packed));
}

/** The record's values in RECORD_KEYS order, null where absent, trailing nulls left out. */
export function recordValues(record: PopulationRecord): unknown[] {
  const values: unknown[] = RECORD_KEYS.map((key) => record[key] ?? null);
  while (values.length > 0 && values.at(-1) === null) values.pop();
  return values;
}

export function recordFromValues(values: readonly unknown[]): PopulationRecord {
  const record: Record<string, unknown> = {};
  values.forEach((value, i) => {
    const key = RECORD_KEYS[i];
    if (key !== undefined && value !== null) record[key] = value;
  });
  return record as PopulationRecord;
}
