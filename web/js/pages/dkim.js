// DKIM keys per domain: generate or import, the DNS record to publish, activate, retire, delete, and the
// rotation steps said where each one happens.

import * as api from '../api.js';
import {path} from '../api.js';
import {alertBox, announce, badge, clear, confirmDialog, copyButton, el, facts, timeEl, uniqueId} from '../dom.js';
import {act, errorAlert, field, form} from '../forms.js';
import {appLink, loadInto, pageHeader, viewerNote} from '../page.js';

const STATE_BADGE = {
  pending: ['Not yet active', 'warn'],
  active: ['Active: signing', 'ok'],
  retired: ['Retired', 'neutral']
};

export async function render(ctx) {
  ctx.add(pageHeader(
      ctx, 'DKIM keys',
      'DKIM puts a signature on every message Postern sends, so receiving mail servers can tell it really ' +
          'comes from your domain and was not changed. Each key has a public part that you publish in your ' +
          'domain\'s DNS.'));
  const notice = el('div', {'aria-live': 'polite'});
  const region = el('div');
  const reload = () =>
      loadInto(region, () => api.get('/dkim'), (data) => showKeys(ctx, data.items || [], reload, notice));
  ctx.add(
      viewerNote(ctx, 'create or change keys'), rotationSteps(),
      ctx.canChange ? generateCard(reload, notice) : null, notice, region);
  await reload();
}

function rotationSteps() {
  return el(
      'details', {class: 'card disclosure steps-box'},
      el('summary', {}, el('h2', {class: 'summary-title'}, 'How to add or replace a key, step by step')),
      el('ol', {class: 'steps-list'},
         el('li', {}, el('strong', {}, 'Create a key'),
            ' for your domain below. It starts "not yet active": ' +
                'nothing is signed with it yet.'),
         el('li', {}, el('strong', {}, 'Publish its DNS record'),
            ': copy the name and value into a new TXT ' +
                'record at your DNS provider.'),
         el('li', {}, el('strong', {}, 'Wait for DNS'),
            ': usually minutes, sometimes a few hours. If unsure, ' +
                'wait a day.'),
         el('li', {}, el('strong', {}, 'Activate the key'),
            '. Postern signs with it from then on; the key it ' +
                'replaces (same type) is retired.'),
         el('li', {}, el('strong', {}, 'Keep the old record'),
            ' in DNS for a few days, because messages already ' +
                'on their way are still checked against it.'),
         el('li', {}, el('strong', {}, 'Then delete the old key'),
            ' here and remove its TXT record from DNS.')),
      el('p', {class: 'hint'}, 'Replacing keys once or twice a year is good practice.'));
}

function generateCard(reload, notice) {
  const domain = field({
    label: 'Domain',
    name: 'domain',
    required: true,
    placeholder: 'example.org',
    hint: 'The domain in your senders\' addresses (the part after @).'
  });
  const algorithm = field({
    label: 'Key type',
    name: 'algorithm',
    value: 'rsa',
    options: [
      {value: 'rsa', label: 'RSA (works with every receiver; recommended)'},
      {value: 'ed25519', label: 'Ed25519 (newer and short; add it beside an RSA key, not instead)'}
    ]
  });
  const bits = field({
    label: 'RSA key size',
    name: 'bits',
    value: '2048',
    options: [
      {value: '2048', label: '2048 bits (recommended: fits every DNS provider)'},
      {value: '3072', label: '3072 bits'},
      {value: '4096', label: '4096 bits (some DNS providers cannot store it)'}
    ]
  });
  const selector = field({
    label: 'Selector',
    name: 'selector',
    optional: true,
    hint: 'A name for the key, such as "2026a". Leave it empty and Postern chooses one.'
  });
  algorithm.input.addEventListener('change', () => {
    bits.wrap.hidden = algorithm.input.value !== 'rsa';
  });
  const generateForm = form({
    fields: [domain, algorithm, bits, selector],
    submitLabel: 'Create key',
    onSubmit: async (values) => {
      const body = {algorithm: values.algorithm};
      if (values.algorithm === 'rsa') body.bits = Number(values.bits);
      if (values.selector.trim()) body.selector = values.selector.trim();
      const key = await api.post(path`/dkim/${values.domain.trim()}`, body);
      created(notice, key);
      selector.input.value = '';
      await reload();
    },
  });

  const importDomain = field({label: 'Domain', name: 'domain', required: true, placeholder: 'example.org'});
  const importSelector = field({
    label: 'Selector',
    name: 'selector',
    required: true,
    hint: 'The selector the key is published under today.'
  });
  const pem = field({
    label: 'Private key (PEM)',
    name: 'privateKeyPem',
    rows: 6,
    required: true,
    hint:
        'Paste the whole key including the BEGIN and END lines. It is stored encrypted and never shown again.'
  });
  const importForm = form({
    fields: [importDomain, importSelector, pem],
    submitLabel: 'Import key',
    onSubmit: async (values) => {
      const key = await api.post(
          path`/dkim/${values.domain.trim()}`,
          {selector: values.selector.trim(), privateKeyPem: values.privateKeyPem});
      pem.input.value = '';
      created(notice, key);
      await reload();
    },
  });
  return el(
      'section', {class: 'card'}, el('h2', {}, 'Create a key'), generateForm,
      el('details', {class: 'subtle'}, el('summary', {}, 'Import a key you already use elsewhere'),
         el('p', {class: 'hint'}, 'For moving from another mail server without changing DNS.'), importForm));
}

function created(notice, key) {
  clear(notice);
  notice.append(alertBox(
      'ok',
      el('p', {},
         `Key ${key.selector} for ${key.domain} created. Next: publish its DNS ` +
             'record (below), wait until DNS shows it, then activate the key.')));
  announce(`Key ${key.selector} created.`);
}

function showKeys(ctx, keys, reload, notice) {
  if (keys.length === 0) {
    return el('p', {class: 'empty card'}, 'No DKIM keys yet. Create one for each domain you send from.');
  }
  const byDomain = new Map();
  for (const key of keys) {
    if (!byDomain.has(key.domain)) byDomain.set(key.domain, []);
    byDomain.get(key.domain).push(key);
  }
  // The key in use first, then the one waiting to be activated, then the old ones.
  const order = {active: 0, pending: 1, retired: 2};
  for (const list of byDomain.values()) {
    list.sort(
        (a, b) =>
            (order[a.state] ?? 3) - (order[b.state] ?? 3) || String(b.createdAt).localeCompare(a.createdAt));
  }
  return [...byDomain].map(
      ([domain, list]) =>
          el('section', {class: 'card domain'}, el('h2', {class: 'break'}, domain),
             list.some((k) => k.state === 'active') ?
                 null :
                 el('p', {class: 'note'}, 'No active key: mail from this domain goes out unsigned.'),
             list.map((key) => keyBlock(ctx, key, reload, notice))));
}

function keyBlock(ctx, key, reload, notice) {
  const [label, kind] = STATE_BADGE[key.state] || [key.state, 'neutral'];
  const feedback = el('div');
  return el(
      'article', {class: 'key'},
      el('h3', {}, 'Selector ', el('code', {class: 'break'}, key.selector), ' ', badge(label, kind)), facts([
        ['Type', key.algorithm === 'rsa' ? `RSA, ${key.bits} bits` : 'Ed25519'],
        ['Created', timeEl(key.createdAt)],
        key.activatedAt ? ['Activated', timeEl(key.activatedAt)] : null,
        key.retiredAt ? ['Retired', timeEl(key.retiredAt)] : null,
      ]),
      el('p', {class: 'next-step'}, nextStep(key)), dnsRecord(key),
      el('p', {}, appLink(`#/domains/${encodeURIComponent(key.domain)}`, `DNS check of ${key.domain}`)),
      ctx.canChange ? keyActions(key, reload, feedback, notice) : null, feedback);
}

function nextStep(key) {
  if (key.state === 'pending') {
    return 'Next: publish this TXT record at your DNS provider. When ' +
        'DNS shows it (minutes to a few hours), ' +
        'press Activate.';
  }
  if (key.state === 'active') {
    return 'Postern signs mail from this domain with this key. Keep its DNS record published.';
  }
  return 'No longer used for signing. Keep its DNS record a few more days for mail still on its way, then ' +
      'delete the key and remove the record from DNS.';
}

function dnsRecord(key) {
  return el(
      'div', {class: 'dns'}, el('p', {class: 'dns-title'}, 'DNS record (type TXT)'),
      el('div', {class: 'dns-row'}, el('span', {class: 'dns-label'}, 'Name'),
         el('code', {class: 'dns-value', tabindex: '0'}, key.dnsName), copyButton(key.dnsName, 'Copy name')),
      el('div', {class: 'dns-row'}, el('span', {class: 'dns-label'}, 'Value'),
         // Focusable: a long RSA value scrolls inside its box, and keyboards must reach it.
         el('code', {class: 'dns-value', tabindex: '0'}, key.dnsValue),
         copyButton(key.dnsValue, 'Copy value')),
      el('details', {class: 'subtle'}, el('summary', {}, 'As a zone-file line'),
         el('pre', {class: 'zone'}, key.dnsRecord), copyButton(key.dnsRecord, 'Copy line')));
}

// Activation is gated by DNS: the server looks the key's record up and answers 409 with the check's advice
// unless it matches. DNS caches and split views can make a published record look missing from here, so the
// administrator may confirm that it is published and activate anyway.
async function activateKey(target, force) {
  const {key, base, button, feedback, notice, reload} = target;
  button.disabled = true;
  clear(feedback);
  try {
    const value = await api.patch(base, force ? {state: 'active', force: true} : {state: 'active'});
    announce(`Key ${key.selector} is active.`);
    clear(notice);
    notice.append(alertBox(
        'ok', `Key ${key.selector} is now active.`,
        value && value.retiredSelector ?
            ` The previous key ${value.retiredSelector} was retired: keep its DNS record a few days, then ` +
                'delete it.' :
            ''));
    await reload();
  } catch (err) {
    if (err && err.sessionLost) return;
    feedback.append(err && err.status === 409 && !force ? forceOffer(target, err) : errorAlert(err));
  } finally {
    if (button.isConnected) button.disabled = false;
  }
}

function forceOffer(target, err) {
  const id = uniqueId('force');
  const box = el('input', {type: 'checkbox', id});
  const again = el('button', {type: 'button', class: 'button', disabled: true}, 'Activate anyway');
  box.addEventListener('change', () => {
    again.disabled = !box.checked;
  });
  again.addEventListener('click', () => activateKey({...target, button: again}, true));
  return alertBox(
      'warn', el('p', {}, el('strong', {}, 'Not activated. '), err.message),
      el('p', {},
         'Receivers reject signatures they cannot check against DNS. If you know the record is published ' +
             '(Postern\'s DNS servers may still remember an older answer), you can activate the key anyway.'),
      el('div', {class: 'checkbox'}, box,
         el('label', {'for': id}, 'The record is published; activate anyway')),
      el('div', {class: 'actions'}, again));
}

function keyActions(key, reload, feedback, notice) {
  const buttons = [];
  const base = path`/dkim/${key.domain}/${key.selector}`;
  if (key.state === 'pending' || key.state === 'retired') {
    const activate = el('button', {type: 'button', class: 'button'}, 'Activate');
    activate.addEventListener('click', async () => {
      const sure = await confirmDialog({
        title: `Activate ${key.selector}?`,
        message: [
          'Only activate once the DNS record is published and visible: ' +
              'receivers reject signatures they cannot ' +
              'check against DNS. Postern looks the record up first.',
          'The currently active key of the same type will be retired.'
        ],
        confirmLabel: 'Activate'
      });
      if (!sure) return;
      await activateKey({key, base, button: activate, feedback, notice, reload}, false);
    });
    buttons.push(activate);
  }
  if (key.state === 'active') {
    const retire = el('button', {type: 'button', class: 'button secondary'}, 'Retire');
    retire.addEventListener('click', async () => {
      const sure = await confirmDialog({
        title: `Retire ${key.selector}?`,
        message: [
          'Mail from this domain is no longer signed with this key. If no other key is active, it goes out ' +
              'unsigned, and some receivers may treat it as spam.',
          'To replace a key, create and activate the new one instead: that retires this one for you.'
        ],
        confirmLabel: 'Retire',
        danger: true
      });
      if (!sure) return;
      const {ok} = await act(
          retire, feedback, () => api.patch(base, {state: 'retired'}), `Key ${key.selector} retired.`);
      if (ok) await reload();
    });
    buttons.push(retire);
  }
  const remove = el('button', {type: 'button', class: 'button danger'}, 'Delete');
  remove.addEventListener('click', async () => {
    const active = key.state === 'active';
    const sure = await confirmDialog({
      title: `Delete key ${key.selector}?`,
      message: [
        active ? 'This key is active: mail is signed with it right now. Deleting it stops signing at once.' :
                 'The key is removed for good.',
        `Afterwards, remove the TXT record ${key.dnsName} from your DNS.`
      ],
      confirmLabel: active ? 'Delete active key' : 'Delete key',
      danger: true
    });
    if (!sure) return;
    const {ok} = await act(
        remove, feedback, () => api.del(base, active ? {force: 'true'} : undefined),
        `Key ${key.selector} deleted.`);
    if (!ok) return;
    clear(notice);
    notice.append(
        alertBox('ok', `Key ${key.selector} deleted. Now remove the TXT record ${key.dnsName} from DNS.`));
    await reload();
  });
  buttons.push(remove);
  return el('div', {class: 'actions'}, buttons);
}
