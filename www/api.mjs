// The gateway's public API as the page sees it.  Paths are relative to the
// page, so the page works at / and under a base_path alike; the API token
// lives in sessionStorage (this browser tab only) and goes out as a Bearer
// header; every failure becomes an ApiError with the API's code and
// message.  A 401 also tells the listeners of `auth` so that the page asks
// for the token again.

const TOKEN_KEY = 'falconieri.token';

export const auth = new EventTarget();

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

// An answer that is not a success: status 0 when nothing answered.
export class ApiError extends Error {
  constructor(status, code, message, body) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.detail = message || '';
    this.body = body || null;
  }
}

// The error JSON of a failed answer, or a stand-in naming the status.
async function errorOf(res) {
  let body = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (body && typeof body.error === 'string') {
    const msg = typeof body.message === 'string' ? body.message : '';
    return new ApiError(res.status, body.error, msg, body);
  }
  return new ApiError(res.status, 'http_' + res.status,
    'The gateway answered ' + res.status + ' ' + res.statusText);
}

// One request: init.json is sent as JSON, init.body as it is with
// init.type; init.accept sets Accept.  Resolves to the Response of a
// success, rejects with an ApiError.
export async function call(method, path, init = {}) {
  const headers = { Accept: init.accept || 'application/json' };
  const t = token();
  if (t) headers.Authorization = 'Bearer ' + t;
  let body = init.body;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    headers['Content-Type'] = 'application/json';
  } else if (init.type) {
    headers['Content-Type'] = init.type;
  }
  let res;
  try {
    res = await fetch(path, { method, headers, body, cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, 'no_answer',
      'The gateway did not answer (' + e.message + ').');
  }
  if (res.ok) return res;
  const err = await errorOf(res);
  if (res.status === 401) {
    auth.dispatchEvent(new CustomEvent('unauthorized', { detail: err }));
  }
  throw err;
}

// call() for an answer that is JSON (or empty: null).
export async function callJson(method, path, init) {
  const res = await call(method, path, init);
  const text = await res.text();
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(res.status, 'not_json',
      'The gateway answered something that is not JSON.');
  }
}

// A path segment, escaped.
export function seg(s) {
  return encodeURIComponent(s);
}
