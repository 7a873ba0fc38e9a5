// Passwords made in the browser and shown once. The server never sends a password back, so the one place
// a generated password can be read is the box shown right after it was set.

import {copyButton, el, uniqueId} from './dom.js';
import {field} from './forms.js';

// No 0/O, 1/l/I: the password is read off a screen and typed into a mail program.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

// 20 characters of 57 (about 116 bits), in groups of four for reading aloud.
export function generatePassword() {
  const chars = [];
  const limit = 256 - (256 % ALPHABET.length);  // rejection sampling keeps every character equally likely
  while (chars.length < 20) {
    const bytes = new Uint8Array(32);
    crypto.getRandomValues(bytes);
    for (const b of bytes) {
      if (b < limit && chars.length < 20) chars.push(ALPHABET[b % ALPHABET.length]);
    }
  }
  return chars.join('').match(/.{4}/g).join('-');
}

// A choice between a generated and a typed password. password() gives the one to send; wasGenerated()
// says whether to show it afterwards. `typed` is a field() named "password" (for the API's field errors).
export function passwordChooser(
    {legend = 'Password', hint = 'At least 8 characters.', name = 'password'} = {}) {
  const group = uniqueId('pw-mode');
  const generateRadio =
      el('input', {type: 'radio', name: group, value: 'generate', id: `${group}-g`, checked: true});
  const typeRadio = el('input', {type: 'radio', name: group, value: 'type', id: `${group}-t`});
  const typed =
      field({label: 'Password', name, type: 'password', hint, autocomplete: 'new-password', required: true});
  typed.wrap.hidden = true;
  const update = () => {
    typed.wrap.hidden = !typeRadio.checked;
    if (typeRadio.checked) typed.input.focus();
  };
  generateRadio.addEventListener('change', update);
  typeRadio.addEventListener('change', update);
  const wrap =
      el('fieldset', {class: 'fieldset'}, el('legend', {}, legend),
         el('div', {class: 'radio'}, generateRadio,
            el('label', {'for': generateRadio.id},
               'Generate a strong password (shown once, for you to pass on)')),
         el('div', {class: 'radio'}, typeRadio, el('label', {'for': typeRadio.id}, 'Type a password')),
         typed.wrap);
  let last = '';
  return {
    wrap,
    typed,
    wasGenerated: () => generateRadio.checked,
    // A new generated password on every call: a failed attempt must not leave one behind to reuse.
    password: () => {
      last = generateRadio.checked ? generatePassword() : typed.input.value;
      return last;
    },
    reset: () => {
      typed.input.value = '';
      generateRadio.checked = true;
      typed.wrap.hidden = true;
    },
  };
}

// The box that shows a generated password once, with a copy button and what to do with it.
export function oneTimePassword(forWhom, password, onDone) {
  const id = uniqueId('secret');
  const output = el('input', {
    id,
    type: 'text',
    class: 'secret-value',
    readOnly: true,
    value: password,
    autocomplete: 'off',
    spellcheck: 'false'
  });
  const done = el('button', {type: 'button', class: 'button secondary'}, 'I have noted it');
  const box =
      el('section', {class: 'one-time', role: 'status', 'aria-label': `New password for ${forWhom}`},
         el('h3', {}, 'New password for ', el('span', {class: 'break'}, forWhom)),
         el('p', {},
            'This password is shown only now. Copy it and give it to the person in a safe way ' +
                '(in person or by phone, not by e-mail to the same mailbox).'),
         el('div', {class: 'secret-row'}, el('label', {'for': id, class: 'sr-only'}, 'Password'), output,
            copyButton(() => password, 'Copy password')),
         el('div', {class: 'actions'}, done));
  done.addEventListener('click', () => {
    output.value = '';
    box.remove();
    if (onDone) onDone();
  });
  return box;
}
