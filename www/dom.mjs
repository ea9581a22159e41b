// Small DOM helpers of the page.  Text only ever goes in as textContent:
// vendor messages, MACs and URLs are shown as text, never parsed as HTML.

export function $(id) {
  return document.getElementById(id);
}

// A new element with its text (and attributes), ready to append.
export function el(tag, text, attrs = {}) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

// "code: message", the way every API error is shown.
export function errorText(err) {
  return err.detail ? err.code + ': ' + err.detail : err.code;
}

// Shows err next to the control whose id is `field` (its error paragraph
// is `field`-error) and marks the control invalid.
export function showFieldError(field, err) {
  $(field + '-error').textContent = errorText(err);
  const control = $(field);
  if (control) control.setAttribute('aria-invalid', 'true');
}

// Clears the errors of the given fields.
export function clearFieldErrors(fields) {
  for (const f of fields) {
    $(f + '-error').textContent = '';
    const control = $(f);
    if (control) control.removeAttribute('aria-invalid');
  }
}

// Runs fn unless the last one on `node` is still running, so that one
// click sends one request.  The buttons stay enabled (a disabled button
// would lose the keyboard focus); node gets aria-busy meanwhile.
export async function once(node, fn) {
  if (node.getAttribute('aria-busy') === 'true') return undefined;
  node.setAttribute('aria-busy', 'true');
  try {
    return await fn();
  } finally {
    node.removeAttribute('aria-busy');
  }
}
