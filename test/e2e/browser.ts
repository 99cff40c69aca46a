// Debian's Chromium for the end-to-end tests (`.ci/run` installs it with apt). Without it the tests skip on a
// developer's machine, with a message saying how to get it; under CI=true they fail instead.
import { existsSync } from 'node:fs';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

export const chromiumPath = CANDIDATES.find((path): path is string => Boolean(path && existsSync(path)));

export function missingChromium(): string | undefined {
  if (chromiumPath) return undefined;
  const message = 'no Chromium at /usr/bin/chromium (apt-get install -y --no-install-recommends chromium)';
  if (process.env.CI) throw new Error(`${message}: CI needs it for the end-to-end tests`);
  console.warn(`skipping the end-to-end tests: ${message}`);
  return message;
}
