import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { personIdentity } from '#domain/identity.ts';
import * as keys from '../shared/keys.ts';
import {
  applicationKeys,
  batchKeys,
  historyKeys,
  ISSUED_IDS_REPORT,
  idKeys,
  objectKeys,
  PREFIXES,
  passKeys,
  personKeys,
  REPORT_FILES,
  type ReportFile,
  registerKeys,
  reviewId,
} from '../shared/keys.ts';
import { BLOCKING_KEY_KINDS, filingKeys } from '../shared/linkage/blocking.ts';
import { TABLES } from '../shared/resources.ts';
import { keyOf } from './fakes/keyer.ts';
import { PERSON } from './fixtures/person.ts';

// table cells compared with their padding folded, so a formatter may align the columns
const page = readFileSync(new URL('../docs/data-model.md', import.meta.url), 'utf8').replace(/ {2,}/g, ' ');

/** The first cells of a table row, each value in backticks: `| \`a\` | \`b\``. */
const cells = (...values: string[]) => `| ${values.map((value) => `\`${value}\``).join(' | ')}`;

/** The page's `{name}` placeholders, passed where a key function takes a number. */
const placeholder = (name: string): number => `{${name}}` as never;
const origin = { batchId: '{batchId}', row: placeholder('row') };

describe('docs/data-model.md', () => {
  it('names every export of shared/keys.ts, and every function of its key objects', () => {
    for (const [name, value] of Object.entries(keys)) {
      const members = name.endsWith('Keys')
        ? Object.keys(value).map((member) => `${name}.${member}`)
        : [name];
      for (const member of members) expect(page, member).toContain(`\`${member}\``);
    }
  });

  it('gives every item its pk and sk as the keys module builds them', () => {
    const items: [string, { pk: string; sk: string }][] = [
      ['batchKeys.batch', batchKeys.batch('{batchId}')],
      [
        'batchKeys.chunkLease',
        batchKeys.chunkLease('{batchId}', placeholder('partition'), placeholder('seq')),
      ],
      ['batchKeys.latestUpload', batchKeys.latestUpload('{objectKey}')],
      ['batchKeys.linkPass', batchKeys.linkPass('{passId}')],
      ['batchKeys.currentPass', batchKeys.currentPass],
      ['registerKeys.person', registerKeys.person('{personKey}')],
      ['registerKeys.history', registerKeys.history('{personKey}', origin)],
      [
        'historyKeys.change',
        {
          pk: '{personKey}',
          sk: historyKeys.change('{personKey}', 1, '{change}').sk.replace(/^\d+/, '{version}'),
        },
      ],
      [
        'historyKeys.migrated',
        {
          pk: '{personKey}',
          sk: historyKeys.migrated('{personKey}', '{at}', origin).sk.replace(/^\d+/, '{version}'),
        },
      ],
      ['registerKeys.personConflict', registerKeys.personConflict('{personKey}', origin)],
      ['registerKeys.conflict', registerKeys.conflict('{agencyCode}', reviewId(origin))],
      ['registerKeys.blocking', registerKeys.blocking('{blockingKey}', '{personKey}')],
      ['registerKeys.review', registerKeys.review('{agencyCode}', reviewId(origin))],
      ['applicationKeys.state', applicationKeys.state('{applicationCode}')],
      ['idKeys.counter', idKeys.counter('{prefix}')],
      ['idKeys.issuedForBirth', idKeys.issuedForBirth('{registrationId}')],
      ['idKeys.issuedForRow', idKeys.issuedForRow('{batchId}', 7)],
      ['idKeys.birth', idKeys.birth('{registrationId}')],
    ];
    for (const [name, { pk, sk }] of items) expect(page, name).toContain(cells(pk, sk, name));

    const { gsi1pk, gsi1sk } = batchKeys.byAgency('{agencyCode}', '{startedAt}', '{batchId}');
    expect(page).toContain(cells(gsi1pk, gsi1sk, 'batchKeys.byAgency'));
  });

  it('gives the event items their keys, and the padding of their sequence', () => {
    const { pk, skPrefix } = applicationKeys.events('{applicationCode}');
    expect(page).toContain(cells(pk, `${skPrefix}{sequence}`, 'applicationKeys.event'));
    expect(page).toContain(`\`${applicationKeys.event('{applicationCode}', 7).sk}\``);
  });

  it('has a section per table, with its indexes and its TTL attribute or none', () => {
    for (const { id, indexes = [], timeToLiveAttribute } of Object.values(TABLES)) {
      const start = page.indexOf(`\n## \`${id}\` table\n`);
      expect(start, id).toBeGreaterThan(-1);
      const end = page.indexOf('\n## ', start + 1);
      const section = page.slice(start, end === -1 ? undefined : end);
      expect(section, id).toContain(
        timeToLiveAttribute ? `TTL attribute \`${timeToLiveAttribute}\`` : 'has no TTL attribute',
      );
      for (const index of indexes) {
        expect(section, index.name).toContain(`### Index \`${index.name}\``);
        expect(section, index.name).toContain(
          `partition key \`${index.partitionKey}\`, sort key \`${index.sortKey}\``,
        );
      }
    }
  });

  it('lists every prefix of the bucket', () => {
    for (const [name, prefix] of Object.entries(PREFIXES)) {
      expect(page, name).toContain(cells(prefix, `PREFIXES.${name}`));
    }
  });

  it('gives every object key and prefix as the keys module builds it', () => {
    const objects: [string, string][] = [
      ['objectKeys.upload', objectKeys.upload('{agencyCode}', '{name}')],
      ...[...REPORT_FILES, ISSUED_IDS_REPORT].map((file: ReportFile): [string, string] => [
        'objectKeys.report',
        objectKeys.report('{agencyCode}', '{name}', file),
      ]),
      ['objectKeys.chunk', objectKeys.chunk('{batchId}', placeholder('partition'), placeholder('seq'))],
      ['objectKeys.outcomes', objectKeys.outcomes('{batchId}', placeholder('partition'), placeholder('seq'))],
      ['objectKeys.rejected', objectKeys.rejected('{batchId}', placeholder('seq'))],
      [
        'passKeys.scan',
        passKeys.scan('{passId}', placeholder('partition'), placeholder('segment'), placeholder('part')),
      ],
      ['passKeys.best', passKeys.best('{passId}', placeholder('partition'), placeholder('from'))],
      ['passKeys.unnumbered', passKeys.unnumbered('{passId}', placeholder('segment'))],
      ['passKeys.issuedBatches', passKeys.issuedBatches('{passId}', placeholder('segment'))],
      ['objectKeys.referenceUpload', objectKeys.referenceUpload('{name}')],
      ['objectKeys.referenceReport', objectKeys.referenceReport('{name}')],
      ['objectKeys.uploadPrefix', objectKeys.uploadPrefix('{agencyCode}')],
      ['objectKeys.reportsPrefix', objectKeys.reportsPrefix('{agencyCode}')],
      ['objectKeys.reportPrefix', objectKeys.reportPrefix('{agencyCode}', '{name}')],
      ['objectKeys.batchReportPrefix', objectKeys.batchReportPrefix('{agencyCode}', '{name}', '{batchId}')],
      ...[...REPORT_FILES, ISSUED_IDS_REPORT].map((file: ReportFile): [string, string] => [
        'objectKeys.batchReport',
        objectKeys.batchReport(
          { batchId: '{batchId}', agencyCode: '{agencyCode}', objectKey: 'incoming/{agencyCode}/{name}' },
          file,
        ),
      ]),
    ];
    for (const [name, key] of objects) expect(page, key).toContain(cells(key, name));
  });

  it('gives the person and blocking key forms, as the domain builds them too', () => {
    const forms: [string, string][] = [
      ['personKeys.sealed', personKeys.sealed(1, 'id:{personalId}', '{mac}').replace('p1', 'p{version}')],
      ['personKeys.identityById', personKeys.identityById('{personalId}')],
      ['personKeys.identityByDigest', personKeys.identityByDigest('{digest}')],
      ['personKeys.blocking', personKeys.blocking('{kind prefix}', '{digest}')],
    ];
    for (const [name, form] of forms) expect(page, name).toContain(cells(form, name));

    // shared/domain/identity.ts and shared/linkage/blocking.ts spell these forms themselves
    expect(personIdentity({ ...PERSON, personalId: '079090001234' })).toBe(
      personKeys.identityById('079090001234'),
    );
    expect(personIdentity(PERSON)).toMatch(new RegExp(`^${personKeys.identityByDigest('')}[\\w-]{22}$`));
    expect(keyOf({ ...PERSON, personalId: '079090001234' })).toMatch(/^p1:id:[\w-]{22}$/);
    expect(keyOf(PERSON)).toMatch(/^p1:nk:[\w-]{22}$/);
    const record = { ...PERSON, motherName: 'Trần Thị Lan', fatherName: 'Nguyễn Văn Bình' };
    const filed = filingKeys(record, 'all');
    expect(filed).toHaveLength(BLOCKING_KEY_KINDS.length);
    BLOCKING_KEY_KINDS.forEach((kind, i) => {
      const [prefix = '', digest = ''] = filed[i]?.split(':') ?? [];
      expect(filed[i]).toBe(personKeys.blocking(prefix, digest));
      expect(digest).toMatch(/^[\w-]{16}$/);
      expect(page, kind).toContain(cells(kind, prefix));
    });
  });
});
