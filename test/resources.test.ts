import { describe, expect, it } from 'vitest';
import {
  DEAD_LETTER_WATCH,
  FUNCTIONS,
  functionEnvironment,
  HTTP_FUNCTIONS,
  queueUrlVariable,
} from '../shared/resources.ts';

describe('shared/resources.ts', () => {
  it('names the variable of each queue’s URL, as infra, the local stack and `send` read it', () => {
    expect(
      (['intake', 'records', 'finalize', 'procedureEvents', 'linkPass'] as const).map(queueUrlVariable),
    ).toEqual([
      'INTAKE_QUEUE_URL',
      'RECORDS_QUEUE_URL',
      'FINALIZE_QUEUE_URL',
      'PROCEDURE_EVENTS_QUEUE_URL',
      'LINK_PASS_QUEUE_URL',
    ]);
  });

  it('gives a function its resources, the URL of each queue it sends to, then its settings', () => {
    expect(Object.keys(functionEnvironment(FUNCTIONS.split))).toEqual([
      'BATCHES_BUCKET',
      'BATCHES_TABLE',
      'AGENCIES_TABLE',
      'RECORDS_QUEUE_URL',
      'INTAKE_QUEUE_URL',
      'FINALIZE_QUEUE_URL',
    ]);
    expect(functionEnvironment(FUNCTIONS.register)).toEqual({
      BATCHES_BUCKET: { bucket: 'batches' },
      BATCHES_TABLE: { table: 'batches' },
      REGISTER_TABLE: { table: 'register' },
      HISTORY_TABLE: { table: 'history' },
      PERSON_KEY_SECRET: { secret: 'personKey' },
      RECORDS_QUEUE_URL: { queueUrl: 'records' },
      FINALIZE_QUEUE_URL: { queueUrl: 'finalize' },
      LINKAGE: { value: 'on' },
      KEEP_REJECTED_DAYS: { value: '30' },
      HISTORY_DAYS: { value: '3653' },
    });
    expect(Object.keys(functionEnvironment(FUNCTIONS.link))).toEqual([
      'BATCHES_BUCKET',
      'BATCHES_TABLE',
      'REGISTER_TABLE',
      'HISTORY_TABLE',
      'PERSON_KEY_SECRET',
      'IDS_TABLE',
      'LINK_PASS_QUEUE_URL',
      'LINK_SEGMENTS',
      'LINK_PARTITIONS',
      'HISTORY_DAYS',
      'ISSUE_IDS',
      'ID_SPACE_LIMIT',
    ]);
    // the watched dead-letter queues' URLs are the stacks' to add (DEAD_LETTER_WATCH)
    expect(functionEnvironment(FUNCTIONS.watch)).toEqual({
      BATCHES_BUCKET: { bucket: 'batches' },
      BATCHES_TABLE: { table: 'batches' },
    });
    expect(functionEnvironment(HTTP_FUNCTIONS.lookup)).toEqual({
      APPLICATIONS_TABLE: { table: 'applications' },
    });
  });

  it('names the person-key secret to the functions that seal person keys (the register; finalize, a rejected row’s ID; link, an ID’s variant keys; births, the child’s and parents’), and to no other', () => {
    const named = [...Object.values(FUNCTIONS), ...Object.values(HTTP_FUNCTIONS)]
      .filter((spec) => 'PERSON_KEY_SECRET' in functionEnvironment(spec))
      .map((spec) => spec.id);
    expect(named).toEqual(['register', 'finalize', 'link', 'births']);
    for (const id of named) {
      expect(functionEnvironment(FUNCTIONS[id as keyof typeof FUNCTIONS]).PERSON_KEY_SECRET).toEqual({
        secret: 'personKey',
      });
    }
  });

  it('runs the dead-letter watch in a function of its own, on its own queue, which it does not watch', () => {
    expect(DEAD_LETTER_WATCH.function).toBe('watch');
    expect(FUNCTIONS.watch.source.queue).toBe('watch');
    expect(DEAD_LETTER_WATCH.queues).toEqual(['intake', 'records', 'finalize']);
  });
});
