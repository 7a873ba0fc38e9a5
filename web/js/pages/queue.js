// The queue: messages waiting for delivery, each recipient's state and last reply, retry all. One message's
// headers, retry and delete are on message.js.

import * as api from '../api.js';
import {alertBox, badge, bytesText, confirmDialog, el, timeEl} from '../dom.js';
import {act} from '../forms.js';
import {hashFor, loadInto, pageHeader, pager, viewerNote} from '../page.js';

const LIMIT = 50;

export const RECIPIENT_BADGE = {
  pending: ['Waiting', 'info'],
  delivered: ['Delivered', 'ok'],
  failed: ['Failed', 'bad'],
};

export async function render(ctx) {
  ctx.add(pageHeader(
      ctx, 'Queue',
      'Messages Postern has accepted and not yet delivered. When ' +
          'the smarthost cannot take a message, Postern ' +
          'tries again later, for up to a few days, and then tells the ' +
          'sender. A message leaves the queue once ' +
          'every recipient is delivered or has failed.'));
  const feedback = el('div', {'aria-live': 'polite'});
  const region = el('div');
  let offset = Number(ctx.query.get('offset')) || 0;
  const load = () => {
    ctx.replaceQuery(hashFor('queue', {offset: offset || ''}));
    return loadInto(
        region, () => api.get('/queue', {offset, limit: LIMIT}),
        (page) =>
            [el('p', {class: 'summary'}, page.total === 1 ? '1 message' : `${page.total} messages`, ', ',
                bytesText(page.bytes), ' in all.'),
             messageTable(page.items || []),
             pager(
                 page,
                 (next) => {
                   offset = next;
                   load();
                 }),
    ]);
  };
  const retryAll = el('button', {type: 'button', class: 'button secondary'}, 'Retry all now');
  retryAll.addEventListener('click', async () => {
    const sure = await confirmDialog({
      title: 'Retry every message now?',
      message:
          ['Postern tries to deliver every waiting message at once ' +
           'instead of at its scheduled time. Useful after ' +
           'you fixed a route or the smarthost is reachable again.'],
      confirmLabel: 'Retry all'
    });
    if (!sure) return;
    const {ok} = await act(retryAll, feedback, () => api.post('/queue/retry'), 'Retry requested.');
    if (!ok) return;
    feedback.append(alertBox(
        'ok',
        'Postern is trying every message again. Reload the list in a moment to see ' +
            'the results.'));
    await load();
  });
  const reload = el('button', {type: 'button', class: 'button secondary'}, 'Reload');
  reload.addEventListener('click', load);
  ctx.add(
      viewerNote(ctx, 'retry or delete messages'),
      el('div', {class: 'actions'}, ctx.canChange ? retryAll : null, reload), feedback,
      el('section', {class: 'card'}, region));
  await load();
}

function messageTable(items) {
  if (items.length === 0)
    return el('p', {class: 'empty'}, 'The queue is empty: everything has been delivered.');
  return el(
      'div', {class: 'table-wrap'},
      el('table', {class: 'table'},
         el('thead', {},
            el('tr', {},
               ['Arrived', 'From', 'Recipients and last reply', 'Attempts', 'Next try',
                ''].map((c) => el('th', {scope: 'col'}, c || el('span', {class: 'sr-only'}, 'Actions'))))),
         el('tbody', {},
            items
                .map(
                    (m) =>
                        el('tr', {}, el('td', {'data-label': 'Arrived'}, timeEl(m.arrival)),
                           el('td', {'data-label': 'From'},
                              el('span', {class: 'break'}, m.sender || '(none: a bounce)'),
                              m.notification ? el('span', {class: 'hint'}, ' notice from Postern') : null),
                           el('td', {'data-label': 'Recipients'}, recipientList(m.recipients || [])),
                           el('td', {'data-label': 'Attempts'}, String(m.attempts)),
                           el('td', {'data-label': 'Next try'}, timeEl(m.nextAttempt)),
                           el('td', {'data-label': ''},
                              el(
                                  'a', {
                                    href: `#/queue/${encodeURIComponent(m.id)}`,
                                    class: 'button secondary small',
                                    'aria-label': `Details of message ${m.id}`
                                  },
                                  'Details')))))));
}

export function recipientList(recipients) {
  return el('ul', {class: 'plain-list recipients'}, recipients.map((r) => {
    const [label, kind] = RECIPIENT_BADGE[r.state] || [r.state, 'neutral'];
    return el(
        'li', {}, badge(label, kind), ' ', el('span', {class: 'break'}, r.address),
        r.lastReply ? el('code', {class: 'reply'}, r.lastReply) : null);
  }));
}
