// Sign in (with a second step for the code of an account's authenticator app), and the one-time creation of
// the first administrator (#/setup?token=…, the link Postern writes to its log at the first start when no
// administrator exists).

import * as api from '../api.js';
import {alertBox, clear, el} from '../dom.js';
import {field, form, setFieldError} from '../forms.js';

export async function render(ctx, next) {
  document.title = 'Sign in — Postern';
  ctx.heading = el('h1', {tabindex: '-1', class: 'page-title'}, 'Sign in');
  const goOn = (answer) => {
    ctx.signedIn(answer.me, answer.csrf);
    const mustEnroll = answer.me && answer.me.totp && answer.me.totp.required && !answer.me.totp.enrolled;
    ctx.navigate(
        mustEnroll                                                        ? '#/account' :
            next && next.startsWith('#/') && !next.startsWith('#/signin') ? next :
                                                                            '#/');
  };
  const step = el('div');
  const setupNote = el('div');
  const totpNote = el('div');
  ctx.add(
      el('div', {class: 'signin'},
         el('section', {class: 'card signin-card'}, ctx.heading,
            el('p', {class: 'intro'},
               'Sign in with your Postern administrator account to manage who may send mail ' +
                   'through this server and where it goes.'),
            step, totpNote),
         setupNote));
  passwordStep(step, goOn);
  try {
    const setup = await api.get('/setup');
    if (setup.requireTotp) {
      totpNote.append(
          el('p', {class: 'hint'},
             'This server requires a second factor for every administrator: a code from an ' +
                 'authenticator app. Without one yet, you set it up right after signing in.'));
    }
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

// Step one: login and password. An account with a second factor answers with a pending sign-in instead of
// a session, and step two asks for the code.
function passwordStep(step, goOn, notice) {
  const login = field({label: 'Login', name: 'login', autocomplete: 'username', required: true});
  const password = field({
    label: 'Password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true
  });
  const signInForm = form({
    fields: [login, password],
    submitLabel: 'Sign in',
    onSubmit: async (values) => {
      const answer =
          await api.post('/login', {login: values.login.trim(), password: values.password}, {public: true});
      if (answer.secondFactor) {
        codeStep(step, goOn, answer.pending);
        return;
      }
      goOn(answer);
    },
  });
  clear(step).append(notice || '', signInForm);
  login.input.focus();
}

function codeStep(step, goOn, pending) {
  const code = field({
    label: 'Code from your authenticator app',
    name: 'code',
    autocomplete: 'one-time-code',
    required: true,
    hint: 'The 6 digits the app shows for Postern now. Lost the phone? Enter one of your recovery codes ' +
        '(XXXX-XXXX-XXXX-XXXX) instead; each works once.'
  });
  const codeForm = form({
    fields: [code],
    submitLabel: 'Verify and sign in',
    onSubmit: async (values) => {
      try {
        goOn(await api.post('/login/totp', {pending, code: values.code.trim()}, {public: true}));
      } catch (err) {
        // A wrong code spends the pending sign-in: start again with the password.
        if (err && err.status === 401) {
          passwordStep(step, goOn, alertBox('error', err.message));
          return;
        }
        throw err;
      }
    },
  });
  clear(step).append(
      el('p', {}, 'Your password is right. This account also needs a second factor.'), codeForm);
  code.input.focus();
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
