// The audit log: who changed what, from where, and whether it worked; newest first, filtered by actor
// and action.

import * as api from '../api.js';
import {badge, el, table, timeEl} from '../dom.js';
import {field, form} from '../forms.js';
import {hashFor, loadInto, pageHeader, pager} from '../page.js';

const LIMIT = 50;

export async function render(ctx) {
  ctx.add(pageHeader(
      ctx, 'Audit log',
      'Every sign-in and every change made here or on the server\'s ' +
          'command line, newest first. Passwords and ' +
          'keys are never recorded.'));
  const filters = {
    actor: ctx.query.get('actor') || '',
    action: ctx.query.get('action') || '',
    offset: Number(ctx.query.get('offset')) || 0
  };
  const region = el('div', {'aria-live': 'polite'});
  const load = () => {
    ctx.replaceQuery(
        hashFor('audit', {actor: filters.actor, action: filters.action, offset: filters.offset || ''}));
    return loadInto(
        region, () => api.get('/audit', {...filters, limit: LIMIT}),
        (page) =>
            [auditTable(page.items || [], filters),
             pager(
                 page,
                 (offset) => {
                   filters.offset = offset;
                   load();
                 }),
    ]);
  };
  const actor = field({
    label: 'Who',
    name: 'actor',
    value: filters.actor,
    optional: true,
    hint: 'An administrator\'s login.'
  });
  const action = field({
    label: 'Action',
    name: 'action',
    value: filters.action,
    optional: true,
    hint: 'For example user.add or admin.login.'
  });
  const filterForm = form({
    fields: [actor, action],
    submitLabel: 'Filter',
    className: 'inline-form',
    onSubmit: async (values) => {
      filters.actor = values.actor.trim();
      filters.action = values.action.trim();
      filters.offset = 0;
      await load();
    },
  });
  ctx.add(
      el('section', {class: 'card'}, el('h2', {class: 'sr-only'}, 'Filters'), filterForm),
      el('section', {class: 'card'}, region));
  await load();
}

function outcomeBadge(outcome) {
  if (outcome === 'ok') return badge('OK', 'ok');
  if (outcome === 'denied') return badge('Denied', 'bad');
  return el('span', {}, badge('Failed', 'bad'), ' ', String(outcome).replace(/^failed:\s*/, ''));
}

function auditTable(items, filters) {
  return table({
    caption: 'Audit log entries',
    empty: filters.actor || filters.action ? 'No entries match these filters.' : 'No entries yet.',
    rows: items,
    columns: [
      {label: 'Time', cell: (e) => timeEl(e.time)},
      {
        label: 'Who',
        cell: (e) =>
            (e.actor ? el('span', {class: 'break'}, e.actor) : el('span', {class: 'muted'}, 'system'))
      },
      {label: 'From', cell: (e) => e.clientAddress || 'command line'},
      {label: 'Action', cell: (e) => el('code', {}, e.action)},
      {label: 'Object', cell: (e) => el('span', {class: 'break'}, e.object || '—')},
      {label: 'Outcome', cell: (e) => outcomeBadge(e.outcome)},
    ],
  });
}
