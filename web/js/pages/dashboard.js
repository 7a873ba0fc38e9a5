// The overview: the first steps as a checklist until they are all done, then the problems to fix, the users
// a sending limit stopped in the last 24 hours (/limits), and the server's figures (/status).

import * as api from '../api.js';
import {alertBox, badge, durationText, el, facts, table, timeEl} from '../dom.js';
import {appLink, loadInto, pageHeader} from '../page.js';

const STEPS = [
  {
    key: 'hasUser',
    link: '#/users',
    title: 'Add a user',
    text: 'Each person, printer or program that sends mail signs in to Postern with a user and password.'
  },
  {
    key: 'hasActiveDkimKey',
    link: '#/dkim',
    title: 'Create and activate a DKIM key',
    text: 'A DKIM key signs your mail so receivers trust it. Create a key, publish its record in your DNS, ' +
        'then activate it.'
  },
  {
    key: 'hasRoute',
    link: '#/routes',
    title: 'Set the smarthost and check it',
    text: 'The smarthost is the mail service that carries your mail onward (for example Microsoft 365 or ' +
        'Google). Add a route to it and press Check.'
  },
  {
    key: 'testMessageDelivered',
    link: '#/test',
    title: 'Send a test message and see it delivered',
    text: 'Send one message to a mailbox you can read and watch it arrive.'
  },
];

const LISTENER_TEXT = {
  submission: 'Mail programs (STARTTLS)',
  submissions: 'Mail programs (TLS)',
  alternate: 'Mail programs (other port)',
  admin: 'Admin page',
};

export async function render(ctx) {
  ctx.add(pageHeader(ctx, 'Overview', 'How Postern is doing, and what to do next.'));
  const region = el('div');
  ctx.add(region);
  await loadInto(
      region, () => Promise.all([api.get('/status'), api.get('/limits')]),
      ([status, limits]) => show(status, limits));
}

function show(status, limits) {
  const checklist = status.checklist || {};
  const allDone = STEPS.every((s) => checklist[s.key]);
  return [
    allDone ? null : firstSteps(checklist),
    problems(status.problems || [], allDone),
    limitedUsers(limits),
    figures(status),
  ];
}

// Users refused by a sending limit within 24 hours: a stolen password, or someone who needs a higher limit.
function limitedUsers(limits) {
  const limited = (limits.items || []).filter((u) => u.limited);
  if (limited.length === 0) return null;
  const used = (n, limit) => (limit === 0 ? `${n}` : `${n} of ${limit}`);
  return el(
      'section', {class: 'card limited-users'}, el('h2', {}, 'Users stopped by a sending limit'),
      el('p', {},
         'These users tried to send more than their limit in the last 24 hours; their mail program was ' +
             'told to try again later. If you do not expect that much mail from them, their password may ' +
             'have been stolen: open the user and change it. If they really need more, raise their limits ' +
             'there.'),
      table({
        caption: 'Users stopped by a sending limit',
        columns: [
          {label: 'User', cell: (u) => appLink(`#/users/${encodeURIComponent(u.login)}`, u.login, 'break')},
          {label: 'Messages this hour', cell: (u) => used(u.usage.messagesLastHour, u.effective.messagesPerHour)},
          {
            label: 'Recipients today',
            cell: (u) => used(u.usage.recipientsLastDay, u.effective.recipientsPerDay)
          },
          {
            label: 'Refused',
            cell: (u) => el('span', {}, badge(`${u.usage.refusalsLastDay}×`, 'bad'), ' last ',
                            timeEl(u.usage.lastRefusal))
          },
        ],
        rows: limited,
      }));
}

function firstSteps(checklist) {
  const done = STEPS.filter((s) => checklist[s.key]).length;
  return el(
      'section', {class: 'card steps'}, el('h2', {}, 'First steps'),
      el('p', {},
         `${done} of ${STEPS.length} done. Work through them in order; each link takes you to the ` +
             'page where the step is done.'),
      el('ol', {class: 'checklist'}, STEPS.map((step) => {
        const isDone = Boolean(checklist[step.key]);
        return el(
            'li', {class: isDone ? 'done' : 'todo'},
            el('span', {class: 'check', 'aria-hidden': 'true'}, isDone ? '✓' : ''),
            el('div', {},
               el('p', {class: 'step-title'}, appLink(step.link, step.title), ' ',
                  isDone ? badge('Done', 'ok') : badge('To do', 'warn')),
               el('p', {class: 'hint'}, step.text)));
      })));
}

function problems(list, allDone) {
  if (list.length === 0) {
    return allDone ? alertBox('ok', 'Everything is set up and no problems are known.') : null;
  }
  return el(
      'section', {class: 'card problems'}, el('h2', {}, 'Problems to fix'),
      el('ul', {class: 'problem-list'},
         list.map((p) => el('li', {}, el('p', {}, p.message), problemLink(p)))));
}

// The contract gives a link per problem; only links into this application are followed.
function problemLink(problem) {
  let target = typeof problem.link === 'string' ? problem.link : '';
  if (target.startsWith('/') && !target.startsWith('//') && !target.startsWith('/api/'))
    target = `#${target}`;
  if (!target.startsWith('#/')) {
    target = {
      relay_failing: '#/routes',
      deferred_over_an_hour: '#/queue',
      domain_without_dkim: '#/dkim',
      dns_record: '#/domains'
    }[problem.kind || problem.code] ||
        '';
  }
  return target ? appLink(target, 'Go there to fix it', 'button secondary small') : null;
}

function figures(status) {
  const today = status.today || {};
  const queue = status.queue || {};
  const cert = status.certificate || {};
  const last = status.lastRelayError;
  return el(
      'div', {class: 'grid'},
      el('section', {class: 'card'}, el('h2', {}, 'Today'),
         el('div', {class: 'figures'}, figure('Accepted', today.accepted, 'messages from your users'),
            figure('Delivered', today.delivered, 'handed to the smarthost'),
            figure('Deferred', today.deferred, 'will be tried again'),
            figure('Bounced', today.bounced, 'refused for good'))),
      el('section', {class: 'card'}, el('h2', {}, 'Queue'), facts([
           ['Waiting messages', String(queue.messages ?? 0)],
           ['Oldest arrived', timeEl(queue.oldestArrival)],
         ]),
         el('p', {}, appLink('#/queue', 'Open the queue'))),
      el('section', {class: 'card'}, el('h2', {}, 'Last delivery error'),
         last ? facts([
           ['When', timeEl(last.time)], ['Smarthost', last.remote], ['Its answer', el('code', {}, last.reply)]
         ]) :
                el('p', {}, 'None recorded.')),
      el('section', {class: 'card'}, el('h2', {}, 'Server'), facts([
           ['Host name', status.hostname],
           ['Version', status.version],
           ['Running for', durationText(status.uptimeSeconds)],
           ...(status.listeners || [])
               .map((l) => [LISTENER_TEXT[l.kind] || l.kind, el('code', {}, l.address)]),
         ])),
      el('section', {class: 'card'}, el('h2', {}, 'Certificate'), facts([
           ['Issued to', cert.subject],
           ['Valid until', timeEl(cert.notAfter)],
         ]),
         cert.selfSigned ? el('p', {class: 'note'},
                              'This certificate is self-signed: mail programs and browsers ' +
                                  'warn about it until you install a certificate from a ' +
                                  'certificate authority (see the tls settings ' +
                                  'in the configuration file).') :
                           null));
}

function figure(label, value, hint) {
  return el(
      'div', {class: 'figure'}, el('span', {class: 'figure-value'}, String(value ?? 0)),
      el('span', {class: 'figure-label'}, label), el('span', {class: 'figure-hint'}, hint));
}
