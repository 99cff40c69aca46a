// The citizen page in headless Chromium against a local stack: a known code with its birth year, a wrong year and
// an unknown code (one answer), a malformed code and year, the English switch, a phone-sized screen, and no Content-Security-Policy violation along the way.
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline } from '../../local/pipeline.ts';
import type { LocalStack } from '../../local/runtime/stack.ts';
import { quietLog, tempDir } from '../integration/harness.ts';
import { procedureEvent } from '../procedures/fixtures.ts';
import { chromiumPath, missingChromium } from './browser.ts';

const skip = missingChromium();
const CODE = '000.00.12.H21-250115-0042';
const REFUSED = '000.00.12.H21-250115-0043';
const BORN = '1990';

let stack: LocalStack;
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  if (skip) return;
  stack = await startPipeline({
    dir: await tempDir(),
    ports: { s3: 0, sqs: 0, dynamodb: 0, http: 0 },
    log: quietLog,
  });
  const sqs = new SQSClient({
    endpoint: stack.endpoints.sqs,
    region: stack.names.region,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  const events = [
    procedureEvent(1, 2, {
      applicationCode: CODE,
      receivedAt: '2025-01-15T08:00:00+07:00',
      dueAt: '2025-01-22T17:00:00+07:00',
      applicant: { fullName: 'Nguyễn Văn An', personalId: '064090123456', birthYear: 1990 },
    }),
    procedureEvent(2, 4, { applicationCode: CODE }),
    procedureEvent(3, 5, { applicationCode: CODE, note: 'Bổ sung bản sao giấy khai sinh' }),
    procedureEvent(1, 1, {
      applicationCode: REFUSED,
      applicant: { fullName: 'Trần Thị Bình', birthYear: 1990 },
    }),
    procedureEvent(2, 3, { applicationCode: REFUSED, note: 'Hồ sơ không thuộc thẩm quyền' }),
  ];
  await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: stack.names.queues.procedureEvents.url,
      Entries: events.map((event, i) => ({ Id: String(i), MessageBody: JSON.stringify(event) })),
    }),
  );
  sqs.destroy();
  const applied = async (code: string, events: number) => {
    const answer = await fetch(`${stack.http}/applications/${code}`, {
      headers: { 'x-dancu-birth-year': BORN },
    });
    return (
      answer.status === 200 && ((await answer.json()) as { history: unknown[] }).history.length === events
    );
  };
  for (let tries = 0; ; tries++) {
    if ((await applied(CODE, 3)) && (await applied(REFUSED, 2))) break;
    if (tries > 300) throw new Error('the events were not applied');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    // root in CI: Chromium's sandbox needs user namespaces it may not have there
    args: ['--no-sandbox'],
  });
  page = await browser.newPage({ viewport: { width: 360, height: 740 }, locale: 'vi-VN' });
  page.on('console', (message) => {
    // a 404 or 400 answer is logged by Chromium as a failed resource: those are the answers under test
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(message.text());
    }
  });
  page.on('pageerror', (error) => problems.push(error.message));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function lookUp(code: string, birthYear = BORN): Promise<void> {
  await page.getByLabel(/Mã hồ sơ|Application code/).fill(code);
  await page.getByLabel(/Năm sinh|year of birth/).fill(birthYear);
  await page.getByRole('button', { name: /Tra cứu|Look up/ }).click();
}

describe.skipIf(Boolean(skip))('the citizen page in Chromium', () => {
  it('is in Vietnamese with a labelled field, and fits a phone screen', async () => {
    await page.goto(`${stack.http}/`);
    expect(await page.getAttribute('html', 'lang')).toBe('vi');
    await expect(page.getByLabel('Mã hồ sơ').isVisible()).resolves.toBe(true);
    await expect(page.getByLabel('Năm sinh của người nộp hồ sơ').isVisible()).resolves.toBe(true);
    expect(await page.locator('#result').getAttribute('aria-live')).toBe('polite');
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
  });

  it('shows a known application: status, masked name, due date, overdue, timeline newest first', async () => {
    await lookUp(CODE.toLowerCase());
    const result = page.locator('#result');
    await result.locator('.status').waitFor();
    expect(await result.locator('h2').textContent()).toBe(CODE);
    expect(await result.locator('.status').textContent()).toBe('Yêu cầu bổ sung giấy tờ');
    expect(await result.locator('.status').getAttribute('class')).toBe('status badge badge--needs-citizen');
    expect(await result.locator('.status svg').getAttribute('aria-hidden')).toBe('true');
    expect(await result.locator('.overdue').textContent()).toBe('Quá hạn');
    const text = (await result.textContent()) ?? '';
    expect(text).toContain('N*** V*** A***');
    expect(text).toContain('22 thg 1, 2025');
    expect(text).not.toMatch(/Nguyễn Văn An|064090123456/);
    const timeline = await result.locator('ol.timeline li').allTextContents();
    expect(timeline).toHaveLength(3);
    expect(timeline[0]).toContain('Yêu cầu bổ sung giấy tờ');
    expect(timeline[0]).toContain('Bổ sung bản sao giấy khai sinh');
    expect(timeline[2]).toContain('Được tiếp nhận');
    const kinds = await result
      .locator('ol.timeline li')
      .evaluateAll((items) => items.map((li) => li.className));
    expect(kinds).toEqual(['timeline--needs-citizen', 'timeline--in-progress', 'timeline--in-progress']);
    expect(new URL(page.url()).searchParams.get('code')).toBe(CODE.toLowerCase());
  });

  it('switches to English and back', async () => {
    await page.getByRole('button', { name: 'Switch to English' }).click();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.locator('#result .status').textContent()).toBe('Supplement requested');
    expect(await page.locator('#result .overdue').textContent()).toBe('Overdue');
    await expect(page.getByLabel('Application code').isVisible()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Chuyển sang tiếng Việt' }).click();
    expect(await page.getAttribute('html', 'lang')).toBe('vi');
  });

  it('shows a refused application in a badge of its own, not the in-progress or done one', async () => {
    await lookUp(REFUSED);
    const badge = page.locator('#result .status');
    await badge.getByText('Không được tiếp nhận').waitFor();
    expect(await badge.getAttribute('class')).toBe('status badge badge--refused');
    await expect(page.getByText('Không được tiếp nhận', { exact: true }).first().isVisible()).resolves.toBe(
      true,
    );
    // what a screen reader reads: the label alone, the icon hidden
    const snapshot = await page.locator('#result p').first().ariaSnapshot();
    expect(snapshot).toContain('Không được tiếp nhận');
    expect(snapshot).not.toMatch(/img|svg/);
    const colours = await page.evaluate<string[]>(
      "(s => [s.color, s.backgroundColor])(getComputedStyle(document.querySelector('#result .status')))",
    );
    expect(colours).toEqual(['rgb(143, 15, 34)', 'rgb(253, 236, 238)']);
  });

  it('says an unknown code is not found', async () => {
    await lookUp('G09.20-20260609-0092637');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.locator('h2').textContent()).toBe('Không tìm thấy hồ sơ');
    expect(await alert.textContent()).toContain('APPLICATION_NOT_FOUND');
  });

  it('says a wrong birth year exactly what it says an unknown code', async () => {
    const alertOf = async (code: string, year: string) => {
      await lookUp(code, year);
      const alert = page.getByRole('alert');
      await alert.getByText('APPLICATION_NOT_FOUND').waitFor();
      const text = await alert.textContent();
      await page.locator('#result').evaluate((node) => node.replaceChildren());
      return text;
    };
    const wrongYear = await alertOf(CODE, '1991');
    expect(wrongYear).toContain('Không tìm thấy hồ sơ');
    expect(await alertOf('G09.20-20260609-0092637', BORN)).toBe(wrongYear);
  });

  it('says a malformed birth year is malformed', async () => {
    await lookUp(CODE, '19x0');
    await page.getByRole('alert').getByText('Năm sinh không đúng định dạng').first().waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('APPLICATION_BIRTH_YEAR_INVALID');
  });

  it('says a malformed code is malformed', async () => {
    await lookUp('abc');
    await page.getByRole('alert').getByText('Mã hồ sơ không đúng định dạng').first().waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('APPLICATION_CODE_INVALID');
  });

  it('opens a lookup link (?code=) with the code filled in, asks for the year, which stays out of the URL', async () => {
    await page.goto(`${stack.http}/?code=${encodeURIComponent(CODE)}`);
    expect(await page.inputValue('#code')).toBe(CODE);
    expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe('birth-year');
    await page.keyboard.type(BORN);
    await page.keyboard.press('Enter');
    await page.locator('#result .status').waitFor();
    expect(page.url()).not.toContain(BORN);
  });

  it('ran without script errors or Content-Security-Policy violations', () => {
    expect(problems).toEqual([]);
  });
});
