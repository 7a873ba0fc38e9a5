// Sign in, and the one-time creation of the first administrator (#/setup?token=…, the link Postern writes
// to its log at the first start when no administrator exists).

import * as api from '../api.js';
import {alertBox, el} from '../dom.js';
import {field, form, setFieldError} from '../forms.js';

export async function render(ctx, next) {
  document.title = 'Sign in — Postern';
  ctx.heading = el('h1', {tabindex: '-1', class: 'page-title'}, 'Sign in');
  const login = field({label: 'Login', name: 'login', autocomplete: 'username', required: true});
  const password = field({
    label: 'Password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true
  });
  const setupNote = el('div');
  const signInForm = form({
    fields: [login, password],
    submitLabel: 'Sign in',
    onSubmit: async (values) => {
      const answer =
          await api.post('/login', {login: values.login.trim(), password: values.password}, {public: true});
      ctx.signedIn(answer.me, answer.csrf);
      ctx.navigate(next && next.startsWith('#/') && !next.startsWith('#/signin') ? next : '#/');
    },
  });
  ctx.add(
      el('div', {class: 'signin'},
         el('section', {class: 'card signin-card'}, ctx.heading,
            el('p', {class: 'intro'},
               'Sign in with your Postern administrator account to manage who may send mail ' +
                   'through this server and where it goes.'),
            signInForm),
         setupNote));
  login.input.focus();
  try {
    const setup = await api.get('/setup');
    if (setup.needed) {
      setupNote.append(alertBox(
          'info', el('p', {}, el('strong', {}, 'No administrator account exists yet.')),
          el('p', {},
             'Open the setup link that Postern wrote to its log when it started (it looks like ' +
                 'https://…/#/setup?token=…). Or create an account on the server with the command '),
          el('pre', {class: 'command'}, 'postern admin add LOGIN')));
    }
  } catch {
    // Not knowing whether setup is needed only costs the hint.
  }
}

export async function renderSetup(ctx) {
  document.title = 'First setup — Postern';
  const token = ctx.query.get('token') || '';
  ctx.heading = el('h1', {tabindex: '-1', class: 'page-title'}, 'Create the first administrator');
  const card = el('section', {class: 'card signin-card'}, ctx.heading);
  ctx.add(el('div', {class: 'signin'}, card));
  if (!token) {
    card.append(alertBox(
        'error',
        'This setup link has no token. Copy the whole link from Postern\'s log, ' +
            'including the part after "token=".'));
    return;
  }
  const login = field({
    label: 'Login',
    name: 'login',
    autocomplete: 'username',
    required: true,
    hint: 'Your administrator login: letters, digits and . _ @ - (an e-mail address is fine).'
  });
  const password = field({
    label: 'Password',
    name: 'password',
    type: 'password',
    autocomplete: 'new-password',
    required: true,
    hint: 'At least 8 characters. Use a password you do not use anywhere else.'
  });
  const again = field({
    label: 'Password again',
    name: 'again',
    type: 'password',
    autocomplete: 'new-password',
    required: true
  });
  const setupForm = form({
    fields: [login, password, again],
    submitLabel: 'Create account and sign in',
    onSubmit: async (values) => {
      if (values.password !== values.again) {
        setFieldError(again, 'The two passwords differ. Type the same password twice.');
        again.input.focus();
        return;
      }
      const answer = await api.post(
          '/setup', {token, login: values.login.trim(), password: values.password}, {public: true});
      ctx.signedIn(answer.me, answer.csrf);
      // The token is used up: leave its address so it is not in the history as the current page.
      window.location.replace('#/');
    },
  });
  card.append(
      el('p', {class: 'intro'},
         'Postern has no administrator yet. Choose the login and password of the first ' +
             'one; it can add more accounts later. This link works once and for one hour.'),
      setupForm);
  login.input.focus();
}
