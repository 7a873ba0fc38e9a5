// Mail users: search, list, add (with a typed or a generated password). One user's details, password
// and sender addresses are on user_detail.js.

import * as api from '../api.js';
import {announce, badge, clear, el, timeEl} from '../dom.js';
import {field, form} from '../forms.js';
import {hashFor, loadInto, pageHeader, pager, viewerNote} from '../page.js';
import {oneTimePassword, passwordChooser} from '../password.js';

const LIMIT = 50;

export async function render(ctx) {
  ctx.add(pageHeader(
      ctx, 'Users',
      'Users are the people, printers and programs that send mail through Postern. Each signs in with its ' +
          'e-mail address and password, and may send only from its own sender addresses.'));
  const note = viewerNote(ctx, 'add or change users');
  const secretSlot = el('div');
  const listRegion = el('div', {'aria-live': 'polite'});
  const state = {q: ctx.query.get('q') || '', offset: Number(ctx.query.get('offset')) || 0};

  const load = () => {
    ctx.replaceQuery(hashFor('users', {q: state.q, offset: state.offset || ''}));
    return loadInto(
        listRegion, () => api.get('/users', {q: state.q, offset: state.offset, limit: LIMIT}),
        (page) =>
            [usersTable(page.items),
             pager(
                 page,
                 (offset) => {
                   state.offset = offset;
                   load();
                 }),
    ]);
  };

  const search = field({
    label: 'Search by login',
    name: 'q',
    type: 'search',
    value: state.q,
    hint: 'Part of the e-mail address, for example "sales" or "example.org".'
  });
  const searchForm = form({
    fields: [search],
    submitLabel: 'Search',
    className: 'inline-form',
    onSubmit: async (values) => {
      state.q = values.q.trim();
      state.offset = 0;
      await load();
    },
  });

  ctx.add(
      note || addUser(ctx, secretSlot, load), secretSlot,
      el('section', {class: 'card'}, el('h2', {}, 'All users'), searchForm, listRegion));
  await load();
}

function addUser(ctx, secretSlot, reload) {
  const login = field({
    label: 'E-mail address',
    name: 'login',
    inputmode: 'email',
    required: true,
    autocomplete: 'off',
    hint: 'The user signs in with this address, and may send from it. You can allow ' +
        'more sender addresses afterwards.'
  });
  const chooser = passwordChooser();
  const addForm = form({
    fields: [login, chooser.wrap],
    nested: [chooser.typed],
    submitLabel: 'Add user',
    onSubmit: async (values) => {
      const password = chooser.password();
      const user = await api.post('/users', {login: values.login.trim(), password});
      clear(secretSlot);
      const link = el('a', {href: `#/users/${encodeURIComponent(user.login)}`}, 'Open the new user');
      secretSlot.append(
          chooser.wasGenerated() ?
              oneTimePassword(user.login, password) :
              el('p', {class: 'alert ok', role: 'status'}, `User ${user.login} added. `, link));
      announce(`User ${user.login} added.`);
      login.input.value = '';
      chooser.reset();
      await reload();
    },
  });
  return el(
      'details', {class: 'card disclosure', open: ctx.query.get('add') === '1'},
      el('summary', {}, el('h2', {class: 'summary-title'}, 'Add a user')), addForm,
      el('p', {class: 'hint'},
         'Then set up the user\'s mail program with: server = this server\'s name, port ' +
             '587, STARTTLS (or port 465 with SSL/TLS), user name = the e-mail address, and the password.'));
}

function usersTable(items) {
  if (items.length === 0) return el('p', {class: 'empty'}, 'No users found.');
  return el(
      'div', {class: 'table-wrap'},
      el('table', {class: 'table'},
         el('thead', {},
            el('tr', {},
               ['Login', 'State', 'Sender addresses', 'Added'].map((c) => el('th', {scope: 'col'}, c)))),
         el('tbody', {},
            items.map(
                (u) =>
                    el('tr', {},
                       el('td', {'data-label': 'Login'},
                          el('a', {href: `#/users/${encodeURIComponent(u.login)}`, class: 'break'}, u.login)),
                       el('td', {'data-label': 'State'},
                          u.enabled ? badge('Enabled', 'ok') : badge('Disabled', 'bad')),
                       el('td', {'data-label': 'Sender addresses'},
                          el('ul', {class: 'plain-list'},
                             (u.addresses || []).map((a) => el('li', {class: 'break'}, a)))),
                       el('td', {'data-label': 'Added'}, timeEl(u.createdAt)))))));
}
