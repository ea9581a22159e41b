// The operator page's entry point: the gateway's health and providers at
// the top, the API token (asked again on every 401), then the device and
// batch parts (device.mjs, batch.mjs).

import { auth, callJson, call, token, setToken } from './api.mjs';
import { $, errorText } from './dom.mjs';
import { setupDevice, setProviders } from './device.mjs';
import { setupBatches, listRecent } from './batch.mjs';

// Health first (it needs no token), then the providers (which may).
async function refreshGateway() {
  const line = $('gateway');
  try {
    await call('GET', 'health/check');
  } catch (err) {
    line.textContent = 'Gateway not healthy: ' + errorText(err);
    return;
  }
  try {
    const r = await callJson('GET', 'providers');
    setProviders(r.providers);
    line.textContent = 'Gateway healthy. Providers: '
      + (r.providers.length ? r.providers.join(', ') : 'none enabled') + '.';
  } catch (err) {
    line.textContent = 'Gateway healthy. Providers unknown: ' + errorText(err);
  }
}

// A 401 from any call: forget the token and ask for it again.
function askToken(ev) {
  setToken('');
  const input = $('token');
  input.value = '';
  input.setAttribute('aria-invalid', 'true');
  $('token-error').textContent = errorText(ev.detail)
    + ' (the gateway needs a valid API token: enter it again)';
  input.focus();
}

function useToken(ev) {
  ev.preventDefault();
  setToken($('token').value.trim());
  $('token').removeAttribute('aria-invalid');
  $('token-error').textContent = '';
  refreshGateway();
  listRecent();
}

function start() {
  auth.addEventListener('unauthorized', askToken);
  $('token').value = token();
  $('token-form').addEventListener('submit', useToken);
  setupDevice();
  setupBatches();
  refreshGateway();
  listRecent();
}

start();
