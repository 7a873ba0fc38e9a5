// Routes: which smarthost carries whose mail. The list with each route's Check, the default route, and
// "which route does this sender take". Adding and editing are on route_form.js.

import * as api from '../api.js';
import {path} from '../api.js';
import {alertBox, badge, clear, confirmDialog, el, facts} from '../dom.js';
import {act, field, form} from '../forms.js';
import {loadInto, pageHeader, viewerNote} from '../page.js';

export const TLS_TEXT = {
  starttls: 'STARTTLS (usually port 587)',
  tls: 'TLS from the start (usually port 465)',
  none: 'None: unencrypted (only inside a trusted network)',
};
export const AUTH_TEXT = {
  none: 'No sign-in',
  password: 'User name and password',
  xoauth2: 'OAuth 2.0 (XOAUTH2)',
  oauthbearer: 'OAuth 2.0 (OAUTHBEARER)',
};

export async function render(ctx) {
  ctx.add(pageHeader(
      ctx, 'Routes',
      'A route sends mail to a smarthost: the mail service that delivers it onward, such as Microsoft 365, ' +
          'Google Workspace or your provider. Each route covers some senders; "*" covers everyone.'));
  const region = el('div');
  const reload = () => loadInto(region, () => api.get('/routes'), (data) => showRoutes(ctx, data, reload));
  const saved = ctx.query.get('saved');
  ctx.add(
      viewerNote(ctx, 'add or change routes'),
      saved ? alertBox(
                  'ok',
                  `Route ${saved} saved. Press its Check button to make sure Postern can reach the ` +
                      'smarthost and sign in.') :
              null,
      ctx.canChange ?
          el('p', {class: 'actions'}, el('a', {href: '#/routes/new', class: 'button'}, 'Add a route')) :
          null,
      region, senderTest());
  await reload();
}

function showRoutes(ctx, data, reload) {
  const routes = data.items || [];
  const coversAll = routes.some((r) => (r.senders || []).includes('*'));
  let defaultNote;
  if (coversAll) {
    defaultNote = null;
  } else if (data.defaultRoute === 'config') {
    defaultNote = alertBox(
        'info',
        'Mail from senders that no route below covers goes to the smarthost set in ' +
            'the configuration file (route "config").');
  } else {
    defaultNote = alertBox(
        'warn',
        'No route covers every sender ("*") and the configuration file sets no ' +
            'smarthost: mail from other senders waits in the queue. Add a route with sender "*".');
  }
  return [
    defaultNote,
    routes.length === 0 ? el('p', {class: 'empty card'},
                             'No routes yet. Add one, for example with the Microsoft ' +
                                 '365 or Google preset.') :
                          routes.map((r) => routeCard(ctx, r, reload)),
  ];
}

function secretState(has) {
  return has ? badge('set', 'ok') : badge('not set', 'neutral');
}

function routeCard(ctx, route, reload) {
  const feedback = el('div');
  const checkResult = el('div', {'aria-live': 'polite'});
  const rows = [
    ['Senders', (route.senders || []).join(', ')],
    [
      'Smarthosts, in order',
      el('ul', {class: 'plain-list'}, (route.hosts || []).map((h) => el('li', {}, el('code', {}, h))))
    ],
    ['Encryption', TLS_TEXT[route.tls] || route.tls],
    ['Sign-in', AUTH_TEXT[route.auth] || route.auth],
  ];
  if (route.spf) rows.push(['SPF mechanism', el('code', {class: 'break'}, route.spf)]);
  if (route.auth !== 'none') rows.push(['User name', route.username]);
  if (route.auth === 'password') rows.push(['Password', secretState(route.hasPassword)]);
  if (route.auth === 'xoauth2' || route.auth === 'oauthbearer') {
    rows.push(
        ['OAuth grant', route.oauthGrant === 'refresh_token' ? 'Refresh token' : 'Client credentials'],
        ['Client ID', route.oauthClientId], ['Client secret', secretState(route.hasClientSecret)]);
    if (route.oauthGrant === 'refresh_token')
      rows.push(['Refresh token', secretState(route.hasRefreshToken)]);
  }
  const check = el('button', {type: 'button', class: 'button'}, 'Check');
  check.addEventListener('click', async () => {
    clear(checkResult);
    checkResult.append(el('p', {class: 'loading'}, 'Connecting to each smarthost… this can take a while.'));
    const {ok, value} = await act(check, feedback, () => api.post(path`/routes/${route.name}/check`));
    clear(checkResult);
    if (ok) checkResult.append(checkTable(value.hosts || [], route.tls));
  });
  const remove = el('button', {type: 'button', class: 'button danger'}, 'Delete');
  remove.addEventListener('click', async () => {
    const sure = await confirmDialog({
      title: `Delete route ${route.name}?`,
      message:
          ['Its stored secrets are deleted with it. Mail from its ' +
           'senders then takes another route, or waits in ' +
           'the queue if none covers them.'],
      confirmLabel: 'Delete route',
      danger: true
    });
    if (!sure) return;
    const {ok} = await act(
        remove, feedback, () => api.del(path`/routes/${route.name}`), `Route ${route.name} deleted.`);
    if (ok) await reload();
  });
  return el(
      'article', {class: 'card route'}, el('h2', {class: 'break'}, route.name), facts(rows),
      el('div', {class: 'actions'}, ctx.canChange ? check : null,
         el('a', {href: `#/routes/${encodeURIComponent(route.name)}`, class: 'button secondary'},
            ctx.canChange ? 'Edit' : 'Details'),
         ctx.canChange ? remove : null),
      ctx.canChange ? el('p', {class: 'hint'},
                         'Check connects to each smarthost and signs in, without sending ' +
                             'mail.') :
                      null,
      feedback, checkResult);
}

function checkTable(hosts, tls) {
  if (hosts.length === 0) return el('p', {class: 'empty'}, 'The route has no hosts to check.');
  const allOk = hosts.every((h) => h.ok);
  return el(
      'div', {class: 'check-result'},
      allOk ?
          alertBox('ok', 'Every smarthost answered, and the connection and sign-in worked.') :
          alertBox(
              'error',
              'At least one smarthost failed. See its line below: the error and the smarthost\'s ' +
                  'answer usually say what to change (host name, port, encryption, user name or secret).'),
      hosts.map(
          (h) =>
              el('div', {class: 'host-check'},
                 el('h3', {}, el('code', {}, h.host), ' ', h.ok ? badge('OK', 'ok') : badge('Failed', 'bad')),
                 facts([
                   ['TLS', h.tlsVersion ? `${h.tlsVersion}, ${h.cipher}` : 'not used'],
                   ['Certificate', certificateState(h, tls)],
                   [
                     'Sign-in',
                     h.authMechanism ? el('span', {}, h.authMechanism, ' ',
                                          h.authOk ? badge('accepted', 'ok') : badge('refused', 'bad')) :
                                       'none'
                   ],
                   h.reply ? ['Smarthost\'s answer', el('code', {class: 'break'}, h.reply)] : null,
                   h.error ? ['Error', el('span', {class: 'error-text'}, h.error)] : null,
                 ]))));
}

// A route without encryption has no certificate to check: "not verified" in red would read as a fault.
function certificateState(h, tls) {
  if (h.certificateVerified) return badge('verified', 'ok');
  if (tls === 'none') return 'not used';
  return el('span', {}, badge('not verified', 'bad'), ' ', h.certificateError || '');
}

function senderTest() {
  const result = el('div', {'aria-live': 'polite'});
  const sender = field({
    label: 'Sender address',
    name: 'sender',
    inputmode: 'email',
    required: true,
    placeholder: 'alice@example.org'
  });
  const testForm = form({
    fields: [sender],
    submitLabel: 'Show route',
    className: 'inline-form',
    onSubmit: async (values) => {
      clear(result);
      const answer = await api.get('/routes/test', {sender: values.sender.trim()});
      result.append(
          answer.route ?
              alertBox(
                  'ok', 'Mail from ', el('strong', {class: 'break'}, answer.sender), ' goes by route ',
                  el('strong', {},
                     answer.route === 'config' ? 'config (the smarthost in the configuration file)' :
                                                 answer.route),
                  '.') :
              alertBox(
                  'warn', 'No route covers ', el('strong', {class: 'break'}, answer.sender),
                  ': such mail would wait in the queue. Add a route for this sender, its domain, or "*".'));
    },
  });
  return el(
      'section', {class: 'card'}, el('h2', {}, 'Which route does this sender take?'),
      el('p', {class: 'hint'}, 'Type an address to see which route its mail would take.'), testForm, result);
}
