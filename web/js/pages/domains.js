// The domains Postern sends for (#/domains): why it knows each one, when its DNS records were last checked
// and how many problems that check found, a Check per domain, and adding a domain nothing names yet.
// The words for sources and verdicts are shared with the domain page (domain.js).

import * as api from '../api.js';
import {path} from '../api.js';
import {alertBox, announce, badge, el, table, timeEl} from '../dom.js';
import {act, field, form} from '../forms.js';
import {appLink, loadInto, pageHeader, viewerNote} from '../page.js';

export const SOURCE_TEXT = {
  address: 'users send as it',
  dkim: 'a DKIM key',
  route: 'a route',
  added: 'added by an administrator',
};

// The verdict of one record's last check: [label, badge kind].
export const STATUS_BADGE = {
  matches: ['Published correctly', 'ok'],
  differs: ['Differs', 'bad'],
  missing: ['Missing', 'bad'],
  lookup_failed: ['Lookup failed', 'warn'],
  unchecked: ['Not checked yet', 'neutral'],
};

export function sourcesText(sources) {
  const words = (sources || []).map((s) => SOURCE_TEXT[s] || s);
  if (words.length === 0) return 'nothing names it any more';
  if (words.length === 1) return words[0];
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

export function domainHash(domain) {
  return `#/domains/${encodeURIComponent(domain)}`;
}

// A check that never ran finds nothing, so its count of problems says nothing either.
export function problemsBadge(lastCheck, problems) {
  if (!lastCheck) return badge('Not checked yet', 'neutral');
  if (!problems) return badge('No problems', 'ok');
  return badge(problems === 1 ? '1 problem' : `${problems} problems`, 'bad');
}

// What the contract counts as a domain's problems: records whose last check is not "matches", and warnings.
export function countProblems(domain) {
  return (domain.records || []).reduce((n, r) => {
    const check = r.check || {};
    return n + (check.status === 'matches' ? 0 : 1) + (check.warnings || []).length;
  }, 0);
}

export async function render(ctx) {
  ctx.add(pageHeader(
      ctx, 'Domains',
      'The domains Postern sends mail for. For each one it shows the DNS records to publish so that ' +
          'receivers trust your mail (DKIM, SPF, DMARC, MTA-STS), and checks what your DNS publishes today.'));
  const removed = ctx.query.get('removed');
  const region = el('div');
  const reload = () =>
      loadInto(region, () => api.get('/domains'), (data) => showDomains(ctx, data.items || [], reload));
  ctx.add(
      viewerNote(ctx, 'add or check domains'),
      removed ? alertBox('ok', `${removed} is no longer added by an administrator.`) : null, region,
      ctx.canChange ? addCard(ctx) : null);
  await reload();
}

function showDomains(ctx, items, reload) {
  if (items.length === 0) {
    return el(
        'p', {class: 'empty card'},
        'No domains yet. A domain appears here when a user may send as it, a DKIM key or a route names it, ' +
            'or you add it below.');
  }
  return el('section', {class: 'card'}, el('h2', {}, 'Known domains'), table({
              caption: 'Known domains',
              columns: [
                {label: 'Domain', cell: (d) => appLink(domainHash(d.domain), d.domain, 'break')},
                {label: 'Known because', cell: (d) => sourcesText(d.sources)},
                {label: 'Last check', cell: (d) => (d.lastCheck ? timeEl(d.lastCheck) : 'Never')},
                {label: 'Problems', cell: (d) => problemsBadge(d.lastCheck, d.problems)},
                ctx.canChange ? {label: '', class: 'row-actions', cell: (d) => checkButton(d, reload)} : null,
              ].filter(Boolean),
              rows: items,
            }));
}

function checkButton(summary, reload) {
  const feedback = el('div');
  const button =
      el('button', {type: 'button', class: 'button secondary small', 'aria-label': `Check ${summary.domain}`},
         'Check');
  button.addEventListener('click', async () => {
    button.textContent = 'Checking…';
    const {ok, value} = await act(button, feedback, () => api.post(path`/domains/${summary.domain}/check`));
    button.textContent = 'Check';
    if (!ok) return;
    const problems = countProblems(value);
    announce(`${summary.domain} checked: ${problems === 0 ? 'no problems' : `${problems} problems`}.`);
    await reload();
    // The list is drawn anew; the keyboard goes on from the same domain's button.
    const label = button.getAttribute('aria-label');
    [...document.querySelectorAll('#main button')]
        .find((b) => b.getAttribute('aria-label') === label)
        ?.focus();
  });
  return el('div', {}, button, feedback);
}

function addCard(ctx) {
  const domain = field({
    label: 'Domain',
    name: 'domain',
    required: true,
    placeholder: 'example.org',
    hint: 'Only needed for a domain nobody sends as yet, for example to prepare its DNS records before ' +
        'moving its mail to Postern. Domains your users, keys and routes name are listed by themselves.'
  });
  const addForm = form({
    fields: [domain],
    submitLabel: 'Add domain',
    className: 'inline-form',
    onSubmit: async (values) => {
      const added = await api.post('/domains', {domain: values.domain.trim()});
      announce(`${added.domain} added.`);
      ctx.navigate(domainHash(added.domain));
    },
  });
  return el('section', {class: 'card'}, el('h2', {}, 'Add a domain'), addForm);
}
