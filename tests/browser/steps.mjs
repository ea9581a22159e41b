// The steps a test of the operator page asks the browser for (driver.mjs
// runs them).  Each takes the session (the browser context and the page of
// the last `open`), the page's base URL and its arguments, acts as an
// operator would (labels, button names, the keyboard) and returns what the
// page shows, for the Python test to check against the simulators.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const WAIT = { timeout: 20000 };

function page(session) {
  if (!session.page) throw new Error('no page: run "open" first');
  return session.page;
}

const text = (p, id) => p.locator('#' + id).innerText();

// What the page shows after a step: the device result, the errors next
// to each field, the PIN, the gateway line.
async function shown(p) {
  return p.evaluate(() => {
    const t = (id) => document.getElementById(id).textContent;
    const errors = {};
    for (const f of ['token', 'provider', 'mac', 'url', 'sn', 'crc', 'device']) {
      if (t(f + '-error')) errors[f] = t(f + '-error');
    }
    return {
      gateway: t('gateway'),
      result: document.getElementById('device-result').innerText,
      errors,
      pin: document.getElementById('pin').hidden ? null : t('pin-value'),
      focused: document.activeElement ? document.activeElement.id : null,
      invalid: [...document.querySelectorAll('[aria-invalid="true"]')].map((e) => e.id),
      stored: sessionStorage.getItem('falconieri.token'),
    };
  });
}

async function idle(p, form) {
  await p.waitForFunction((id) =>
    document.getElementById(id).getAttribute('aria-busy') !== 'true', form, WAIT);
}

// A new tab on the page (an empty sessionStorage), watched for script
// errors, dialogs and CSP violations; with args.token, typed in once.
async function open(session, base, args) {
  if (session.page) await session.page.close();
  const p = await session.context.newPage();
  session.page = p;
  session.problems = [];
  p.on('pageerror', (e) => session.problems.push('pageerror: ' + e.message));
  p.on('dialog', (d) => {
    session.problems.push('dialog: ' + d.message());
    d.dismiss();
  });
  // Chromium logs every 4xx/5xx answer as "Failed to load resource": the
  // API's errors are expected here; anything else (a CSP refusal, a
  // module that does not load) is a problem.
  p.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource:')) {
      session.problems.push('console: ' + m.text());
    }
  });
  if (args.width) await p.setViewportSize({ width: args.width, height: 900 });
  await p.goto(base, { waitUntil: 'load' });
  await p.waitForFunction(() =>
    !document.getElementById('gateway').textContent.startsWith('Checking'), null, WAIT);
  if (args.token !== undefined) {
    await p.getByLabel('API token').fill(args.token);
    await p.getByRole('button', { name: 'Use token' }).click();
    await p.waitForFunction(() => {
      const g = document.getElementById('gateway').textContent;
      return g.includes('Providers:') || document.getElementById('token-error').textContent;
    }, null, WAIT);
  }
  return shown(p);
}

// Fills the device form and presses the button args.button.
async function device(session, base, args) {
  const p = page(session);
  if (args.provider) await p.getByLabel('Provider').selectOption(args.provider);
  for (const [label, key] of [['MAC address', 'mac'], ['URL', 'url'],
    ['Serial number', 'sn'], ['MAC-ID check code', 'crc']]) {
    if (args[key] !== undefined) await p.getByLabel(label, { exact: true }).fill(args[key]);
  }
  await p.getByRole('button', { name: args.button, exact: true }).click();
  await idle(p, 'device-form');
  return shown(p);
}

async function state(session) {
  return shown(page(session));
}

// Which fields show for a provider.
async function fields(session, base, args) {
  const p = page(session);
  await p.getByLabel('Provider').selectOption(args.provider);
  return {
    sn: await p.getByLabel('Serial number').isVisible(),
    crc: await p.getByLabel('MAC-ID check code').isVisible(),
  };
}

// Presses Copy PIN; answers what the clipboard then holds.
async function copyPin(session, base) {
  const p = page(session);
  await session.context.grantPermissions(['clipboard-read', 'clipboard-write'],
    { origin: new URL(base).origin });
  await p.getByRole('button', { name: 'Copy PIN' }).click();
  await p.waitForFunction(() =>
    document.getElementById('device-result').textContent.includes('copied'), null, WAIT);
  return p.evaluate(() => navigator.clipboard.readText());
}

// Whatever went wrong in the page: script errors, dialogs, CSP
// violations, injected elements, the canary the payload would set.
async function problems(session) {
  const p = page(session);
  const dom = await p.evaluate(() => ({
    imgs: document.querySelectorAll('img').length,
    canary: window.__xss === undefined ? null : String(window.__xss),
    title: document.title,
  }));
  return { problems: session.problems, ...dom };
}

// Chooses the CSV (args.csv, text) with the picker or, with args.drop,
// drops it on the drop zone; picks args.action; presses Upload batch.
async function uploadBatch(session, base, args) {
  const p = page(session);
  const name = args.name || 'phones.csv';
  if (args.drop) {
    const dt = await p.evaluateHandle(([csv, n]) => {
      const d = new DataTransfer();
      d.items.add(new File([csv], n, { type: 'text/csv' }));
      return d;
    }, [args.csv, name]);
    await p.locator('#drop').dispatchEvent('dragover', { dataTransfer: dt });
    await p.locator('#drop').dispatchEvent('drop', { dataTransfer: dt });
  } else {
    await p.getByLabel('CSV file').setInputFiles({
      name, mimeType: 'text/csv', buffer: Buffer.from(args.csv),
    });
  }
  await p.getByLabel('Action').selectOption(args.action || 'register');
  await p.getByRole('button', { name: 'Upload batch' }).click();
  await idle(p, 'batch-form');
  return batch(session);
}

// The batch panel: id, progress bar, status, errors, recent list.
async function batch(session) {
  const p = page(session);
  return p.evaluate(() => {
    const bar = document.getElementById('batch-progress');
    return {
      shown: !document.getElementById('batch').hidden,
      id: document.getElementById('batch-id').textContent,
      value: bar.value,
      max: bar.max,
      status: document.getElementById('batch-status').textContent,
      csvError: document.getElementById('csv-error').textContent,
      rows: [...document.querySelectorAll('#batch-rows li')].map((li) => li.textContent),
      error: document.getElementById('batch-error').textContent,
      recent: [...document.querySelectorAll('#batches tbody tr')].map((tr) =>
        [...tr.cells].map((c) => c.textContent)),
      cancelVisible: !document.getElementById('batch-cancel').hidden,
    };
  });
}

// Waits until the batch's status line names args.state (done, cancelled)
// or args.min devices are done.
async function waitBatch(session, base, args) {
  const p = page(session);
  await p.waitForFunction((a) => {
    const s = document.getElementById('batch-status').textContent;
    const bar = document.getElementById('batch-progress');
    if (a.state) return s.includes(', ' + a.state + ':');
    return bar.value >= a.min;
  }, args, { timeout: args.timeout || 60000 });
  return batch(session);
}

async function cancelBatch(session) {
  const p = page(session);
  await p.getByRole('button', { name: 'Cancel batch' }).click();
  await p.waitForFunction(() =>
    document.getElementById('batch-status').textContent.includes(', cancelled:'), null, WAIT);
  return batch(session);
}

// Presses Download failed devices; answers the file's name and text.
async function failedCsv(session) {
  const p = page(session);
  const [dl] = await Promise.all([
    p.waitForEvent('download', WAIT),
    p.getByRole('button', { name: 'Download failed devices' }).click(),
  ]);
  const path = await dl.path();
  return { name: dl.suggestedFilename(), text: readFileSync(path, 'utf8') };
}

// axe-core on the page as it is now: the violations of impact serious or
// critical (and the count of all of them).  DevTools' evaluation is not
// subject to the page's CSP, so axe needs no exception in it.
async function axe(session) {
  const p = page(session);
  await p.evaluate(AXE);
  const r = await p.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  }));
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  return {
    passes: r.passes.length,
    violations: r.violations.map((v) => v.id + ' (' + v.impact + ')'),
    serious: bad.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => n.target.join(' ')),
    })),
  };
}

// The page at args.width: whether anything sticks out sideways, and a
// full-page screenshot saved to args.path.
async function screenshot(session, base, args) {
  const p = page(session);
  await p.setViewportSize({ width: args.width, height: args.height || 900 });
  const size = await p.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  if (args.path) await p.screenshot({ path: args.path, fullPage: true });
  return size;
}

// Tabs from the top of the page args.presses times; answers, in order, the
// accessible name (or id) of each element that took the focus.
async function tabOrder(session, base, args) {
  const p = page(session);
  // A click on the heading (not focusable) moves the point Tab starts from
  // to the top of the page.
  await p.locator('h1').click();
  const seen = [];
  for (let i = 0; i < (args.presses || 30); i++) {
    await p.keyboard.press('Tab');
    seen.push(await p.evaluate(() => {
      const e = document.activeElement;
      if (!e || e === document.body) return null;
      const label = e.labels && e.labels.length ? e.labels[0].textContent.trim() : '';
      return label || e.getAttribute('aria-label') || e.textContent.trim() || e.id;
    }));
  }
  return seen;
}

// Presses keys (args.keys, playwright names) in the focused element.
async function keys(session, base, args) {
  const p = page(session);
  if (args.focus) await p.getByLabel(args.focus, { exact: true }).focus();
  for (const k of args.keys) {
    if (k.length === 1 || k.startsWith('type:')) await p.keyboard.type(k.replace(/^type:/, ''));
    else await p.keyboard.press(k);
  }
  await idle(p, 'device-form');
  return shown(p);
}

// The response headers of the page's files, as the browser got them.
async function headers(session, base, args) {
  const out = {};
  for (const f of args.files) {
    const r = await session.context.request.get(new URL(f, base).href);
    out[f] = { status: r.status(), type: r.headers()['content-type'] || null,
      csp: r.headers()['content-security-policy'] || null };
  }
  return out;
}

export const steps = {
  open, device, state, fields, copyPin, problems, uploadBatch, batch,
  waitBatch, cancelBatch, failedCsv, axe, screenshot, tabOrder, keys, headers,
};
