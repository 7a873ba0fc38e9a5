// The signed-in administrator's own account: who it is, what its role allows, and a new password. Every
// role reaches this page (the Administrators page is for role admin only), so a viewer can change its own
// password too; the server allows exactly that and nothing else to a viewer. The second factor (a TOTP
// authenticator app) is set up and turned off here; its QR code is drawn by web/js/qr.js, in the page, so
// the secret never leaves for an outside service.

import * as api from '../api.js';
import {path} from '../api.js';
import {alertBox, announce, clear, copyButton, el} from '../dom.js';
import {act, field, form} from '../forms.js';
import {pageHeader} from '../page.js';
import {qrSvg} from '../qr.js';

const ROLE_TEXT = {
  admin: 'The admin role may change everything, including the other administrator accounts.',
  viewer: 'The viewer role may look at every page but not change anything, except this password.'
};

export async function render(ctx) {
  const {login, role} = ctx.me;
  ctx.add(pageHeader(
      ctx, 'Your account',
      el('p', {class: 'intro'}, 'You are signed in as ', el('strong', {}, login), ` with the ${role} role. `,
         ROLE_TEXT[role] || '')));
  const totpArea = el('section', {class: 'card', id: 'totp-card'});
  ctx.add(totpArea);
  if (!ctx.me.mustEnroll) ctx.add(passwordCard(login));
  const me = await api.get('/me');
  showTotp(ctx, totpArea, me.totp || {});
}

// The second factor's card: off (with the way to set it up) or on (with the way to turn it off).
function showTotp(ctx, card, totp) {
  clear(card).append(el('h2', {}, 'Second factor'));
  if (totp.enrolled) {
    card.append(
        el('p', {}, 'On. Signing in asks for a code from your authenticator app after the password. ',
           `${totp.recoveryCodesLeft} of 10 recovery codes left.`),
        disableForm(ctx, card));
    return;
  }
  if (totp.required) {
    card.append(alertBox(
        'info', el('p', {}, el('strong', {}, 'This server requires a second factor.')),
        el('p', {}, 'Set it up now: until then, nothing else in the admin can be used.')));
  }
  const where = el('div');
  const start = el('button', {type: 'button', class: 'button'}, 'Set up a second factor');
  start.addEventListener('click', () => act(start, where, async () => {
                                    const enrollment = await api.post('/me/totp', {});
                                    enrollStep(ctx, card, enrollment);
                                  }));
  card.append(
      el('p', {},
         'Off. With a second factor, signing in also needs a 6-digit code from an authenticator ' +
             'app on your phone (any app for TOTP codes), so a stolen password alone is not enough.'),
      el('div', {class: 'actions'}, start), where);
}

function enrollStep(ctx, card, enrollment) {
  const code = field({
    label: 'Code from the app',
    name: 'code',
    autocomplete: 'one-time-code',
    inputmode: 'numeric',
    required: true,
    hint: 'The 6 digits the app shows for Postern now.'
  });
  const confirmForm = form({
    fields: [code],
    submitLabel: 'Turn on the second factor',
    onSubmit: async (values) => {
      const answer = await api.post('/me/totp/confirm', {code: values.code.trim()});
      ctx.totpEnrolled();
      recoveryStep(card, answer.recoveryCodes || []);
      announce('Second factor turned on. Save your recovery codes now.');
    },
  });
  const secret = el(
      'code', {class: 'totp-secret', id: 'totp-secret'}, enrollment.secret.replace(/(.{4})/g, '$1 ').trim());
  clear(card).append(
      el('h2', {}, 'Set up the second factor'),
      el('ol', {class: 'steps'}, el('li', {}, 'Scan this QR code with your authenticator app.'),
         el('li', {},
            'Or, if the app cannot scan, add an account by hand with this key (time-based, 6 digits, ',
            '30 seconds):'),
         el('li', {}, 'Enter the code the app then shows, to prove it works.')),
      el('div', {class: 'qr-frame', id: 'totp-qr'},
         qrSvg(enrollment.uri, {scale: 5, title: `QR code for ${enrollment.label}`})),
      el('div', {class: 'secret-row'}, secret, copyButton(enrollment.secret, 'Copy key')),
      el('p', {class: 'hint'}, `Account name in the app: ${enrollment.issuer} (${enrollment.label}).`),
      confirmForm);
  code.input.focus();
}

// The recovery codes exist in clear only now: the server keeps their hashes.
function recoveryStep(card, codes) {
  const text = `Postern recovery codes\n\n${
      codes.join('\n')}\n\nEach code works once, instead of a code from the app.\n`;
  const download = el('a', {class: 'button secondary', download: 'postern-recovery-codes.txt'}, 'Download');
  download.href = URL.createObjectURL(new Blob([text], {type: 'text/plain'}));
  clear(card).append(
      el('h2', {}, 'Second factor is on'),
      alertBox(
          'ok',
          el('p', {}, el('strong', {}, 'Save these recovery codes now.'),
             ' They are shown only this once. Each one signs you in once if your phone is lost. ' +
                 'Download or print them and keep them somewhere safe, away from the phone.')),
      el('pre', {class: 'command recovery-codes', id: 'recovery-codes'}, codes.join('\n')),
      el('div', {class: 'actions'}, download, copyButton(codes.join('\n'), 'Copy codes'),
         el('a', {class: 'button', href: '#/'}, 'Done')));
}

function disableForm(ctx, card) {
  const code = field({
    label: 'Current code or your password',
    name: 'proof',
    type: 'password',
    autocomplete: 'off',
    required: true,
    hint: 'A code from the app (or a recovery code), or your password, to turn the second factor off.'
  });
  return form({
    fields: [code],
    submitLabel: 'Turn off the second factor',
    aliases: {code: 'proof', password: 'proof'},
    onSubmit: async (values) => {
      const proof = values.proof.trim();
      const isCode = /^[0-9 ]{6,7}$/.test(proof) ||
          /^[A-Za-z2-7]{4}-?[A-Za-z2-7]{4}-?[A-Za-z2-7]{4}-?[A-Za-z2-7]{4}$/.test(proof);
      await api.post('/me/totp/disable', isCode ? {code: proof} : {password: values.proof});
      announce('Second factor turned off.');
      showTotp(ctx, card, {enrolled: false, required: false});
    },
  });
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
      done.append(
          el('p', {class: 'alert ok', role: 'status'},
             'Password changed. Your other sessions are signed out; this one stays.'));
      announce('Password changed.');
    },
  });
  return el(
      'section', {class: 'card'}, el('h2', {}, 'Change your password'),
      el('p', {class: 'hint'},
         'Sign in with the new password from now on. Every other browser where you are signed in ' +
             'is signed out at once.'),
      passwordForm, done);
}
