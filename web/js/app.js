// The application shell: who is signed in, the hash-based navigation (#/users, #/dkim, …, so the server
// needs no fallback route) and the page modules. Pages get a context and fill their own view; nothing
// here knows what a page shows.

import * as api from './api.js';
import {announce, append, clear, el} from './dom.js';
import * as account from './pages/account.js';
import * as admins from './pages/admins.js';
import * as audit from './pages/audit.js';
import * as bans from './pages/bans.js';
import * as dashboard from './pages/dashboard.js';
import * as deliveryLog from './pages/delivery_log.js';
import * as dkim from './pages/dkim.js';
import * as domain from './pages/domain.js';
import * as domains from './pages/domains.js';
import * as message from './pages/message.js';
import * as queue from './pages/queue.js';
import * as routeForm from './pages/route_form.js';
import * as routes from './pages/routes.js';
import * as signin from './pages/signin.js';
import * as testMessage from './pages/test_message.js';
import * as userDetail from './pages/user_detail.js';
import * as users from './pages/users.js';

// First path segment → [page module for the list, page module for one item]; nav is the highlighted entry.
const PAGES = {
  '': {nav: 'dashboard', list: dashboard},
  users: {nav: 'users', list: users, item: userDetail},
  dkim: {nav: 'dkim', list: dkim},
  domains: {nav: 'domains', list: domains, item: domain},
  routes: {nav: 'routes', list: routes, item: routeForm},
  test: {nav: 'test', list: testMessage},
  queue: {nav: 'queue', list: queue, item: message},
  log: {nav: 'log', list: deliveryLog},
  audit: {nav: 'audit', list: audit},
  bans: {nav: 'bans', list: bans},
  admins: {nav: 'admins', list: admins, adminOnly: true},
  account: {nav: 'account', list: account},
};

const state = {
  me: null,
  cleanups: [],
  firstRender: true
};

function parseHash() {
  const raw = window.location.hash.replace(/^#\/?/, '');
  const [pathPart, queryPart = ''] = raw.split('?');
  const segments = pathPart.split('/').filter(Boolean).map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  return {segments, query: new URLSearchParams(queryPart)};
}

function currentHash() {
  return window.location.hash || '#/';
}

function showShell(signedIn) {
  document.getElementById('nav').hidden = !signedIn;
  document.getElementById('menu-button').hidden = !signedIn;
  document.getElementById('whoami').hidden = !signedIn;
  if (signedIn) {
    document.getElementById('whoami-login').textContent = state.me.login;
    document.getElementById('whoami-role').textContent = `(${state.me.role})`;
    document.getElementById('nav-admins').hidden = state.me.role !== 'admin';
  }
}

function markNav(active) {
  for (const link of document.querySelectorAll('#nav a')) {
    if (link.dataset.page === active)
      link.setAttribute('aria-current', 'page');
    else
      link.removeAttribute('aria-current');
  }
  closeMenu();
}

function closeMenu() {
  document.getElementById('nav').classList.remove('open');
  document.getElementById('menu-button').setAttribute('aria-expanded', 'false');
}

function signedIn(me, csrf) {
  state.me = {login: me.login, role: me.role};
  // Admin second factor: with admin.require_totp an account without one sees only its account page
  // (the API refuses everything else with 403 totp_enrollment_required) until it has enrolled.
  state.me.mustEnroll = Boolean(me.totp && me.totp.required && !me.totp.enrolled);
  api.setCsrfToken(csrf);
}

function signedOut() {
  state.me = null;
  api.setCsrfToken('');
}

function context(view, segments, query) {
  return {
    view,
    // Appends nodes and text to the page, skipping null and false (sections a role does not see).
    add: (...nodes) => append(view, nodes),
    segments,
    query,
    me: state.me,
    canChange: Boolean(state.me) && state.me.role !== 'viewer',
    isAdmin: Boolean(state.me) && state.me.role === 'admin',
    heading: null,
    onCleanup: (fn) => state.cleanups.push(fn),
    // Filters and paging change the address without a new navigation, so the list keeps its focus.
    replaceQuery: (hash) => window.history.replaceState(null, '', hash),
    signedIn: (me, csrf) => {
      signedIn(me, csrf);
      showShell(true);
    },
    totpEnrolled: () => {
      if (state.me) state.me.mustEnroll = false;
    },
    navigate,
  };
}

function notFound(ctx) {
  document.title = 'Not found — Postern';
  ctx.heading = el('h1', {tabindex: '-1', class: 'page-title'}, 'Page not found');
  ctx.add(
      ctx.heading, el('p', {}, 'There is no such page. ', el('a', {href: '#/'}, 'Go to the overview'), '.'));
}

// Goes to a hash; when it is the current one already (sign-in shown in place of the page asked for), the
// browser fires no hashchange, so the page is drawn here.
function navigate(hash) {
  if (currentHash() === hash)
    route();
  else
    window.location.hash = hash;
}

async function route() {
  for (const fn of state.cleanups.splice(0)) fn();
  const {segments, query} = parseHash();
  const main = document.getElementById('main');
  const view = el('div', {class: 'view'});
  clear(main).append(view);
  const name = segments[0] || '';

  if (name === 'setup') {
    showShell(false);
    markNav('');
    await renderPage(signin.renderSetup, context(view, segments, query));
    return;
  }
  if (!state.me) {
    showShell(false);
    markNav('');
    const next = name === 'signin' ? query.get('next') || '#/' : currentHash();
    await renderPage((ctx) => signin.render(ctx, next), context(view, segments, query));
    return;
  }
  if (name === 'signin') {
    window.location.replace(query.get('next') || '#/');
    return;
  }
  if (state.me.mustEnroll && name !== 'account') {
    window.location.replace('#/account');
    return;
  }
  showShell(true);
  const entry = PAGES[name];
  markNav(entry ? entry.nav : '');
  const ctx = context(view, segments, query);
  if (!entry || segments.length > 2 || segments.length === 2 && !entry.item) {
    notFound(ctx);
  } else if (entry.adminOnly && !ctx.isAdmin) {
    document.title = 'Administrators — Postern';
    ctx.heading = el('h1', {tabindex: '-1', class: 'page-title'}, 'Administrators');
    view.append(
        ctx.heading, el('p', {class: 'note'}, 'Only accounts with the admin role can see this page.'));
  } else {
    await renderPage(segments.length === 2 ? entry.item.render : entry.list.render, ctx);
  }
}

async function renderPage(render, ctx) {
  const focus = () => {
    if (!state.firstRender && ctx.heading) ctx.heading.focus({preventScroll: false});
    state.firstRender = false;
  };
  try {
    const pending = render(ctx);
    focus();  // the heading exists before the data arrives
    await pending;
  } catch (err) {
    if (err && err.sessionLost) return;
    if (err && err.code === 'totp_enrollment_required' && state.me) {
      state.me.mustEnroll = true;
      navigate('#/account');
      return;
    }
    ctx.add(
        el('div', {class: 'alert error', role: 'alert'},
           err && err.message ? err.message : 'This page could not be shown.'));
  }
}

async function signOut() {
  try {
    await api.post('/logout');
  } catch {
    // The session may already be gone; either way this browser no longer holds it.
  }
  signedOut();
  announce('You are signed out.');
  window.location.hash = '#/signin';
}

async function start() {
  api.onUnauthorized(() => {
    if (!state.me) return;
    signedOut();
    const back = currentHash();
    window.location.hash = back.startsWith('#/signin') ? back : `#/signin?next=${encodeURIComponent(back)}`;
  });
  document.getElementById('signout').addEventListener('click', signOut);
  document.getElementById('menu-button').addEventListener('click', () => {
    const nav = document.getElementById('nav');
    const open = !nav.classList.contains('open');
    nav.classList.toggle('open', open);
    document.getElementById('menu-button').setAttribute('aria-expanded', String(open));
  });
  document.getElementById('skip-link').addEventListener('click', (event) => {
    event.preventDefault();
    const heading = document.querySelector('#main h1');
    (heading || document.getElementById('main')).focus();
  });
  window.addEventListener('hashchange', route);
  try {
    const me = await api.request('GET', '/me', undefined, {public: true});
    signedIn(me, me.csrf);
  } catch {
    signedOut();
  }
  await route();
}

start();
