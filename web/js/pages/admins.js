// Administrator accounts of this admin page (role admin only): add, change role, enable or disable, set a
// new password, delete, reset a lost second factor. The server refuses to leave no enabled admin; its message
// says so.

import * as api from '../api.js';
import {path} from '../api.js';
import {announce, badge, clear, confirmDialog, el, timeEl, uniqueId} from '../dom.js';
import {act, field, form} from '../forms.js';
import {loadInto, pageHeader} from '../page.js';
import {oneTimePassword, passwordChooser} from '../password.js';

const ROLE_OPTIONS = [
  {value: 'admin', label: 'Admin: may change everything'},
  {value: 'viewer', label: 'Viewer: may look, not change'},
];

export async function render(ctx) {
  ctx.add(pageHeader(
      ctx, 'Administrators',
      'The accounts that sign in to this admin page. These are not mail users: they cannot send mail. Give ' +
          'each person their own account, and the viewer role to those who only need to look.'));
  const secretSlot = el('div');
  const region = el('div');
  const reload = () => loadInto(
      region, () => api.get('/admins'),
      (data) => (data.items || []).map((a) => adminCard(ctx, a, reload, secretSlot)));
  ctx.add(addAdmin(secretSlot, reload), secretSlot, el('h2', {class: 'list-title'}, 'Accounts'), region);
  await reload();
}

function addAdmin(secretSlot, reload) {
  const login = field({
    label: 'Login',
    name: 'login',
    required: true,
    hint: 'Letters, digits and . _ @ - (an e-mail address is fine).'
  });
  const role = field({label: 'Role', name: 'role', value: 'viewer', options: ROLE_OPTIONS});
  const chooser = passwordChooser();
  const addForm = form({
    fields: [login, role, chooser.wrap],
    nested: [chooser.typed],
    submitLabel: 'Add account',
    onSubmit: async (values) => {
      const password = chooser.password();
      const account = await api.post('/admins', {login: values.login.trim(), password, role: values.role});
      clear(secretSlot);
      secretSlot.append(
          chooser.wasGenerated() ? oneTimePassword(account.login || values.login.trim(), password) :
                                   el('p', {class: 'alert ok', role: 'status'}, 'Account added.'));
      announce('Account added.');
      login.input.value = '';
      chooser.reset();
      await reload();
    },
  });
  return el(
      'details', {class: 'card disclosure'},
      el('summary', {}, el('h2', {class: 'summary-title'}, 'Add an account')), addForm);
}

function adminCard(ctx, account, reload, secretSlot) {
  const self = account.login === ctx.me.login;
  const feedback = el('div');
  const patchThis = (change, message) =>
      act(null, feedback, () => api.patch(path`/admins/${account.login}`, change), message);

  const roleId = uniqueId('role');
  const role = el('select', {id: roleId}, ROLE_OPTIONS.map((o) => el('option', {value: o.value}, o.label)));
  role.value = account.role;
  const saveRole = el('button', {type: 'button', class: 'button secondary small'}, 'Change role');
  saveRole.addEventListener('click', async () => {
    if (role.value === account.role) return;
    if (self && role.value === 'viewer') {
      const sure = await confirmDialog({
        title: 'Make yourself a viewer?',
        message: ['You will no longer be able to change anything, including this.'],
        confirmLabel: 'Make me a viewer',
        danger: true
      });
      if (!sure) {
        role.value = account.role;
        return;
      }
    }
    const {ok} = await patchThis({role: role.value}, 'Role changed.');
    if (!ok)
      role.value = account.role;
    else if (self)
      window.location.reload();  // the page's own rights changed
    else
      await reload();
  });

  const toggle =
      el('button', {type: 'button', class: 'button secondary small'}, account.enabled ? 'Disable' : 'Enable');
  toggle.addEventListener('click', async () => {
    if (account.enabled) {
      const sure = await confirmDialog({
        title: `Disable ${account.login}?`,
        message: ['The account is signed out everywhere and cannot sign in until enabled again.'],
        confirmLabel: 'Disable',
        danger: true
      });
      if (!sure) return;
    }
    const {ok} = await patchThis(
        {enabled: !account.enabled}, account.enabled ? 'Account disabled.' : 'Account enabled.');
    if (ok) await reload();
  });

  const remove = el('button', {type: 'button', class: 'button danger small'}, 'Delete');
  remove.addEventListener('click', async () => {
    const sure = await confirmDialog({
      title: `Delete ${account.login}?`,
      message: ['The account is removed and signed out everywhere. Its entries in the audit log stay.'],
      confirmLabel: 'Delete account',
      danger: true
    });
    if (!sure) return;
    const {ok} =
        await act(remove, feedback, () => api.del(path`/admins/${account.login}`), 'Account deleted.');
    if (ok) await reload();
  });

  const resetTotp = totpResetButton(account, feedback, reload);

  const chooser = passwordChooser({legend: 'New password'});
  const passwordForm = form({
    fields: [chooser.wrap],
    nested: [chooser.typed],
    submitLabel: 'Set new password',
    onSubmit: async () => {
      const password = chooser.password();
      await api.patch(path`/admins/${account.login}`, {password});
      clear(secretSlot);
      secretSlot.append(
          chooser.wasGenerated() ? oneTimePassword(account.login, password) :
                                   el('p', {class: 'alert ok', role: 'status'}, 'Password changed.'));
      announce('Password changed.');
      chooser.reset();
      secretSlot.scrollIntoView({block: 'nearest'});
    },
  });

  return el(
      'article', {class: 'card admin'},
      el('h3', {}, el('span', {class: 'break'}, account.login), self ? ' (you) ' : ' ',
         badge(account.role === 'admin' ? 'Admin' : 'Viewer', account.role === 'admin' ? 'info' : 'neutral'),
         ' ', account.enabled ? badge('Enabled', 'ok') : badge('Disabled', 'bad'), ' ',
         account.totp ? badge('Second factor', 'ok') : badge('No second factor', 'neutral')),
      el('p', {class: 'hint'}, 'Added ', timeEl(account.createdAt), ' · last signed in ',
         account.lastLogin ? timeEl(account.lastLogin) : 'never'),
      el('div', {class: 'actions'}, el('label', {'for': roleId, class: 'inline-label'}, 'Role'), role,
         saveRole, self ? null : toggle, self ? null : remove, self ? null : resetTotp),
      el('details', {class: 'subtle'}, el('summary', {}, self ? 'Change my password' : 'Set a new password'),
         self ? el('p', {class: 'hint'}, 'Your other sessions are signed out; this one stays.') : null,
         passwordForm),
      feedback);
}

// A colleague's lost phone: the account signs in with its password alone afterwards (one's own second factor
// is turned off on the account page, with a code or the password).
function totpResetButton(account, feedback, reload) {
  if (!account.totp) return null;
  const button = el('button', {type: 'button', class: 'button secondary small'}, 'Reset second factor');
  button.addEventListener('click', async () => {
    const sure = await confirmDialog({
      title: `Reset the second factor of ${account.login}?`,
      message: [
        'Do this when the phone with the authenticator app is lost. The account then signs in with its ' +
            'password alone and can set up a new second factor on its account page.',
      ],
      confirmLabel: 'Reset second factor',
      danger: true
    });
    if (!sure) return;
    const {ok} = await act(
        button, feedback, () => api.del(path`/admins/${account.login}/totp`), 'Second factor reset.');
    if (ok) await reload();
  });
  return button;
}
