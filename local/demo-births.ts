// The births demo of `npm start` (issue 20): a few registered births sent as the civil-registration system would send
// them (events to the births queue, for the province's justice department), then the number issued to each child
// printed. Synthetic: the registration ids, names and dates are made up (dates relative to today).
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { BirthEvent } from '../shared/births/birth-event.ts';
import { childrenOf } from '../shared/domain/units.ts';
import type { BirthRegistration } from '../shared/model/ids.ts';
import { LOCAL_CREDENTIALS } from './runtime/account.ts';

const DAY = 24 * 3600 * 1000;
const AGENCY = 'STP-GIALAI';
const CHILDREN = [
  { fullName: 'Nguyễn Minh Khôi', sex: 'male', daysAgo: 3 },
  { fullName: 'Trần Ngọc Hân', sex: 'female', daysAgo: 5 },
  { fullName: 'Rơ Châm Hiếu', sex: 'male', daysAgo: 8, ethnicity: 'Gia Rai' },
] as const;

/** The demo's birth events: children registered in communes of 2025 Gia Lai (52). */
export function demoBirths(now = new Date()): BirthEvent[] {
  const communes = childrenOf(2025, '52').filter((unit) => unit.level === 'commune');
  const year = now.getUTCFullYear();
  return CHILDREN.map((child, i) => ({
    registrationId: `KS-DEMO-${year}-${String(i + 1).padStart(4, '0')}`,
    registeringAgency: AGENCY,
    occurredAt: new Date(now.getTime() - (child.daysAgo - 1) * DAY).toISOString(),
    child: {
      fullName: child.fullName,
      dateOfBirth: new Date(now.getTime() - child.daysAgo * DAY).toISOString().slice(0, 10),
      sex: child.sex,
      birthRegistrationCommune: communes[i * 7]?.code ?? '23650',
      ethnicity: 'ethnicity' in child ? child.ethnicity : 'Kinh',
      nationality: 'VN',
    },
    mother: { fullName: 'Người mẹ (demo)' },
  }));
}

export async function sendDemoBirths(
  endpoint: string,
  queueUrl: string,
  region: string,
): Promise<BirthEvent[]> {
  const sqs = new SQSClient({ endpoint, region, credentials: LOCAL_CREDENTIALS });
  const births = demoBirths();
  await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: births.map((birth, i) => ({ Id: String(i), MessageBody: JSON.stringify(birth) })),
    }),
  );
  sqs.destroy();
  return births;
}

/** Waits for the births' registrations (`get`: the births store), up to `timeoutMs`. */
export async function waitForDemoBirths(
  get: (registrationId: string) => Promise<BirthRegistration | undefined>,
  births: readonly BirthEvent[],
  timeoutMs = 30_000,
): Promise<(BirthRegistration | undefined)[]> {
  const started = Date.now();
  for (;;) {
    const found = await Promise.all(births.map((birth) => get(birth.registrationId)));
    if (found.every(Boolean) || Date.now() - started > timeoutMs) return found;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
