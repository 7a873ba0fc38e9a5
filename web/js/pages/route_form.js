// Adding (#/routes/new) and editing (#/routes/NAME) a route, with the provider presets. Secrets are
// write-only: the form says whether one is stored and offers a field to replace it. An edit sends only
// what the administrator changed, so a preset and untouched settings are never overwritten by the form.

import * as api from '../api.js';
import {path} from '../api.js';
import {alertBox, announce, badge, el} from '../dom.js';
import {field, form} from '../forms.js';
import {loadInto, pageHeader, viewerNote} from '../page.js';

import {AUTH_TEXT, TLS_TEXT} from './routes.js';

const lines = (text) => text.split(/[\n,]/).map((s) => s.trim()).filter(Boolean);

export async function render(ctx) {
  const name = ctx.segments[1];
  const adding = name === 'new';
  ctx.add(
      pageHeader(ctx, adding ? 'Add a route' : `Route ${name}`),
      el('p', {class: 'back'}, el('a', {href: '#/routes'}, '← All routes')));
  if (adding && !ctx.canChange) {
    ctx.add(viewerNote(ctx, 'add routes'));
    return;
  }
  const region = el('div');
  ctx.add(region);
  await loadInto(region, async () => {
    const [presets, route] = await Promise.all(
        [api.get('/routes/presets'), adding ? Promise.resolve(null) : api.get(path`/routes/${name}`)]);
    return {presets: presets.items || [], route};
  }, ({presets, route}) => [viewerNote(ctx, 'change this route'), routeForm(ctx, presets, route)]);
}

function routeForm(ctx, presets, route) {
  const adding = !route;
  const r = route || {
    senders: [],
    hosts: [],
    tls: 'starttls',
    auth: 'password',
    oauthGrant: 'client_credentials',
    maxConnections: 4
  };
  const touched = new Set();
  const disabled = !ctx.canChange;
  const f = {};
  const add = (spec) => {
    f[spec.name] = field({...spec, disabled});
    f[spec.name].input.addEventListener('input', () => touched.add(spec.name));
    f[spec.name].input.addEventListener('change', () => touched.add(spec.name));
    return f[spec.name];
  };
  if (adding) {
    add({
      label: 'Route name',
      name: 'name',
      required: true,
      hint: 'A short name for you, such as "office365".'
    });
  }
  add({
    label: 'Provider preset',
    name: 'preset',
    value: '',
    hint: 'A preset fills in the provider\'s smarthost, ' +
        'encryption and OAuth sign-in. You then give only your account details.',
    options: [
      {value: '', label: adding ? 'None: I enter the settings myself' : 'None: keep the settings below'},
      ...presets.map((p) => ({value: p.name, label: p.label}))
    ]
  });
  add({
    label: 'Tenant',
    name: 'tenant',
    required: true,
    hint: 'Your Microsoft 365 directory (tenant) ID, or ' +
        'your organisation\'s main domain such as example.onmicrosoft.com.'
  });
  add({
    label: 'Senders',
    name: 'senders',
    rows: 3,
    value: r.senders.join('\n'),
    optional: adding,
    hint: 'Whose mail takes this route, one per line: "*" for everyone, "@example.org" for a whole domain, ' +
        'or one address. A new route without senders is for everyone ("*").'
  });
  add({
    label: 'Smarthosts',
    name: 'hosts',
    rows: 3,
    value: r.hosts.join('\n'),
    placeholder: 'smtp.example.net:587',
    hint: 'One "host:port" per line. Postern tries them in this order, the next one when one fails.'
  });
  add({
    label: 'Encryption',
    name: 'tls',
    value: r.tls,
    options: Object.entries(TLS_TEXT).map(([value, label]) => ({value, label}))
  });
  add({
    label: 'Certificate authority file',
    name: 'caFile',
    value: r.caFile || '',
    optional: true,
    hint: 'Only for a smarthost with a certificate from your own CA: the path of its PEM file on the server.'
  });
  add({
    label: 'Most connections at once',
    name: 'maxConnections',
    type: 'number',
    min: '1',
    max: '100',
    inputmode: 'numeric',
    value: String(r.maxConnections ?? 4),
    hint: 'How many messages Postern hands over in parallel. Keep the ' +
        'default unless the provider asks for less.'
  });
  add({
    label: 'Sign-in method',
    name: 'auth',
    value: r.auth,
    options: Object.entries(AUTH_TEXT).map(([value, label]) => ({value, label}))
  });
  add({
    label: 'User name',
    name: 'username',
    value: r.username || '',
    autocomplete: 'off',
    hint: 'The account Postern signs in with at the smarthost, usually a mailbox address.'
  });
  add(secretSpec('password', 'Password', r.hasPassword, adding));
  add({
    label: 'OAuth grant',
    name: 'oauthGrant',
    value: r.oauthGrant || 'client_credentials',
    hint: 'Client credentials: an app registration signs in for itself (Microsoft 365). Refresh token: it ' +
        'signs in as one user, with a token you got once by signing in (Google needs this).',
    options: [
      {value: 'client_credentials', label: 'Client credentials'},
      {value: 'refresh_token', label: 'Refresh token'}
    ]
  });
  add({
    label: 'Token URL',
    name: 'oauthTokenUrl',
    value: r.oauthTokenUrl || '',
    type: 'url',
    hint: 'Where Postern gets its access tokens (from your provider\'s documentation).'
  });
  add({
    label: 'Client ID',
    name: 'oauthClientId',
    value: r.oauthClientId || '',
    hint: 'The application (client) ID of the app you registered with the provider.'
  });
  add(secretSpec('oauthClientSecret', 'Client secret', r.hasClientSecret, adding));
  add(secretSpec('oauthRefreshToken', 'Refresh token', r.hasRefreshToken, adding));
  if (!adding) {
    for (const [n, isSet] of [
             ['password', r.hasPassword], ['oauthClientSecret', r.hasClientSecret],
             ['oauthRefreshToken', r.hasRefreshToken]]) {
      f[n].wrap.querySelector('label').append(' ', isSet ? badge('set', 'ok') : badge('not set', 'neutral'));
    }
  }
  add({label: 'Scope', name: 'oauthScope', value: r.oauthScope || '', optional: true});
  add({
    label: 'SPF mechanism',
    name: 'spf',
    value: r.spf || '',
    optional: true,
    placeholder: 'include:_spf.example.net',
    hint: 'What your smarthost provider asks you to add to your SPF record, such as ' +
        'include:_spf.example.net. Leave empty for Microsoft 365 and Google: Postern knows theirs.'
  });

  let override = false;
  const overrideButton = el(
      'button', {type: 'button', class: 'button secondary small', disabled}, 'Change these settings myself');
  const presetNote = alertBox(
      'info',
      'The preset sets the smarthost, encryption, sign-in method, token URL and ' +
          'scope. ',
      overrideButton);
  overrideButton.addEventListener('click', () => {
    override = true;
    update();
    f.hosts.input.focus();
  });
  const presetControlled = ['hosts', 'tls', 'auth', 'oauthTokenUrl', 'oauthScope'];

  const update = () => {
    const preset = presets.find((p) => p.name === f.preset.input.value);
    f.tenant.wrap.hidden = !(preset && preset.needsTenant);
    presetNote.hidden = !preset || override;
    for (const n of presetControlled) f[n].wrap.hidden = Boolean(preset) && !override;
    const auth = preset && !touched.has('auth') ? 'xoauth2' : f.auth.input.value;
    const oauth = auth === 'xoauth2' || auth === 'oauthbearer';
    f.username.wrap.hidden = auth === 'none';
    f.password.wrap.hidden = auth !== 'password';
    for (const n of ['oauthGrant', 'oauthClientId', 'oauthClientSecret']) f[n].wrap.hidden = !oauth;
    if (!oauth) {
      f.oauthTokenUrl.wrap.hidden = true;
      f.oauthScope.wrap.hidden = true;
    }
    f.oauthRefreshToken.wrap.hidden = !oauth || f.oauthGrant.input.value !== 'refresh_token';
  };
  f.preset.input.addEventListener('change', () => {
    // Gmail's SMTP has no client-credentials grant.
    if (f.preset.input.value === 'google') {
      f.oauthGrant.input.value = 'refresh_token';
      touched.add('oauthGrant');
    }
    update();
  });
  f.auth.input.addEventListener('change', update);
  f.oauthGrant.input.addEventListener('change', update);
  update();

  const visible = (n) => f[n] && !f[n].wrap.hidden;
  const body = () => {
    const out = {};
    if (adding) out.name = f.name.input.value.trim();
    const preset = f.preset.input.value;
    if (preset) {
      out.preset = preset;
      if (visible('tenant')) out.tenant = f.tenant.input.value.trim();
      if (visible('oauthGrant')) out.oauthGrant = f.oauthGrant.input.value;
    }
    for (const n of ['senders', 'hosts']) {
      if (!visible(n)) continue;
      const value = lines(f[n].input.value);
      if (adding ? value.length > 0 : touched.has(n) && value.join('\n') !== r[n].join('\n')) out[n] = value;
    }
    for (const n
             of ['tls', 'auth', 'caFile', 'username', 'oauthGrant', 'oauthTokenUrl', 'oauthClientId',
                 'oauthScope', 'spf']) {
      if (!visible(n) || out[n] !== undefined) continue;
      const value = f[n].input.value.trim();
      if (adding ? value !== '' : touched.has(n) && value !== (r[n] || '')) out[n] = value;
    }
    // Untouched, the server's default stays in force.
    if (visible('maxConnections') && touched.has('maxConnections')) {
      const value = Number(f.maxConnections.input.value);
      if (adding || value !== r.maxConnections) out.maxConnections = value;
    }
    for (const n of ['password', 'oauthClientSecret', 'oauthRefreshToken']) {
      if (visible(n) && f[n].input.value !== '') out[n] = f[n].input.value;
    }
    return out;
  };

  const fields = [
    // A viewer sees the settings, not the means to change them.
    ctx.canChange ? group('Name and provider', adding ? f.name : null, f.preset, f.tenant, presetNote) : null,
    group('Who uses this route', f.senders),
    group(
        'Connection', f.hosts, f.tls,
        el('details', {class: 'subtle'},
           el('summary', {}, 'Advanced: certificate authority, parallel connections'), f.caFile.wrap,
           f.maxConnections.wrap)),
    group(
        'Sign-in at the smarthost', f.auth, f.username, f.password, f.oauthGrant, f.oauthTokenUrl,
        f.oauthClientId, f.oauthClientSecret, f.oauthRefreshToken, f.oauthScope),
    group('DNS', f.spf),
  ];
  if (!ctx.canChange) return el('form', {class: 'form card'}, fields.filter(Boolean));
  const routeFormNode = form({
    fields: fields.filter(Boolean),
    nested: Object.values(f),
    aliases: {
      grant: 'oauthGrant',
      tokenUrl: 'oauthTokenUrl',
      clientId: 'oauthClientId',
      clientSecret: 'oauthClientSecret',
      refreshToken: 'oauthRefreshToken',
      smarthost: 'hosts'
    },
    className: 'card',
    submitLabel: adding ? 'Add route' : 'Save changes',
    extraButtons: [el('a', {href: '#/routes', class: 'button secondary'}, 'Cancel')],
    onSubmit: async () => {
      const change = body();
      if (!adding && Object.keys(change).length === 0) {
        routeFormNode.showError({message: 'Nothing was changed.'});
        return;
      }
      const saved =
          adding ? await api.post('/routes', change) : await api.patch(path`/routes/${r.name}`, change);
      announce(`Route ${saved.name} saved.`);
      window.location.hash = `#/routes?saved=${encodeURIComponent(saved.name)}`;
    },
  });
  return routeFormNode;
}

function group(legend, ...children) {
  return el(
      'fieldset', {class: 'fieldset'}, el('legend', {}, legend),
      children.filter(Boolean).map((c) => (c instanceof Node ? c : c.wrap)));
}

// A write-only secret: the server only says whether one is stored.
function secretSpec(name, label, isSet, adding) {
  if (adding) return {label, name, type: 'password', autocomplete: 'new-password'};
  return {
    label: `New ${label.toLowerCase()}`,
    name,
    type: 'password',
    autocomplete: 'new-password',
    optional: true,
    hint: isSet ?
        `A ${label.toLowerCase()} is set. Leave this empty to keep it, or type a new one to replace it.` :
        `No ${label.toLowerCase()} is set yet.`,
  };
}
