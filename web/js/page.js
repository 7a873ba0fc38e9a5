// Pieces every page shares: the heading with its plain-language introduction, the read-only note for
// viewers, loading a resource into a region with a retry button, and paging through long lists.

import {append, clear, el} from './dom.js';
import {errorAlert} from './forms.js';

// The page heading takes focus after each navigation so keyboard and screen-reader users start there.
export function pageHeader(ctx, title, ...intro) {
  document.title = `${title} — Postern`;
  const heading = el('h1', {tabindex: '-1', class: 'page-title'}, title);
  ctx.heading = heading;
  return el(
      'header', {class: 'page-header'}, heading,
      intro.map((p) => (p instanceof Node ? p : el('p', {class: 'intro'}, p))));
}

export function viewerNote(ctx, what = 'change anything here') {
  if (ctx.canChange) return null;
  return el(
      'p', {class: 'note viewer-note'},
      `Your account has the viewer role: you can look at everything, but not ${what}. ` +
          'Ask an administrator if something needs changing.');
}

// Fills `region` with what render(data) returns once load() answers; on failure an alert with a
// "Try again" button. Resolves the data (or undefined on failure).
export async function loadInto(region, load, render) {
  clear(region);
  region.setAttribute('aria-busy', 'true');
  region.append(el('p', {class: 'loading'}, 'Loading…'));
  try {
    const data = await load();
    clear(region);
    append(region, [render(data)]);
    return data;
  } catch (err) {
    clear(region);
    if (err && err.sessionLost) return undefined;
    const retry = el('button', {type: 'button', class: 'button secondary small'}, 'Try again');
    retry.addEventListener('click', () => loadInto(region, load, render));
    region.append(errorAlert(err), retry);
    return undefined;
  } finally {
    region.removeAttribute('aria-busy');
  }
}

// "Showing 51–100 of 230" with Previous and Next. go(offset) loads the page.
export function pager({total, offset, limit}, go) {
  if (!total || total <= limit && offset === 0) return null;
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(offset + limit, total);
  const previous =
      el('button', {type: 'button', class: 'button secondary small', disabled: offset <= 0}, 'Previous');
  const next =
      el('button', {type: 'button', class: 'button secondary small', disabled: last >= total}, 'Next');
  previous.addEventListener('click', () => go(Math.max(0, offset - limit)));
  next.addEventListener('click', () => go(offset + limit));
  return el(
      'nav', {class: 'pager', 'aria-label': 'Pages'}, el('span', {}, `Showing ${first}–${last} of ${total}`),
      previous, next);
}

export function section(title, ...children) {
  return el('section', {class: 'card'}, el('h2', {}, title), children);
}

// A link inside the application. Only hash routes: a server-given link never becomes a javascript: URL.
export function appLink(hash, text, className) {
  const safe = typeof hash === 'string' && hash.startsWith('#/') ? hash : '#/';
  return el('a', {href: safe, class: className}, text);
}

// The hash for a page with query parameters (empty ones left out).
export function hashFor(page, query = {}) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return `#/${page}${text ? `?${text}` : ''}`;
}
