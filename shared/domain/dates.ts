// Calendar dates as forms write them: ISO YYYY-MM-DD, or day first D/M/YYYY (one or two digits; / . or -).

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const DAY_FIRST = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
  /** YYYY-MM-DD */
  iso: string;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** A real calendar date, or undefined for an unparseable or impossible one (31/02, 2020-13-01). */
export function parseCalendarDate(value: string): CalendarDate | undefined {
  let year: number;
  let month: number;
  let day: number;
  const iso = ISO.exec(value);
  if (iso) {
    year = Number(iso[1]);
    month = Number(iso[2]);
    day = Number(iso[3]);
  } else {
    const dayFirst = DAY_FIRST.exec(value);
    if (!dayFirst) return undefined;
    day = Number(dayFirst[1]);
    month = Number(dayFirst[2]);
    year = Number(dayFirst[3]);
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return {
    year,
    month,
    day,
    iso: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
  };
}

/** Today's date in Viet Nam (UTC+7, no daylight saving), as YYYY-MM-DD. */
export function todayInVietnam(now: Date = new Date()): string {
  return new Date(now.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
}
