// Safe element creation. Every text reaches the page as a Text node or through textContent, never as
// markup: logins, addresses and mail headers come from the outside world and may look like HTML.
// The Content-Security-Policy forbids inline styles and event attributes, so looks are classes and
// behaviour is addEventListener.

const BOOLEAN_PROPS = new Set(
    ['hidden', 'disabled', 'checked', 'selected', 'required', 'readOnly', 'open', 'multiple', 'autofocus']);

// el('button', {class: 'button', type: 'button', on: {click: f}}, 'Save') → <button
// class="button">Save</button>
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'style' || key === 'innerHTML' || key === 'outerHTML' ||
        key.startsWith('on') && key !== 'on') {
      throw new Error(`el(): "${key}" is not allowed`);
    }
    if (key === 'on') {
      for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
    } else if (key === 'class') {
      node.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
    } else if (key === 'text') {
      node.textContent = String(value);
    } else if (key === 'dataset') {
      Object.assign(node.dataset, value);
    } else if (BOOLEAN_PROPS.has(key)) {
      node[key] = Boolean(value);
    } else if (key === 'value') {
      node.value = String(value);
    } else {
      node.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(node, children);
  return node;
}

// Appends strings as text, nodes as they are; skips null/false; flattens arrays.
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false || child === '') continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

export function clear(node) {
  node.replaceChildren();
  return node;
}

// Screen readers hear it through the page's polite live region.
export function announce(message) {
  const region = document.getElementById('announcer');
  if (!region) return;
  region.textContent = '';
  // A new text node in a later task, so the same message twice is still read out.
  window.setTimeout(() => {
    region.textContent = message;
  }, 50);
}

let idCounter = 0;
export function uniqueId(prefix) {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

// Times come as ISO 8601 UTC; people read them in their own time zone, the exact value is in the title.
export function timeText(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return date.toLocaleString(undefined, {dateStyle: 'medium', timeStyle: 'short'});
}

export function timeEl(iso) {
  if (!iso) return el('span', {class: 'muted'}, '—');
  return el('time', {datetime: iso, title: iso}, timeText(iso));
}

export function bytesText(n) {
  const value = Number(n) || 0;
  if (value < 1024) return `${value} bytes`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let size = value / 1024;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit += 1;
  }
  return `${size.toFixed(size < 10 ? 1 : 0)} ${units[unit]}`;
}

export function durationText(seconds) {
  const s = Math.max(0, Math.floor(Number(seconds) || 0));
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${minutes} min`;
  return `${minutes} min`;
}

// kind: ok | warn | bad | info | neutral
export function badge(text, kind = 'neutral') {
  return el('span', {class: `badge ${kind}`}, text);
}

export function alertBox(kind, ...children) {
  return el('div', {class: `alert ${kind}`, role: kind === 'error' ? 'alert' : 'status'}, ...children);
}

// Copies text; falls back to selecting a hidden field when the Clipboard API is not there (plain HTTP
// other than localhost).
export async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = el('textarea', {class: 'sr-only', readOnly: true, 'aria-hidden': 'true'});
  area.value = text;
  document.body.append(area);
  area.select();
  const done = document.execCommand('copy');
  area.remove();
  if (!done) throw new Error('copy refused');
}

export function copyButton(getText, label = 'Copy') {
  const button = el('button', {type: 'button', class: 'button secondary small'}, label);
  button.addEventListener('click', async () => {
    try {
      await copyText(typeof getText === 'function' ? getText() : getText);
      button.textContent = 'Copied';
      announce('Copied to the clipboard.');
    } catch {
      button.textContent = 'Select and copy by hand';
      announce('The browser did not allow copying. Select the text and copy it by hand.');
    }
    window.setTimeout(() => {
      button.textContent = label;
    }, 2500);
  });
  return button;
}

// A modal question. Resolves true only when the person presses the confirming button.
export function confirmDialog({title, message, confirmLabel = 'Confirm', danger = false}) {
  return new Promise((resolve) => {
    const titleId = uniqueId('dialog-title');
    const cancel = el('button', {type: 'button', class: 'button secondary'}, 'Cancel');
    const confirm = el('button', {type: 'button', class: danger ? 'button danger' : 'button'}, confirmLabel);
    const dialog =
        el('dialog', {class: 'dialog', 'aria-labelledby': titleId}, el('h2', {id: titleId}, title),
           ...[].concat(message).map((line) => (line instanceof Node ? line : el('p', {}, line))),
           el('div', {class: 'actions'}, cancel, confirm));
    let answer = false;
    cancel.addEventListener('click', () => dialog.close());
    confirm.addEventListener('click', () => {
      answer = true;
      dialog.close();
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(answer);
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}

// A key/value list: rows of [label, value] where value is text or a node.
export function facts(rows) {
  return el(
      'dl', {class: 'facts'},
      rows.filter(Boolean).map(
          ([label, value]) =>
              [el('dt', {}, label),
               el('dd', {}, value === '' || value === null || value === undefined ? '—' : value)]));
}

// A table that turns into cards on a phone: each cell carries its column's name for the small layout.
export function table({columns, rows, empty, caption}) {
  if (rows.length === 0) return el('p', {class: 'empty'}, empty || 'Nothing here yet.');
  const head = el('tr', {}, columns.map((c) => el('th', {scope: 'col'}, c.label)));
  const body = rows.map(
      (row) =>
          el('tr', {}, columns.map((c) => el('td', {'data-label': c.label, class: c.class}, c.cell(row)))));
  return el(
      'div', {class: 'table-wrap'},
      el('table', {class: 'table'}, caption ? el('caption', {class: 'sr-only'}, caption) : null,
         el('thead', {}, head), el('tbody', {}, body)));
}
