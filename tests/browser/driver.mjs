// The browser side of the operator page's tests (tests/e2e/test_page*.py):
// Debian's chromium driven by playwright-core, one fresh profile per run.
// Reads one JSON request a line on standard input,
//   {"step": "device", "base": "http://127.0.0.1:PORT/", "args": {...}}
// runs that step of steps.mjs ("open" starts a new tab, with an empty
// sessionStorage; the other steps act in it) and answers one JSON line on
// standard output, {"ok": true, "result": ...} or {"ok": false, "error": "..."}.
// Closes the browser at the end of its input.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';
import { steps } from './steps.mjs';

const CHROMIUM = process.env.FALCONIERI_CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic',
  '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

function answer(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

async function main() {
  const profile = mkdtempSync(join(tmpdir(), 'falconieri-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: ARGS,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
  });
  const session = { context: browser, page: null, problems: [] };
  const lines = createInterface({ input: process.stdin });
  try {
    for await (const line of lines) {
      if (!line.trim()) continue;
      const req = JSON.parse(line);
      const run = steps[req.step];
      if (!run) {
        answer({ ok: false, error: 'no step ' + req.step });
        continue;
      }
      try {
        const result = await run(session, req.base, req.args || {});
        answer({ ok: true, result: result === undefined ? null : result });
      } catch (e) {
        answer({ ok: false, error: String(e && e.stack || e) });
      }
    }
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack || e) + '\n');
  process.exit(1);
});
