// A registered birth into the register (issue 20, docs/ids.md): a number for the child from the allocator, the
// child's person keyed by that number, linked to the parents the register holds by the IDs the event gives, and the
// registration kept for its agency. Every step is idempotent, so a redelivered event, or one retried after a crash
// between any two steps, ends as one: the allocator keeps one number per registration, the person is created once,
// the registration is written the same. No AWS here: the stores come in through the ports.
import { createHash } from 'node:crypto';
import type { PersonKeyer } from '../domain/person-keyer.ts';
import type { PopulationRecord } from '../domain/record.ts';
import { idPlaceOf } from '../ids/commune-place.ts';
import { creationChange, creationKey } from '../ingest/person-history.ts';
import { personKeys } from '../keys.ts';
import type { BirthRegistration, Births, IdAllocator, ParentLink } from '../model/ids.ts';
import type { HistoryWriter, Register } from '../model/ports.ts';
import { type BirthEvent, birthRecord, vintageOfBirth } from './birth-event.ts';

export interface BirthDeps {
  allocator: IdAllocator;
  register: Pick<Register, 'createPerson' | 'getPerson'>;
  /** the history table: the child's creation (issue 19) */
  history: HistoryWriter;
  /** who sent the event: the sender's principal (SQS `SenderId`), as the child's history names its maker */
  sender?: string;
  keyer: PersonKeyer;
  births: Births;
  /** whether the registering agency is held and may act */
  agencyActive: (code: string) => Promise<boolean>;
  now?: () => Date;
}

/** A failure that no retry mends, with its code: the event goes to the dead-letter queue after its tries. */
export class BirthRefused extends Error {
  constructor(
    readonly code:
      | 'BIRTH_AGENCY_UNKNOWN'
      /** the sender's role may not send for the registering agency (EVENT_SENDERS) */
      | 'BIRTH_SENDER_REFUSED'
      | 'ID_PLACE_UNKNOWN'
      | 'ID_PLACE_UNSETTLED'
      | 'ID_YEAR_UNSUPPORTED'
      | 'ID_PREFIX_FULL',
    readonly prefix?: string,
  ) {
    super(code);
  }
}

/**
 * The row tag a birth's entries carry in the register (`birth-{digest}#1`): a registration id may hold characters a
 * batch id may not, and the tag must name the registration alone.
 */
export function birthOrigin(event: BirthEvent) {
  const digest = createHash('sha256').update(event.registrationId).digest('base64url').slice(0, 21);
  return { batchId: `b${digest}`, row: 1, agencyCode: event.registeringAgency };
}

async function parentOf(
  deps: BirthDeps,
  parent: BirthEvent['mother'],
): Promise<{ link: ParentLink; record?: PopulationRecord }> {
  if (!parent?.personalId) return { link: 'notGiven' };
  let key = deps.keyer.seal(personKeys.identityById(parent.personalId));
  // a key merged into another person is that person now
  for (let hops = 0; hops < 4; hops++) {
    const held = await deps.register.getPerson(key);
    if (!held) return { link: 'notFound' };
    if (!held.mergedInto) return { link: 'linked', record: held.record };
    key = held.mergedInto;
  }
  return { link: 'notFound' };
}

export async function registerBirth(event: BirthEvent, deps: BirthDeps): Promise<BirthRegistration> {
  const now = deps.now ?? (() => new Date());
  const done = await deps.births.get(event.registrationId);
  if (done) return done;
  if (!(await deps.agencyActive(event.registeringAgency))) throw new BirthRefused('BIRTH_AGENCY_UNKNOWN');
  const { child } = event;
  const place = idPlaceOf(vintageOfBirth(child.dateOfBirth), child.birthRegistrationCommune);
  if ('problem' in place) throw new BirthRefused(place.problem);
  const issued = await deps.allocator.issue({
    purpose: { kind: 'birth', registrationId: event.registrationId },
    placeCode: place.placeCode,
    sex: child.sex,
    birthYear: Number(child.dateOfBirth.slice(0, 4)),
    issuedFor: event.registeringAgency,
    why: `birth registration ${event.registrationId} by ${event.registeringAgency}`,
  });
  if (issued.status === 'full') throw new BirthRefused('ID_PREFIX_FULL', issued.prefix);
  if (issued.status === 'refused') throw new BirthRefused(issued.code);
  const [mother, father] = await Promise.all([parentOf(deps, event.mother), parentOf(deps, event.father)]);
  const { record, missing } = birthRecord(event, issued.record.number, mother.record);
  const personKey = deps.keyer.seal(personKeys.identityById(issued.record.number));
  const origin = birthOrigin(event);
  // the person first, naming its creation's history item, then the item (issue 19, person-history.ts); false when a
  // delivery before this one created it, which may have died before the item: it is put again, the same key
  await deps.register.createPerson(personKey, record, origin, 'new', {
    lastChange: creationKey(personKey, origin),
  });
  await deps.history.put({
    ...creationChange(personKey, origin, record, 'birth registration'),
    by: { kind: 'machine', id: deps.sender ?? 'unknown' },
  });
  const birth: BirthRegistration = {
    registrationId: event.registrationId,
    registeringAgency: event.registeringAgency,
    number: issued.record.number,
    personKey,
    missing,
    parents: { mother: mother.link, father: father.link },
    occurredAt: event.occurredAt,
    registeredAt: now().toISOString(),
  };
  await deps.births.put(birth);
  return birth;
}
