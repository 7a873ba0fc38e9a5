// One queued message: envelope, each recipient's state and last reply, the header section (as text),
// retry now, delete.

import * as api from '../api.js';
import {path} from '../api.js';
import {alertBox, bytesText, confirmDialog, el, facts, timeEl} from '../dom.js';
import {act} from '../forms.js';
import {hashFor, loadInto, pageHeader, viewerNote} from '../page.js';

import {recipientList} from './queue.js';

export async function render(ctx) {
  const id = ctx.segments[1];
  ctx.add(pageHeader(ctx, `Message ${id}`), el('p', {class: 'back'}, el('a', {href: '#/queue'}, '← Queue')));
  const region = el('div');
  ctx.add(region);
  const reload = () => loadInto(region, async () => {
    try {
      return await api.get(path`/queue/${id}`);
    } catch (err) {
      if (err.status === 404) return null;
      throw err;
    }
  }, (message) => (message ? show(ctx, message, reload) : gone(id)));
  await reload();
}

function gone(id) {
  return alertBox(
      'info', 'This message is no longer in the queue: it was delivered, failed or deleted. ',
      el('a', {href: hashFor('log', {id})}, 'See its delivery log'), '.');
}

function show(ctx, m, reload) {
  const feedback = el('div', {'aria-live': 'polite'});
  const retry = el('button', {type: 'button', class: 'button'}, 'Retry now');
  retry.addEventListener('click', async () => {
    const {ok} = await act(retry, feedback, () => api.post(path`/queue/${m.id}/retry`), 'Retry requested.');
    if (ok) {
      feedback.append(alertBox('ok', 'Postern is trying this message again now.'));
      window.setTimeout(() => {
        if (retry.isConnected) reload();
      }, 1500);
    }
  });
  const remove = el('button', {type: 'button', class: 'button danger'}, 'Delete');
  remove.addEventListener('click', async () => {
    const sure = await confirmDialog({
      title: 'Delete this message?',
      message: ['It will not be delivered to the recipients still waiting. This cannot be undone.'],
      confirmLabel: 'Delete message',
      danger: true
    });
    if (!sure) return;
    const {ok} = await act(remove, feedback, () => api.del(path`/queue/${m.id}`), 'Message deleted.');
    if (ok) window.location.hash = '#/queue';
  });
  return [
    viewerNote(ctx, 'retry or delete it'),
    el('section', {class: 'card'}, el('h2', {}, 'Envelope'), facts([
         ['Arrived', timeEl(m.arrival)],
         ['From', m.sender || '(none: a bounce)'],
         ['Sent by user', m.login || '—'],
         ['From client', m.clientAddress],
         ['Size', bytesText(m.size)],
         ['Attempts', String(m.attempts)],
         ['Last try', timeEl(m.lastAttempt)],
         ['Next try', timeEl(m.nextAttempt)],
         ['Last smarthost', m.remote],
         m.notification ? ['Kind', 'A delivery notice Postern made (bounce or delay warning)'] : null,
       ])),
    el('section', {class: 'card'}, el('h2', {}, 'Recipients'),
       el('p', {class: 'hint'}, 'The last reply is what the smarthost answered at the last try.'),
       recipientList(m.recipients || [])),
    ctx.canChange ? el('div', {class: 'actions'}, retry, remove) : null,
    feedback,
    el('section', {class: 'card'}, el('h2', {}, 'Headers'),
       el('p', {class: 'hint'}, 'The message\'s header lines, as received. The body is not shown.'),
       el('pre', {class: 'headers', tabindex: '0'}, m.headers || '')),
    el('p', {}, el('a', {href: hashFor('log', {id: m.id})}, 'Delivery attempts of this message')),
  ];
}
