// The signed-in administrator's own account: who it is, what its role allows, and a new password. Every
// role reaches this page (the Administrators page is for role admin only), so a viewer can change its own
// password too; the server allows exactly that and nothing else to a viewer.

import * as api from '../api.js';
import {path} from '../api.js';
import {announce, clear, el} from '../dom.js';
import {field, form} from '../forms.js';
import {pageHeader} from '../page.js';

const ROLE_TEXT = {
  admin: 'The admin role may change everything, including the other administrator accounts.',
  viewer: 'The viewer role may look at every page but not change anything, except this password.'
};

export async function render(ctx) {
  const {login, role} = ctx.me;
  ctx.add(
      pageHeader(ctx, 'Your account', el('p', {class: 'intro'}, 'You are signed in as ', el('strong', {}, login),
                                          ` with the ${role} role. `, ROLE_TEXT[role] || '')),
      passwordCard(login));
}

function passwordCard(login) {
  const password = field({
    label: 'New password',
    name: 'password',
    type: 'password',
    required: true,
    autocomplete: 'new-password',
    hint: 'At least 8 characters. Use a password you do not use anywhere else.'
  });
  const repeat = field({
    label: 'New password again',
    name: 'repeat',
    type: 'password',
    required: true,
    autocomplete: 'new-password',
    hint: 'The same once more, so a typing mistake cannot lock you out.'
  });
  const done = el('div');
  const passwordForm = form({
    fields: [password, repeat],
    submitLabel: 'Change my password',
    onSubmit: async (values) => {
      clear(done);
      if (values.password !== values.repeat) {
        const err = new Error('The two passwords differ. Type the same password twice.');
        err.field = 'repeat';
        err.status = 422;  // shown at the field, as the server's own field errors are
        throw err;
      }
      await api.patch(path`/admins/${login}`, {password: values.password});
      password.input.value = '';
      repeat.input.value = '';
      done.append(el('p', {class: 'alert ok', role: 'status'},
                     'Password changed. Your other sessions are signed out; this one stays.'));
      announce('Password changed.');
    },
  });
  return el('section', {class: 'card'}, el('h2', {}, 'Change your password'),
            el('p', {class: 'hint'},
               'Sign in with the new password from now on. Every other browser where you are signed in ' +
                   'is signed out at once.'),
            passwordForm, done);
}
