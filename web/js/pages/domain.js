// One domain (#/domains/NAME): every DNS record to publish, each with why it matters, its name and value to
// copy and the verdict of the last check; "Check now"; the settings that shape the records
// (domain_settings.js); removing a domain an administrator added. Values from DNS are shown as text only.

import * as api from '../api.js';
import {path} from '../api.js';
import {alertBox, announce, badge, clear, confirmDialog, copyButton, el, facts, timeEl} from '../dom.js';
import {act} from '../forms.js';
import {appLink, loadInto, pageHeader, viewerNote} from '../page.js';

import {settingsSection} from './domain_settings.js';
import {countProblems, problemsBadge, sourcesText, STATUS_BADGE} from './domains.js';

const KEY_STATE = {
  pending: ['Not yet active', 'warn'],
  active: ['Active: signing', 'ok'],
  retired: ['Retired', 'neutral'],
};
// RFC 7208 §4.6.4: more than ten DNS-querying mechanisms make the whole SPF record fail.
const SPF_LOOKUP_LIMIT = 10;

function kindTitle(record) {
  switch (record.kind) {
    case 'dkim':
      return ['DKIM key ', el('code', {class: 'break'}, record.selector || '')];
    case 'spf':
      return 'SPF: who may send as this domain';
    case 'dmarc':
      return 'DMARC: what receivers do with forged mail';
    case 'mta-sts':
      return 'MTA-STS: encrypted delivery to you';
    case 'tls-rpt':
      return 'TLS-RPT: reports about encrypted delivery';
    default:
      return record.kind;
  }
}

export async function render(ctx) {
  const name = ctx.segments[1];
  ctx.add(pageHeader(ctx, name), el('p', {class: 'back'}, el('a', {href: '#/domains'}, '← All domains')));
  const region = el('div');
  ctx.add(region);
  await loadInto(region, () => api.get(path`/domains/${name}`), (domain) => showDomain(ctx, domain));
}

function showDomain(ctx, domain) {
  const records = el('div');
  const summary = el('div');
  // The check button is drawn anew with the summary; focus goes back to it so a keyboard stays in place.
  const update = (fresh, refocus = false) => {
    clear(summary).append(summaryCard(ctx, fresh, update));
    clear(records).append(...recordCards(ctx, fresh));
    if (refocus) summary.querySelector('button')?.focus();
  };
  update(domain);
  return [
    viewerNote(ctx, 'check the records or change the settings'), summary,
    el('h2', {class: 'list-title'}, 'Records to publish'),
    el('p', {class: 'intro'},
       'Add each record below at your DNS provider as a TXT record with exactly this name and value. ' +
           'Then press Check now: Postern looks up what your DNS publishes and compares.'),
    records, settingsSection(ctx, domain, update), ctx.canChange ? removeCard(domain) : null
  ];
}

function summaryCard(ctx, domain, update) {
  const feedback = el('div');
  const check = el('button', {type: 'button', class: 'button'}, 'Check now');
  check.addEventListener('click', async () => {
    check.textContent = 'Checking…';
    const {ok, value} = await act(check, feedback, () => api.post(path`/domains/${domain.domain}/check`));
    check.textContent = 'Check now';
    if (!ok) return;
    const problems = countProblems(value);
    announce(`Checked: ${problems === 0 ? 'no problems' : `${problems} problems`}.`);
    update(value, true);
  });
  return el(
      'section', {class: 'card'}, facts([
        ['Known because', sourcesText(domain.sources)],
        ['Last check', domain.lastCheck ? timeEl(domain.lastCheck) : 'Never'],
        ['Problems', problemsBadge(domain.lastCheck, countProblems(domain))],
      ]),
      ctx.canChange ? el('div', {class: 'actions'}, check) : null,
      ctx.canChange ? el('p', {class: 'hint'},
                         'Postern also checks every few hours by itself. DNS changes can take minutes to ' +
                             'hours to show.') :
                      null,
      feedback);
}

function recordCards(ctx, domain) {
  const list = domain.records || [];
  if (list.length === 0) return [el('p', {class: 'empty card'}, 'There is no record to publish yet.')];
  return list.map((record) => recordCard(record));
}

function recordCard(record) {
  const check = record.check || {status: 'unchecked'};
  const [label, kind] = STATUS_BADGE[check.status] || [check.status, 'neutral'];
  return el(
      'article', {class: ['card', 'record', `record-${kind}`, `kind-${record.kind}`]},
      el('h3', {class: 'record-title'}, kindTitle(record), ' ', badge(label, kind)),
      el('p', {class: 'intro'}, record.why), kindFacts(record), dnsBox(record), verdict(check));
}

function kindFacts(record) {
  if (record.kind === 'spf' && typeof record.lookups === 'number') {
    const over = record.lookups > SPF_LOOKUP_LIMIT;
    return el(
        'p', {class: over ? 'note' : 'hint'}, `${record.lookups} of ${SPF_LOOKUP_LIMIT} DNS lookups`,
        over ? ': receivers stop at ten and treat the record as broken. Remove includes you do not need.' :
               ' (receivers allow ten at most).');
  }
  if (record.kind !== 'dkim') return null;
  const [stateLabel, stateKind] = KEY_STATE[record.keyState] || [record.keyState, 'neutral'];
  const matches = record.check && record.check.status === 'matches';
  let next = null;
  if (record.keyState === 'pending' && matches) {
    next =
        el('p', {class: 'next-step'}, 'The record is published: the key can sign now. ',
           appLink('#/dkim', 'Activate it on the DKIM keys page', 'button small'));
  } else if (record.keyState === 'pending') {
    next =
        el('p', {class: 'next-step'},
           'Publish this record first. Once a check finds it, activate the key on the ',
           appLink('#/dkim', 'DKIM'), ' page.');
  }
  return [el('p', {}, 'Key: ', badge(stateLabel, stateKind)), next];
}

function dnsBox(record) {
  const strings = record.strings || [];
  return el(
      'div', {class: 'dns'}, el('p', {class: 'dns-title'}, `DNS record (type ${record.type || 'TXT'})`),
      el('div', {class: 'dns-row'}, el('span', {class: 'dns-label'}, 'Name'),
         el('code', {class: 'dns-value', tabindex: '0'}, record.name), copyButton(record.name, 'Copy name')),
      el('div', {class: 'dns-row'}, el('span', {class: 'dns-label'}, 'Value'),
         // Focusable: a long value scrolls inside its box, and keyboards must reach it.
         el('code', {class: 'dns-value', tabindex: '0'}, record.value),
         copyButton(record.value, 'Copy value')),
      strings.length > 1 ?
          el('details', {class: 'subtle'}, el('summary', {}, 'As separate strings'),
             el('p', {class: 'hint'},
                'Some DNS providers take a long value only as strings of at most 255 characters. Enter ' +
                    'them in this order; receivers join them without spaces.'),
             strings.map(
                 (s, i) =>
                     el('div', {class: 'dns-row'}, el('span', {class: 'dns-label'}, `Part ${i + 1}`),
                        el('code', {class: 'dns-value', tabindex: '0'}, s),
                        copyButton(s, `Copy part ${i + 1}`)))) :
          null);
}

function verdict(check) {
  const warnings = check.warnings || [];
  const published = check.published || [];
  const rows = [
    ['Checked', check.checkedAt ? timeEl(check.checkedAt) : 'Never'],
    check.difference ? ['Difference', el('code', {class: 'break'}, check.difference)] : null,
    check.status !== 'unchecked' && check.status !== 'lookup_failed' ?
        [
          'Published now',
          published.length === 0 ?
              'Nothing at this name' :
              el('ul', {class: 'plain-list'},
                 published.map((p) => el('li', {}, el('code', {class: 'published', tabindex: '0'}, p))))
        ] :
        null,
  ];
  const kind = {matches: 'ok', differs: 'error', missing: 'error', lookup_failed: 'warn'}[check.status];
  return el(
      'div', {class: 'verdict'}, el('h4', {}, 'Last check'),
      check.advice ? (kind ? alertBox(kind, check.advice) : el('p', {}, check.advice)) : null, facts(rows),
      warnings.length ? el('ul', {class: 'warning-list', 'aria-label': 'Warnings'},
                           warnings.map((w) => el('li', {class: 'alert warn'}, w.advice || w.finding))) :
                        null);
}

function removeCard(domain) {
  if (!(domain.sources || []).includes('added')) return null;
  const feedback = el('div');
  const remove = el('button', {type: 'button', class: 'button danger'}, 'Remove domain');
  remove.addEventListener('click', async () => {
    const sure = await confirmDialog({
      title: `Remove ${domain.domain}?`,
      message:
          ['Its DMARC, SPF and MTA-STS settings here are deleted. The records in your DNS stay until you ' +
           'remove them there.'],
      confirmLabel: 'Remove domain',
      danger: true
    });
    if (!sure) return;
    const {ok} = await act(
        remove, feedback, () => api.del(path`/domains/${domain.domain}`), `${domain.domain} removed.`);
    if (ok) window.location.hash = `#/domains?removed=${encodeURIComponent(domain.domain)}`;
  });
  return el(
      'section', {class: 'card danger-zone'}, el('h2', {}, 'Remove this domain'),
      el('p', {},
         'You added this domain by hand. Removing it deletes its settings; it cannot be removed while a ' +
             'user address, a DKIM key or a route still names it.'),
      el('div', {class: 'actions'}, remove), feedback);
}
