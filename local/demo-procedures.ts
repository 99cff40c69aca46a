// The procedure-status demo of `npm start`: a handful of applications in different states, sent as a one-stop-shop
// system would send them (events to the procedure-events queue, some out of order and one twice), then a lookup
// URL printed for each. Synthetic: the codes, people and dates are made up (dates relative to today).
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { ProcedureEventInput } from '../shared/procedures/event.ts';
import { LOCAL_CREDENTIALS } from './runtime/account.ts';

const DAY = 24 * 3600 * 1000;

interface DemoApplication {
  code: string;
  procedureCode: string;
  procedureName: string;
  agencyCode: string;
  agencyName: string;
  applicant: string;
  /** the applicant's birth year: the lookup's second factor, printed beside each demo link */
  birthYear: number;
  resultDelivery?: 'counter' | 'post';
  /** days from now: when it was received and when it is due */
  received: number;
  due: number;
  /** status codes in order, each a day after the one before */
  statuses: number[];
  notes?: Record<number, string>;
}

const PHUONG = { agencyCode: '000.00.12.H21', agencyName: 'UBND phường Hội Thương, Pleiku' };

export const DEMO_APPLICATIONS: DemoApplication[] = [
  {
    code: '000.00.12.H21-261120-0001',
    procedureCode: '1.012784.H21',
    procedureName: 'Đăng ký khai sinh',
    ...PHUONG,
    applicant: 'Nguyễn Văn An',
    birthYear: 1990,
    received: -3,
    due: 2,
    statuses: [1, 2, 4],
  },
  {
    code: '000.00.12.H21-261110-0002',
    procedureCode: '2.000635.000.00.00.H21',
    procedureName: 'Cấp bản sao trích lục hộ tịch',
    ...PHUONG,
    applicant: 'Trần Thị Bình',
    birthYear: 1985,
    received: -12,
    due: -2,
    statuses: [2, 4, 5],
    notes: { 5: 'Bổ sung bản sao giấy chứng nhận kết hôn' },
  },
  {
    code: 'G09.20-20261101-0092637',
    procedureCode: '1.012784.H21',
    procedureName: 'Đăng ký thường trú',
    agencyCode: 'G09.20',
    agencyName: 'Công an tỉnh Gia Lai',
    applicant: 'Rơ Châm Hiếu',
    birthYear: 1978,
    received: -20,
    due: 5,
    statuses: [1, 2, 4, 6],
    notes: { 6: 'Nộp lệ phí đăng ký cư trú' },
  },
  {
    code: '000.00.12.H21-261028-0003',
    procedureCode: '2.000635.000.00.00.H21',
    procedureName: 'Đăng ký kết hôn',
    ...PHUONG,
    applicant: 'Lê Hoàng Nam',
    birthYear: 1995,
    resultDelivery: 'post',
    received: -30,
    due: -25,
    statuses: [2, 4, 9, 10],
  },
  {
    code: '000.00.12.H21-261125-0004',
    procedureCode: '1.012784.H21',
    procedureName: 'Đăng ký khai tử',
    ...PHUONG,
    applicant: 'Phạm Thị Đào',
    birthYear: 1962,
    received: -1,
    due: 4,
    statuses: [1, 3],
    notes: { 3: 'Hồ sơ không thuộc thẩm quyền của phường' },
  },
];

/** Each application's events, its highest sequence first and its first event twice (as SQS may deliver). */
/** One line per demo application: its procedure, the birth year to type, and its citizen page. */
export function lookupLinks(http: string): string[] {
  return DEMO_APPLICATIONS.map(
    (app) =>
      `  ${app.procedureName.padEnd(30)} năm sinh / birth year ${app.birthYear}  ${http}/?code=${encodeURIComponent(app.code)}`,
  );
}

export function demoEvents(now = Date.now()): ProcedureEventInput[] {
  return DEMO_APPLICATIONS.flatMap((app) => {
    const events = app.statuses.map(
      (status, i): ProcedureEventInput => ({
        applicationCode: app.code,
        procedureCode: app.procedureCode,
        procedureName: app.procedureName,
        agencyCode: app.agencyCode,
        agencyName: app.agencyName,
        status,
        sequence: i + 1,
        occurredAt: new Date(now + (app.received + i) * DAY).toISOString(),
        ...(i === 0
          ? {
              receivedAt: new Date(now + app.received * DAY).toISOString(),
              dueAt: new Date(now + app.due * DAY).toISOString(),
              applicant: { fullName: app.applicant, birthYear: app.birthYear },
              ...(app.resultDelivery ? { resultDelivery: app.resultDelivery } : {}),
            }
          : {}),
        ...(app.notes?.[status] ? { note: app.notes[status] } : {}),
      }),
    );
    const first = events[0];
    return [...events.reverse(), ...(first ? [first] : [])];
  });
}

export async function sendDemoApplications(sqsEndpoint: string, queueUrl: string, region: string) {
  const sqs = new SQSClient({ endpoint: sqsEndpoint, region, credentials: { ...LOCAL_CREDENTIALS } });
  try {
    const events = demoEvents();
    for (let i = 0; i < events.length; i += 10) {
      const Entries = events
        .slice(i, i + 10)
        .map((event, n) => ({ Id: String(n), MessageBody: JSON.stringify(event) }));
      await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries }));
    }
    return events.length;
  } finally {
    sqs.destroy();
  }
}

/** Waits until every demo application answers with all its events applied. */
export async function waitForDemoApplications(http: string, timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(DEMO_APPLICATIONS);
  while (pending.size > 0 && Date.now() < deadline) {
    for (const app of pending) {
      const answer = await fetch(`${http}/applications/${encodeURIComponent(app.code)}`, {
        headers: { 'x-dancu-birth-year': String(app.birthYear) },
      });
      if (answer.status !== 200) continue;
      const { history } = (await answer.json()) as { history: unknown[] };
      if (history.length === app.statuses.length) pending.delete(app);
    }
    if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return pending.size === 0;
}
