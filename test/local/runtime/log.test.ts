// Which format the local stack gives the functions' lines: readable in a terminal, JSON when asked or piped.
import { describe, expect, it } from 'vitest';
import { logFormat } from '../../../local/runtime/log.ts';

describe('logFormat', () => {
  it('is text in a terminal and JSON when stdout is not one (CI, a pipe)', () => {
    expect(logFormat([], {}, true)).toBe('text');
    expect(logFormat([], {}, false)).toBe('json');
  });

  it('is JSON with --json-logs, even in a terminal and whatever the environment asks', () => {
    expect(logFormat(['--json-logs'], {}, true)).toBe('json');
    expect(logFormat(['--json-logs'], { DANCU_LOG_FORMAT: 'text' }, true)).toBe('json');
  });

  it('follows DANCU_LOG_FORMAT when it names a format, and ignores any other value', () => {
    expect(logFormat([], { DANCU_LOG_FORMAT: 'json' }, true)).toBe('json');
    expect(logFormat([], { DANCU_LOG_FORMAT: 'text' }, false)).toBe('text');
    expect(logFormat([], { DANCU_LOG_FORMAT: 'pretty' }, true)).toBe('text');
  });
});
