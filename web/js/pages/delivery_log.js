// The delivery log: every attempt to hand a message to a smarthost, newest first, filtered by queue ID
// and recipient. The filters live in the address (#/log?id=…) so other pages can link here.

import * as api from '../api.js';
import {badge, el, table, timeEl} from '../dom.js';
import {field, form} from '../forms.js';
import {hashFor, loadInto, pageHeader} from '../page.js';

const OUTCOME_BADGE = {
  delivered: ['Delivered', 'ok'],
  deferred: ['Deferred', 'warn'],
  bounced: ['Bounced', 'bad']
};

export async function render(ctx) {
  ctx.add(pageHeader(
      ctx, 'Delivery log',
      'Each attempt to hand a message to a smarthost, newest first. ' +
          'Deferred means the smarthost could not take ' +
          'it then and Postern tries again; bounced means it was refused for good and the sender was told.'));
  const filters = {
    id: ctx.query.get('id') || '',
    recipient: ctx.query.get('recipient') || '',
    limit: ctx.query.get('limit') || '100'
  };
  const region = el('div', {'aria-live': 'polite'});
  const load = () => {
    ctx.replaceQuery(hashFor(
        'log',
        {id: filters.id, recipient: filters.recipient, limit: filters.limit === '100' ? '' : filters.limit}));
    return loadInto(region, () => api.get('/log', filters), (data) => logTable(data.items || [], filters));
  };
  const id = field({label: 'Queue ID', name: 'id', value: filters.id, optional: true});
  const recipient = field({
    label: 'Recipient',
    name: 'recipient',
    value: filters.recipient,
    optional: true,
    placeholder: 'someone@example.net'
  });
  const limit = field({
    label: 'Show',
    name: 'limit',
    value: filters.limit,
    options: [
      {value: '50', label: 'last 50'}, {value: '100', label: 'last 100'}, {value: '500', label: 'last 500'}
    ]
  });
  const filterForm = form({
    fields: [id, recipient, limit],
    submitLabel: 'Filter',
    className: 'inline-form',
    onSubmit: async (values) => {
      filters.id = values.id.trim();
      filters.recipient = values.recipient.trim();
      filters.limit = values.limit;
      await load();
    },
  });
  ctx.add(
      el('section', {class: 'card'}, el('h2', {class: 'sr-only'}, 'Filters'), filterForm),
      el('section', {class: 'card'}, region));
  await load();
}

function logTable(items, filters) {
  return table({
    caption: 'Delivery attempts',
    empty: filters.id || filters.recipient ? 'No attempts match these filters.' : 'No delivery attempts yet.',
    rows: items,
    columns: [
      {label: 'Time', cell: (e) => timeEl(e.time)},
      {label: 'Queue ID', cell: (e) => el('a', {href: hashFor('log', {id: e.queueId})}, e.queueId)},
      {label: 'Recipient', cell: (e) => el('span', {class: 'break'}, e.recipient)},
      {label: 'Outcome', cell: (e) => badge(...(OUTCOME_BADGE[e.outcome] || [e.outcome, 'neutral']))},
      {label: 'Smarthost', cell: (e) => e.remote || '—'},
      {label: 'Its answer', cell: (e) => (e.reply ? el('code', {class: 'reply'}, e.reply) : '—')},
    ],
  });
}
