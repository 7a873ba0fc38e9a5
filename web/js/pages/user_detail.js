// One mail user: enable or disable, set a new password, the sender addresses it may use, its sending limits
// (use against them, and its own limits), how to set up its mail client (the settings to type by hand and its
// Apple profile), delete.

import * as api from '../api.js';
import {path} from '../api.js';
import {announce, badge, clear, confirmDialog, el, facts, timeEl} from '../dom.js';
import {act, field, form} from '../forms.js';
import {loadInto, pageHeader, viewerNote} from '../page.js';
import {oneTimePassword, passwordChooser} from '../password.js';

export async function render(ctx) {
  const login = ctx.segments[1];
  ctx.add(pageHeader(ctx, 'User'), el('p', {class: 'back'}, el('a', {href: '#/users'}, '← All users')));
  const region = el('div');
  ctx.add(region);
  const reload = () => loadInto(
      region,
      () => Promise.all([
        api.get(path`/users/${login}`), api.get('/client-settings'), api.get(path`/users/${login}/limits`)
      ]),
      ([user, settings, limits]) => show(ctx, user, settings, reload, limits));
  await reload();
}

function show(ctx, user, settings, reload, limits) {
  ctx.heading.textContent = user.login;
  ctx.heading.classList.add('break');
  document.title = `${user.login} — Postern`;
  return [
    viewerNote(ctx, 'change this user'),
    stateCard(ctx, user, reload),
    addressesCard(ctx, user, reload),
    limitsCard(ctx, user, limits, reload),
    clientCard(user, settings),
    ctx.canChange ? passwordCard(user) : null,
    ctx.canChange ? deleteCard(user) : null,
  ];
}

function stateCard(ctx, user, reload) {
  const feedback = el('div');
  const toggle =
      el('button', {type: 'button', class: user.enabled ? 'button secondary' : 'button'},
         user.enabled ? 'Disable this user' : 'Enable this user');
  toggle.addEventListener('click', async () => {
    const {ok} = await act(
        toggle, feedback, () => api.patch(path`/users/${user.login}`, {enabled: !user.enabled}),
        user.enabled ? 'User disabled.' : 'User enabled.');
    if (ok) await reload();
  });
  return el(
      'section', {class: 'card'}, el('h2', {}, 'State'), facts([
        ['State', user.enabled ? badge('Enabled', 'ok') : badge('Disabled', 'bad')],
        ['Added', timeEl(user.createdAt)],
        ['Last changed', timeEl(user.updatedAt)],
      ]),
      el('p', {class: 'hint'},
         user.enabled ? 'A disabled user cannot sign in or send mail; its settings ' +
                 'are kept. Use this when someone leaves ' +
                 'or a device is lost.' :
                        'This user cannot sign in or send mail until you enable it again.'),
      ctx.canChange ? el('div', {class: 'actions'}, toggle) : null, feedback);
}

function addressesCard(ctx, user, reload) {
  const feedback = el('div');
  const items = user.addresses || [];
  const list = el('ul', {class: 'address-list'}, items.map((pattern) => {
    const remove =
        el('button', {type: 'button', class: 'button secondary small', 'aria-label': `Remove ${pattern}`},
           'Remove');
    remove.addEventListener('click', async () => {
      const sure = await confirmDialog({
        title: 'Remove this sender address?',
        message: [`${user.login} will no longer be allowed to send as ${pattern}.`],
        confirmLabel: 'Remove',
        danger: true
      });
      if (!sure) return;
      const {ok} = await act(
          remove, feedback, () => api.del(path`/users/${user.login}/addresses/${pattern}`),
          `${pattern} removed.`);
      if (ok) await reload();
    });
    return el(
        'li', {}, el('span', {class: 'break'}, pattern),
        pattern.startsWith('@') ? el('span', {class: 'hint'}, ` every address of ${pattern.slice(1)}`) : null,
        ctx.canChange ? remove : null);
  }));
  const pattern = field({
    label: 'Address or @domain',
    name: 'pattern',
    required: true,
    inputmode: 'email',
    placeholder: 'sales@example.org or @example.org'
  });
  const addForm = form({
    fields: [pattern],
    submitLabel: 'Allow',
    className: 'inline-form',
    onSubmit: async (values) => {
      const added = await api.post(path`/users/${user.login}/addresses`, {pattern: values.pattern.trim()});
      announce(`${added.pattern} allowed.`);
      await reload();
    },
  });
  return el(
      'section', {class: 'card'}, el('h2', {}, 'Sender addresses'),
      el('p', {}, 'The addresses this user may send from. Mail with another From address is refused.'),
      el('p', {class: 'hint'},
         'Enter one address, such as sales@example.org, or "@" and a domain, such as ' +
             '@example.org, to allow every address of that domain (for example for a shared scanner).'),
      items.length ? list : el('p', {class: 'empty'}, 'No sender addresses: this user cannot send any mail.'),
      feedback, ctx.canChange ? addForm : null);
}

// ---- Sending limits (README "Sending limits"): the use against each limit, and the user's own limits.
function limitText(n) {
  return n === 0 ? 'no limit' : String(n);
}

function plural(n, word) {
  return `${n} ${n === 1 ? word : `${word}s`}`;
}

function usageRow(used, limit, unit, window) {
  if (limit === 0) return el('span', {}, `${plural(used, unit)} ${window} (no limit)`);
  const percent = Math.min(100, Math.round((100 * used) / limit));
  const kind = used >= limit ? 'bad' : percent >= 80 ? 'warn' : 'ok';
  return el(
      'span', {class: 'usage'},
      el('progress', {max: limit, value: Math.min(used, limit), 'aria-label': `${unit} ${window}`}),
      ` ${used} of ${plural(limit, unit)} ${window} `,
      used >= limit ? badge('Limit reached', kind) : percent >= 80 ? badge('Near the limit', kind) : null);
}

function limitsCard(ctx, user, limits, reload) {
  const {effective, overrides, defaults, usage} = limits;
  const limitField = (name, label, unit) => field({
    label,
    name,
    inputmode: 'numeric',
    value: overrides[name] === null ? '' : String(overrides[name]),
    placeholder: `default: ${limitText(defaults[name])}`,
    hint: `Leave empty to use the server's default (${limitText(defaults[name])} ${unit}). ` +
        'Enter 0 for no limit at all.',
  });
  const messages = limitField('messagesPerHour', 'Messages per hour', 'messages');
  const recipients = limitField('recipientsPerDay', 'Recipients per day', 'recipients');
  const change = form({
    fields: [messages, recipients],
    submitLabel: 'Save limits',
    onSubmit: async (values) => {
      const value = (text) => {
        const t = text.trim();
        return t === '' ? 'default' : /^[0-9]+$/.test(t) ? Number(t) : t;
      };
      await api.patch(path`/users/${user.login}/limits`, {
        messagesPerHour: value(values.messagesPerHour),
        recipientsPerDay: value(values.recipientsPerDay),
      });
      announce('Sending limits saved.');
      await reload();
    },
  });
  return el(
      'section', {class: 'card', id: 'limits'}, el('h2', {}, 'Sending limits'),
      el('p', {},
         'How much mail this user may send. If someone steals the password, the limits keep them from ' +
             'sending thousands of spam messages through your mail provider in the office\'s name.'),
      facts([
        ['Sent in the last hour', usageRow(usage.messagesLastHour, effective.messagesPerHour, 'message', 'this hour')],
        ['Recipients in the last 24 hours',
         usageRow(usage.recipientsLastDay, effective.recipientsPerDay, 'recipient', 'today')],
        usage.refusalsLastDay ?
            ['Refused by a limit',
             el('span', {}, badge(`${plural(usage.refusalsLastDay, 'time')} in 24 hours`, 'bad'), ' last at ',
                timeEl(usage.lastRefusal))] :
            null,
      ]),
      el('p', {class: 'hint'},
         'Over a limit, the mail program is told to try again later (451 4.7.1) and nothing is lost: ' +
             'the counts slide, so sending works again as older messages age out. If this user really ' +
             'needs more (a newsletter, a busy shared mailbox), raise the limits below. If you did not ' +
             'expect this much mail, change the password.'),
      ctx.canChange ? change : null);
}

// How to set up this user's mail client: the values to type by hand, and the Apple profile, which an
// administrator's session may download for any user.
function clientCard(user, settings) {
  const incoming = settings.incoming;
  const sending = [];
  if (settings.implicitTlsPort) sending.push(`${settings.implicitTlsPort} with SSL/TLS`);
  if (settings.startTlsPort) sending.push(`${settings.startTlsPort} with STARTTLS`);
  const rows = [
    ['Outgoing server (SMTP)', el('span', {class: 'break'}, settings.submissionHost)],
    ['Port and security', sending.length ? sending.join(', or ') : 'No submission port is listening'],
    ['Authentication', 'Normal password (over TLS only)'],
    ['User name', el('span', {class: 'break'}, user.login)],
    ['Password', 'The one set for this user here'],
    incoming ?
        ['Incoming server (' + incoming.protocol.toUpperCase() + ')',
         el('span', {class: 'break'},
            `${incoming.host}, port ${incoming.port}, ${incoming.security === 'ssl' ? 'SSL/TLS' : 'STARTTLS'}`)] :
        ['Incoming server', 'Not configured (clients.incoming): use the mailbox provider\'s settings'],
  ];
  const profile = incoming ?
      el('p', {},
         el('a', {
           class: 'button secondary',
           href: '/api/v1' + path`/users/${user.login}/profile.mobileconfig`,
           download: ''
         },
            'Download Apple profile'),
         el('span', {class: 'hint'},
            ' For Mail on iPhone, iPad and Mac. It holds no password: the device asks for it while ' +
                'installing. The user can also download it at /profile.mobileconfig on Postern\'s public ' +
                'address with their own login and password.')) :
      el('p', {class: 'hint'},
         'Apple profiles need the incoming server: set clients.incoming in the configuration.');
  return el(
      'section', {class: 'card'}, el('h2', {}, 'How to set up this user\'s mail client'),
      el('p', {},
         'Thunderbird and Outlook find these settings themselves from the address when the autoconfig and ' +
             'autodiscover DNS names point at Postern (see the README). Otherwise type them by hand:'),
      facts(rows), profile);
}

function passwordCard(user) {
  const slot = el('div');
  const chooser = passwordChooser({legend: 'New password'});
  const resetForm = form({
    fields: [chooser.wrap],
    nested: [chooser.typed],
    submitLabel: 'Set new password',
    onSubmit: async () => {
      const password = chooser.password();
      await api.patch(path`/users/${user.login}`, {password});
      clear(slot);
      slot.append(
          chooser.wasGenerated() ? oneTimePassword(user.login, password) :
                                   el('p', {class: 'alert ok', role: 'status'}, 'Password changed.'));
      announce('Password changed.');
      chooser.reset();
    },
  });
  return el(
      'section', {class: 'card'}, el('h2', {}, 'Password'),
      el('p', {},
         'Set a new password when the user forgot it or it may be known to others. The old one stops ' +
             'working at once; update the password in the user\'s mail programs and devices.'),
      resetForm, slot);
}

function deleteCard(user) {
  const feedback = el('div');
  const button = el('button', {type: 'button', class: 'button danger'}, 'Delete this user');
  button.addEventListener('click', async () => {
    const sure = await confirmDialog({
      title: 'Delete this user?',
      message: [
        el('p', {}, 'Delete ', el('strong', {class: 'break'}, user.login),
           ' and its sender addresses? This cannot be undone.'),
        'To stop the user for a while, disable it instead.'
      ],
      confirmLabel: 'Delete user',
      danger: true
    });
    if (!sure) return;
    const {ok} =
        await act(button, feedback, () => api.del(path`/users/${user.login}`), `User ${user.login} deleted.`);
    if (ok) window.location.hash = '#/users';
  });
  return el(
      'section', {class: 'card danger-zone'}, el('h2', {}, 'Delete'),
      el('p', {},
         'Deleting removes the user and its sender addresses. Messages already in the queue are ' +
             'still delivered.'),
      el('div', {class: 'actions'}, button), feedback);
}
