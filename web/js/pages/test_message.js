// Send a test message and follow it: queued → delivered, deferred or bounced, with the smarthost's reply.
// A delivered message leaves the queue; from then on the delivery log tells what happened.

import * as api from '../api.js';
import {path} from '../api.js';
import {alertBox, announce, badge, clear, el, timeEl} from '../dom.js';
import {field, form} from '../forms.js';
import {hashFor, pageHeader, viewerNote} from '../page.js';

const FOLLOW_FOR_MS = 3 * 60 * 1000;

export async function render(ctx) {
  ctx.add(pageHeader(
      ctx, 'Send a test message',
      'Send a short message through Postern to check that everything works: signing, the route and the ' +
          'smarthost. Use a mailbox you can read, ideally outside your organisation.'));
  if (!ctx.canChange) {
    ctx.add(viewerNote(ctx, 'send test messages'));
    return;
  }
  const progress = el('section', {class: 'card follow', 'aria-live': 'polite', hidden: true});
  let timer = 0;
  // A look still under way when the page is left, or when another message is sent, schedules nothing.
  let left = false;
  let run = 0;
  ctx.onCleanup(() => {
    left = true;
    window.clearTimeout(timer);
  });
  const from = field({
    label: 'From',
    name: 'from',
    inputmode: 'email',
    required: true,
    placeholder: 'you@example.org',
    hint: 'An address of your own domain. It decides the route and the DKIM key used.'
  });
  const to = field({
    label: 'To',
    name: 'to',
    inputmode: 'email',
    required: true,
    placeholder: 'someone@example.net',
    hint: 'A mailbox you can read.'
  });
  const sendForm = form({
    fields: [from, to],
    submitLabel: 'Send test message',
    onSubmit: async (values) => {
      window.clearTimeout(timer);
      const answer = await api.post('/test-message', {from: values.from.trim(), to: values.to.trim()});
      announce('Test message queued.');
      const started = Date.now();
      const mine = ++run;
      const step = async () => {
        if (left || mine !== run) return;
        const delay = await follow(progress, answer.queueId, started, () => {
          window.clearTimeout(timer);
          timer = window.setTimeout(step, 0);
        });
        if (delay > 0 && !left && mine === run) timer = window.setTimeout(step, delay);
      };
      await step();
    },
  });
  ctx.add(el('section', {class: 'card'}, sendForm), progress);
}

// Shows where the message is. Resolves the delay until the next look, 0 when there is nothing to wait for.
async function follow(region, queueId, started, again) {
  region.hidden = false;
  const elapsed = Date.now() - started;
  let view;
  let delay = 0;
  try {
    const message = await api.get(path`/queue/${queueId}`);
    ({view, delay} = queued(message, elapsed));
  } catch (err) {
    if (err.sessionLost) return 0;
    if (err.status !== 404) {
      view = alertBox('error', err.message);
    } else {
      try {
        ({view, delay} = logged((await api.get('/log', {id: queueId})).items || []));
      } catch (logErr) {
        if (logErr.sessionLost) return 0;
        view = alertBox('error', logErr.message);
      }
    }
  }
  if (delay > 0 && elapsed > FOLLOW_FOR_MS) delay = 0;
  const checkAgain = el('button', {type: 'button', class: 'button secondary small'}, 'Check again');
  checkAgain.addEventListener('click', again);
  clear(region).append(
      el('h2', {}, 'Your test message'),
      el('p', {}, 'Queue ID ', el('code', {}, queueId), ' · ',
         el('a', {href: hashFor('log', {id: queueId})}, 'delivery log')),
      view,
      delay > 0 ? el('p', {class: 'loading'}, 'Watching for changes…') :
                  el('div', {class: 'actions'}, checkAgain));
  return delay;
}

function queued(message, elapsed) {
  const recipients = message.recipients || [];
  const pending = recipients.some((r) => r.state === 'pending');
  const rows = recipients.map((r) => {
    if (r.state === 'delivered') return outcome(r.address, 'delivered', r.lastReply);
    if (r.state === 'failed') return outcome(r.address, 'bounced', r.lastReply);
    if (r.lastReply) {
      return outcome(r.address, 'deferred', r.lastReply, message.nextAttempt);
    }
    return el(
        'li', {}, badge('Waiting', 'info'), ' ', el('span', {class: 'break'}, r.address),
        message.attempts > 0 ? ' — trying again soon.' : ' — being handed to the smarthost…');
  });
  return {
    view: el('ul', {class: 'outcomes'}, rows),
    delay: pending ? (elapsed < 30000 ? 2000 : 5000) : 0,
  };
}

// The message has left the queue: the newest log entry of each recipient says how it ended.
function logged(entries) {
  if (entries.length === 0) {
    return {
      view: el('p', {}, 'The message has left the queue; its delivery log entry is not there yet.'),
      delay: 3000
    };
  }
  const newest = new Map();
  for (const e of entries)
    if (!newest.has(e.recipient)) newest.set(e.recipient, e);
  const list =
      el('ul', {class: 'outcomes'},
         [...newest.values()].map((e) => outcome(e.recipient, e.outcome, e.reply, null, e)));
  const delivered = [...newest.values()].every((e) => e.outcome === 'delivered');
  if (delivered) announce('The test message was delivered.');
  return {
    view:
        el('div', {}, list,
           delivered ? alertBox(
                           'ok',
                           'Delivered. Look for the message in the mailbox; if ' +
                               'it is not in the inbox, check the spam folder: then DKIM ' +
                               'or the sender address may need attention.') :
                       null),
    delay: 0,
  };
}

function outcome(address, kind, reply, nextAttempt, entry) {
  const text = {
    delivered: ['Delivered', 'ok', 'The smarthost accepted the message.'],
    deferred: ['Deferred', 'warn', 'The smarthost could not take it now; Postern tries again.'],
    bounced: ['Bounced', 'bad', 'The smarthost refused it for good. Its answer says why.'],
  }[kind] ||
      [kind, 'neutral', ''];
  return el(
      'li', {},
      el('p', {}, badge(text[0], text[1]), ' ', el('span', {class: 'break'}, address), ' — ', text[2]),
      reply ? el('p', {}, 'The smarthost answered: ', el('code', {class: 'reply'}, reply)) : null,
      nextAttempt ? el('p', {class: 'hint'}, 'Next try: ', timeEl(nextAttempt)) : null,
      entry ? el('p', {class: 'hint'}, timeEl(entry.time), entry.remote ? ` via ${entry.remote}` : '',
                 entry.route ? `, route ${entry.route}` : '') :
                               null);
}
