// One device: look up, register, deregister (SPEC §1.1, §1.2, §1.8).  The
// serial number field shows for ymcs, the MAC-ID check code for gigaset;
// each API error goes next to the field it concerns, vendor refusals under
// the buttons; YMCS's device PIN is shown with a copy button.

import { call, callJson, seg } from './api.mjs';
import { $, el, showFieldError, clearFieldErrors, once } from './dom.mjs';

const FIELDS = ['provider', 'mac', 'url', 'sn', 'crc', 'device'];

// The field each error code concerns; the rest go under the buttons.
const FIELD_OF = {
  provider_not_supported: 'provider',
  missing_mac_address: 'mac',
  malformed_mac_address: 'mac',
  not_valid_mac_address: 'mac',
  device_owned_by_other_user: 'mac',
  missing_url: 'url',
  unsupported_url_scheme: 'url',
  unable_to_parse_url: 'url',
  malformed_url: 'url',
  malformed_serial_number: 'sn',
  'missing_mac-id_crc': 'crc',
  'invalid_mac-id_crc_format': 'crc',
};

const STATE_WORDS = {
  registered: 'registered by this account',
  not_registered: 'not registered',
  registered_elsewhere: 'registered by another account',
};

// The form's values, trimmed.
function values() {
  return {
    provider: $('provider').value,
    mac: $('mac').value.trim(),
    url: $('url').value.trim(),
    sn: $('sn').value.trim(),
    crc: $('crc').value.trim(),
  };
}

// The device's path, with ?crc= for gigaset when one is typed.
function devicePath(v) {
  let path = 'providers/' + seg(v.provider) + '/' + seg(v.mac);
  if (v.provider === 'gigaset' && v.crc !== '') {
    path += '?crc=' + encodeURIComponent(v.crc);
  }
  return path;
}

function showResult(...lines) {
  const box = $('device-result');
  box.replaceChildren(...lines.map((l) => el('p', l, { class: 'ok' })));
}

function showPin(pin) {
  $('pin-value').textContent = pin;
  $('pin').hidden = false;
}

async function lookup(v) {
  const r = await callJson('GET', devicePath(v));
  const lines = [r.mac + ' at ' + r.provider + ': '
    + (STATE_WORDS[r.state] || r.state) + '.'];
  if (r.url) lines.push('URL: ' + r.url);
  else if (r.state === 'registered') lines.push('The vendor does not say which URL.');
  showResult(...lines);
}

async function register(v) {
  const body = { url: v.url };
  if (v.provider === 'ymcs' && v.sn !== '') body.sn = v.sn;
  const r = await callJson('PUT', devicePath(v), { json: body });
  const lines = ['Registered ' + v.mac + ' at ' + v.provider + ': ' + v.url];
  if (v.provider === 'ymcs') {
    if (r && r.device_pin) showPin(r.device_pin);
    else lines.push('YMCS gave no device PIN.');
  }
  showResult(...lines);
}

async function deregister(v) {
  await call('DELETE', devicePath(v));
  showResult('Deregistered ' + v.mac + ' at ' + v.provider + '.');
}

const ACTIONS = { lookup, register, deregister };

async function run(action) {
  clearFieldErrors(FIELDS);
  $('device-result').replaceChildren();
  $('pin').hidden = true;
  try {
    await ACTIONS[action](values());
  } catch (err) {
    const field = FIELD_OF[err.code] || 'device';
    showFieldError(field, err);
    if (field !== 'device') $(field).focus();
  }
}

// Shows the sn and crc fields only for the providers that use them.
function providerChanged() {
  const p = $('provider').value;
  $('sn-field').hidden = p !== 'ymcs';
  $('crc-field').hidden = p !== 'gigaset';
}

async function copyPin() {
  const pin = $('pin-value').textContent;
  try {
    await navigator.clipboard.writeText(pin);
    $('device-result').replaceChildren(el('p', 'PIN copied.', { class: 'ok' }));
  } catch (e) {
    showFieldError('device', { code: 'copy_failed', detail: 'Copy the PIN by hand (' + e.message + ').' });
  }
}

export function setupDevice() {
  const form = $('device-form');
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    once(form, () => run('lookup'));
  });
  for (const b of form.querySelectorAll('button[data-action]')) {
    if (b.type === 'submit') continue;
    b.addEventListener('click', () => once(form, () => run(b.dataset.action)));
  }
  $('provider').addEventListener('change', providerChanged);
  $('pin-copy').addEventListener('click', copyPin);
  providerChanged();
}

// Fills the provider list with the enabled providers.
export function setProviders(names) {
  const sel = $('provider');
  const keep = sel.value;
  sel.replaceChildren(...names.map((n) => el('option', n, { value: n })));
  if (names.includes(keep)) sel.value = keep;
  providerChanged();
}
