// Blocked sign-ins: the brute-force ban list. Explains in plain words what a ban is, why each one
// happened and what lifting it does; administrators can lift one ban or all of them.

import * as api from '../api.js';
import {badge, confirmDialog, el, table, timeEl} from '../dom.js';
import {act} from '../forms.js';
import {loadInto, pageHeader, viewerNote} from '../page.js';

export async function render(ctx) {
  ctx.add(pageHeader(
      ctx, 'Blocked sign-ins',
      'When someone keeps trying wrong passwords, Postern stops listening to them for a while. ' +
          'A blocked network address gets "try again later" for every sign-in, even with the right ' +
          'password. A blocked login (a user name that many different addresses tried to guess) ' +
          'is refused as if the password were wrong, except from addresses the user has signed in ' +
          'from before, so the real user can usually still send mail.',
      'Each block lasts 15 minutes the first time and longer each time it happens again (up to a day ' +
          'by default). Blocks survive a restart. Addresses in auth.never_ban, such as your office ' +
          'network, are never blocked.'));
  const region = el('div', {'aria-live': 'polite'});
  const feedback = el('div');
  const showEnded = el('input', {type: 'checkbox', id: 'bans-show-ended'});
  const load = () => loadInto(
      region, () => api.get('/bans', showEnded.checked ? {all: 'true'} : undefined),
      (page) => bansView(ctx, page.items || [], feedback, load));
  showEnded.addEventListener('change', load);
  ctx.add(
      viewerNote(ctx, 'lift blocks'),
      el('section', {class: 'card'},
         el('p', {class: 'hint'},
            'Lifting a block lets that address or login try again at once, with a clean slate: its next ' +
                'block starts at the shortest time again. Lift one when a real user locked themselves ' +
                'out (for example after changing a password on one device but not on another). Each ' +
                'lift is recorded in the audit log.'),
         el('div', {class: 'actions'}, showEnded,
            el('label', {'for': 'bans-show-ended', class: 'inline-label'},
               'Also show ended blocks Postern still remembers')),
         feedback, region));
  await load();
}

function reasonText(ban) {
  return ban.kind === 'addr' ? `${ban.reason} from this address` : `${ban.reason} as this login`;
}

function bansView(ctx, items, feedback, reload) {
  const liftAll = el('button', {type: 'button', class: 'button danger small'}, 'Lift all blocks');
  liftAll.addEventListener('click', async () => {
    const sure = await confirmDialog({
      title: 'Lift every block?',
      message: ['Every blocked address and login may try again at once, including attackers.'],
      confirmLabel: 'Lift all',
      danger: true
    });
    if (!sure) return;
    const {ok} = await act(liftAll, feedback, () => api.del('/bans'), 'All blocks lifted.');
    if (ok) await reload();
  });
  const active = items.filter((b) => b.active).length;
  return [
    el('p', {}, active === 0 ? 'Nothing is blocked right now.' :
                               `${active} ${active === 1 ? 'block is' : 'blocks are'} in force.`),
    table({
      caption: 'Blocked addresses and logins',
      empty: 'No blocks.',
      rows: items,
      columns: [
        {
          label: 'Who',
          cell: (b) => el('span', {}, b.kind === 'addr' ? badge('Address', 'info') : badge('Login', 'warn'), ' ',
                          el('code', {class: 'break'}, b.key))
        },
        {label: 'Why', cell: (b) => reasonText(b)},
        {label: 'Since', cell: (b) => timeEl(b.startedAt)},
        {
          label: 'Until',
          cell: (b) => b.active ? timeEl(b.until) : el('span', {}, badge('Ended', 'neutral'), ' ', timeEl(b.until))
        },
        {label: 'Times blocked', cell: (b) => String(b.count)},
        {label: 'Action', cell: (b) => ctx.canChange ? liftButton(b, feedback, reload) : '—'},
      ],
    }),
    ctx.canChange && items.length ? el('div', {class: 'actions'}, liftAll) : null,
  ];
}

function liftButton(ban, feedback, reload) {
  const button = el('button', {type: 'button', class: 'button secondary small'}, ban.active ? 'Lift' : 'Forget');
  button.addEventListener('click', async () => {
    const {ok} = await act(
        button, feedback, () => api.post('/bans/lift', {kind: ban.kind, key: ban.key}),
        `Block on ${ban.key} lifted.`);
    if (ok) await reload();
  });
  return button;
}
