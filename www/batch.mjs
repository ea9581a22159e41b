// Batches (SPEC §6): a CSV dropped or picked is sent to POST /batches with
// the chosen action; GET /batches/{id} feeds the progress bar until the
// batch is done or cancelled; Cancel batch deletes it; the failed devices
// download as CSV; the recent batches are listed.

import { call, callJson, seg } from './api.mjs';
import { $, el, errorText, once } from './dom.mjs';

const POLL_MS = 500;
const RECENT = 20;
const FINAL = new Set(['done', 'cancelled']);

let file = null;      // the CSV chosen or dropped
let current = null;   // the id of the batch on show
let timer = null;     // the next poll of it

function batchPath(id, rest = '') {
  return 'batches/' + seg(id) + rest;
}

function chooseFile(f) {
  file = f || null;
  $('csv-name').textContent = file ? 'Chosen: ' + file.name
    + ' (' + file.size + ' bytes)' : '';
  $('csv-error').textContent = '';
}

// Drag and drop onto the drop zone, besides the file picker inside it.
function setupDrop() {
  const zone = $('drop');
  zone.addEventListener('dragover', (ev) => {
    ev.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (ev) => {
    ev.preventDefault();
    zone.classList.remove('over');
    const f = ev.dataTransfer && ev.dataTransfer.files[0];
    if (f) chooseFile(f);
  });
  $('csv').addEventListener('change', () => chooseFile($('csv').files[0]));
}

// An invalid_batch answer: its message and the rows it names.
function showInvalid(err) {
  $('csv-error').textContent = errorText(err);
  const rows = (err.body && Array.isArray(err.body.rows)) ? err.body.rows : [];
  $('batch-rows').replaceChildren(...rows.map((r) =>
    el('li', 'Row ' + r.row + ': ' + r.error)));
}

async function upload() {
  $('csv-error').textContent = '';
  $('batch-rows').replaceChildren();
  if (!file) {
    $('csv-error').textContent = 'no_file: choose or drop a CSV file first.';
    $('csv').focus();
    return;
  }
  const action = $('action').value;
  try {
    const b = await callJson('POST', 'batches?action=' + seg(action),
      { body: file, type: 'text/csv' });
    show(b);
    listRecent();
  } catch (err) {
    showInvalid(err);
  }
}

// Shows batch b in the progress panel and polls it until it is final.
function show(b) {
  clearTimeout(timer);
  current = b.id;
  $('batch').hidden = false;
  $('batch-id').textContent = b.id;
  $('batch-error').textContent = '';
  render(b);
  if (!FINAL.has(b.state)) timer = setTimeout(poll, POLL_MS);
}

function render(b) {
  const done = b.total - b.pending;
  const bar = $('batch-progress');
  bar.max = Math.max(b.total, 1);
  bar.value = done;
  bar.setAttribute('aria-valuetext', done + ' of ' + b.total);
  $('batch-status').textContent = b.action + ', ' + b.state + ': ' + done
    + ' of ' + b.total + ' done, ' + b.succeeded + ' succeeded, '
    + b.failed + ' failed.';
  $('batch-cancel').hidden = FINAL.has(b.state);
}

async function poll() {
  const id = current;
  try {
    const b = await callJson('GET', batchPath(id));
    if (id !== current) return;
    render(b);
    if (FINAL.has(b.state)) listRecent();
    else timer = setTimeout(poll, POLL_MS);
  } catch (err) {
    $('batch-error').textContent = errorText(err);
    if (err.status !== 404 && err.status !== 401) timer = setTimeout(poll, POLL_MS * 4);
  }
}

async function cancel() {
  if (!current) return;
  try {
    show(await callJson('DELETE', batchPath(current)));
    listRecent();
  } catch (err) {
    $('batch-error').textContent = errorText(err);
  }
}

// Saves the failed devices of the batch on show as a CSV file.
async function downloadFailed() {
  if (!current) return;
  try {
    const res = await call('GET', batchPath(current, '/devices?state=failed'),
      { accept: 'text/csv' });
    const url = URL.createObjectURL(await res.blob());
    const a = el('a', null, { href: url, download: 'batch-' + current + '-failed.csv' });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  } catch (err) {
    $('batch-error').textContent = errorText(err);
  }
}

function row(b) {
  const pick = el('button', b.id, { type: 'button', 'aria-label': 'Show batch ' + b.id });
  pick.addEventListener('click', () => {
    show(b);
    if (FINAL.has(b.state)) poll();  // the list may be older than the batch
  });
  const tr = el('tr');
  const first = el('td');
  first.append(pick);
  tr.append(first, el('td', b.action), el('td', b.state),
    el('td', (b.total - b.pending) + '/' + b.total), el('td', b.failed),
    el('td', b.created));
  return tr;
}

// Fills the table of recent batches, newest first.
export async function listRecent() {
  const body = $('batches').tBodies[0];
  try {
    const r = await callJson('GET', 'batches?limit=' + RECENT);
    $('batches-error').textContent = '';
    body.replaceChildren(...r.batches.map(row));
  } catch (err) {
    body.replaceChildren();
    $('batches-error').textContent = err.code === 'not_found'
      ? 'not_found: batches are turned off on this gateway (no batch_store).'
      : errorText(err);
  }
}

export function setupBatches() {
  setupDrop();
  const form = $('batch-form');
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    once(form, upload);
  });
  $('batch-cancel').addEventListener('click', cancel);
  $('batch-failed').addEventListener('click', downloadFailed);
  $('batches-refresh').addEventListener('click', listRecent);
}
