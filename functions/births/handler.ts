// Birth-registrations queue → births (issue 20, docs/ids.md): each message is one registered birth from the
// civil-registration system. Its sender must be one the stage lets send for the registering agency (EVENT_SENDERS,
// as for procedure events); the event is checked, the child issued a number and registered, its parents linked. A
// malformed or refused event fails its record alone with its code in the log (never a name or an ID): SQS tries it
// maxReceiveCount times, then the dead-letter queue, whose alarm fires; a full prefix is also a metric of its own.
import type { SQSRecord } from 'aws-lambda';
import { env } from '../../shared/aws/env.ts';
import { personKeyerFromEnvironment } from '../../shared/aws/person-key-secret.ts';
import { BirthEventError, parseBirthEvent } from '../../shared/births/birth-event.ts';
import { type BirthDeps, BirthRefused, registerBirth } from '../../shared/births/register-birth.ts';
import type { PersonKeyer } from '../../shared/domain/person-keyer.ts';
import { createAllocator, heldInRegister } from '../../shared/ids/allocator.ts';
import { type EventSenders, maySendFor, parseEventSenders } from '../../shared/procedures/event-sender.ts';
import { cachedAgencies } from '../../shared/store/agency-reads.ts';
import { HistoryStore } from '../../shared/store/history-store.ts';
import { BirthStore, IdStore } from '../../shared/store/id-store.ts';
import { RegisterStore } from '../../shared/store/register-store.ts';
import { logger } from '../commons/logger.ts';
import { recordIdPrefixFull } from '../commons/observability.ts';
import { queueConsumer } from '../commons/queue-consumer.ts';

/** What registering a birth needs, the keyer read once per container. */
export interface BirthsHandlerDeps {
  deps: (keyer: PersonKeyer) => BirthDeps;
  keyer: () => Promise<PersonKeyer>;
  senders: () => EventSenders;
  now?: () => Date;
}

const deliveryOf = (record: SQSRecord) => ({
  messageId: record.messageId,
  receiveCount: record.attributes.ApproximateReceiveCount,
});

export function birthsHandler(options: BirthsHandlerDeps) {
  const now = options.now ?? (() => new Date());
  async function handle(record: SQSRecord): Promise<void> {
    const event = parseBirthEvent(record.body, now());
    if (!maySendFor(options.senders(), record.attributes.SenderId, event.registeringAgency)) {
      throw new BirthRefused('BIRTH_SENDER_REFUSED');
    }
    const birth = await registerBirth(event, {
      ...options.deps(await options.keyer()),
      sender: record.attributes.SenderId,
    });
    // the registration id and the agency identify the birth; the child's name and number are never logged
    logger.info('birth registered', {
      ...deliveryOf(record),
      registrationId: event.registrationId,
      registeringAgency: event.registeringAgency,
      missing: birth.missing,
      parents: birth.parents,
    });
  }
  return queueConsumer({
    queue: 'births',
    parse: (record) => record,
    handle,
    failure: (record, error) => {
      if (error instanceof BirthEventError || error instanceof BirthRefused) {
        if (error instanceof BirthRefused && error.code === 'ID_PREFIX_FULL')
          recordIdPrefixFull(error.prefix ?? '');
        logger.warn(error.code, {
          ...deliveryOf(record),
          senderId: record.attributes.SenderId,
          ...(error instanceof BirthEventError ? { fields: error.fields } : { prefix: error.prefix }),
        });
      } else {
        logger.error('birth registration failed', { ...deliveryOf(record), error: (error as Error).name });
      }
    },
  });
}

let senders: EventSenders | undefined;
const register = new RegisterStore(env('REGISTER_TABLE'));
// the child's creation, each item kept the stage's `retention.historyDays`
const history = new HistoryStore(env('HISTORY_TABLE'), Number(env('HISTORY_DAYS')));
const ids = new IdStore(env('IDS_TABLE'));
const births = new BirthStore(env('IDS_TABLE'));
const agencies = cachedAgencies(env('AGENCIES_TABLE'));
export const handler = birthsHandler({
  keyer: personKeyerFromEnvironment(),
  senders: () => {
    senders ??= parseEventSenders(env('EVENT_SENDERS'));
    return senders;
  },
  deps: (keyer) => ({
    allocator: createAllocator({
      counters: ids,
      issued: ids,
      // a number the register holds already (issued before dancu, by another authority) is skipped
      held: heldInRegister(register, async () => keyer),
      issuedBy: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'dancu-births',
      spaceLimit: Number(process.env.ID_SPACE_LIMIT) || undefined,
    }),
    register,
    history,
    keyer,
    births,
    agencyActive: async (code) => (await agencies.get(code))?.active === true,
  }),
});
