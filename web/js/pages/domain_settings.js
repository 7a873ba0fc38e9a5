// The settings that shape a domain's records, one form per group (DMARC, SPF, MTA-STS with TLS-RPT), each
// explaining its choices in place for an administrator who is not a mail expert. A form sends only its own
// group: the API replaces a group as a whole, so the other groups are never overwritten by a stale page.

import * as api from '../api.js';
import {path} from '../api.js';
import {alertBox, announce, clear, copyButton, el, facts} from '../dom.js';
import {field, form} from '../forms.js';

const lines = (text) => text.split(/[\n,]/).map((s) => s.trim()).filter(Boolean);

const POLICY_CHOICES = [
  ['none', 'reports only; forged mail still delivered.'],
  ['quarantine', 'forged mail goes to spam.'],
  ['reject', 'forged mail is refused.'],
];
const ALIGNMENT_CHOICES = [
  ['r', 'Relaxed', 'a subdomain counts: mail signed for mail.example.org passes for example.org.'],
  ['s', 'Strict', 'only exactly the same domain counts.'],
];

// A select whose choices each need a sentence: the short labels go in the select (long ones are cut off on
// a phone), the sentences in a list beside it that marks the chosen one.
function choiceField(spec, choices) {
  const f = field({...spec, options: choices.map(([value, label]) => ({value, label: label}))});
  const list =
      el('ul', {class: 'choices', id: `${f.input.id}-choices`},
         choices.map(
             ([value, label, text]) => el('li', {dataset: {value}}, el('strong', {}, label), ': ', text)));
  const mark = () => {
    for (const li of list.children) li.classList.toggle('chosen', li.dataset.value === f.input.value);
  };
  f.input.addEventListener('change', mark);
  mark();
  f.input.setAttribute('aria-describedby', `${list.id} ${f.input.getAttribute('aria-describedby')}`);
  f.wrap.insertBefore(list, f.input);
  return f;
}

// groupName: "dmarc", "spf" or "mtaSts"; build(values) the group's object; fields named after the API's
// members, so "dmarc.rua" (or "dmarc.rua[1]") lands at the field "rua".
function groupForm(ctx, domain, update, {groupName, fields, nested = [], build, saved}) {
  const named = fields.concat(nested).filter((f) => !(f instanceof Node));
  if (!ctx.canChange) {
    for (const f of named) f.input.disabled = true;
    return el('form', {class: 'form'}, fields.map((f) => (f instanceof Node ? f : f.wrap)));
  }
  const aliases = {};
  for (const f of named) aliases[`${groupName}.${f.name}`] = f.name;
  const done = el('div', {'aria-live': 'polite'});
  const node = form({
    fields: fields.concat(done),
    nested,
    aliases,
    submitLabel: 'Save',
    onSubmit: async (values) => {
      clear(done);
      let fresh;
      try {
        fresh = await api.patch(path`/domains/${domain.domain}`, {[groupName]: build(values)});
      } catch (err) {
        if (err && typeof err.field === 'string') err.field = err.field.replace(/\[\d+\]$/, '');
        throw err;
      }
      update(fresh);
      done.append(alertBox('ok', saved));
      announce(saved);
    },
  });
  return node;
}

function dmarcForm(ctx, domain, update) {
  const s = (domain.settings && domain.settings.dmarc) || {};
  const policy = choiceField(
      {
        label: 'Policy (p=)',
        name: 'policy',
        value: s.policy || 'none',
        hint:
            'What receivers do with mail that claims to come from this domain but fails both DKIM and SPF. ' +
            'Start with none and read the reports; move to quarantine, then reject, once they show only ' +
            'your own mail passing.'
      },
      POLICY_CHOICES.map(([v, t]) => [v, v, t]));
  const subdomainPolicy = field({
    label: 'Policy for subdomains (sp=)',
    name: 'subdomainPolicy',
    value: s.subdomainPolicy || '',
    options: [
      {value: '', label: 'The same as the domain'},
      ...POLICY_CHOICES.map(([value]) => ({value, label: value}))
    ],
    hint: 'For mail from names such as news.example.org.'
  });
  const percent = field({
    label: 'Share of forged mail the policy applies to, in percent (pct=)',
    name: 'percent',
    type: 'number',
    min: '0',
    max: '100',
    inputmode: 'numeric',
    value: String(s.percent ?? 100),
    hint: 'Keep 100. Below 100 the policy applies to only part of the mail, and 0 applies it to none: ' +
        'a lower value is only for phasing a stricter policy in.'
  });
  const percentNote = el('p', {class: 'note', 'aria-live': 'polite'});
  const showPercentNote = () => {
    const value = Number(percent.input.value);
    percentNote.hidden = percent.input.value === '' || value >= 100;
    percentNote.textContent = value <= 0 ? 'With 0 the policy applies to no mail at all.' :
                                           `The policy applies to only ${value} % of the forged mail.`;
  };
  percent.input.addEventListener('input', showPercentNote);
  showPercentNote();
  percent.wrap.insertBefore(percentNote, percent.error);
  const rua = field({
    label: 'Send summary reports to (rua=)',
    name: 'rua',
    rows: 2,
    optional: true,
    value: (s.rua || []).join('\n'),
    placeholder: `mailto:dmarc@${domain.domain}`,
    hint: 'One mailto: address per line. Receivers send a daily summary of who sent mail as your domain ' +
        'and whether it passed. Without an address nobody sees them. An address at another domain needs ' +
        'that domain\'s permission in its DNS.'
  });
  const ruf = field({
    label: 'Send reports about single failed messages to (ruf=)',
    name: 'ruf',
    rows: 2,
    optional: true,
    value: (s.ruf || []).join('\n'),
    hint: 'One mailto: address per line. Few receivers send these; they may contain parts of messages.'
  });
  const alignmentHelp = el(
      'p', {class: 'hint'},
      'Alignment is how closely the domain that DKIM signed, or that SPF checked, must match the domain in ' +
          'the From line your recipients see. Relaxed suits almost everyone.');
  const adkim = choiceField(
      {label: 'DKIM alignment (adkim=)', name: 'adkim', value: s.adkim || 'r'}, ALIGNMENT_CHOICES);
  const aspf =
      choiceField({label: 'SPF alignment (aspf=)', name: 'aspf', value: s.aspf || 'r'}, ALIGNMENT_CHOICES);
  return el(
      'details', {class: 'card disclosure settings', id: 'settings-dmarc'},
      el('summary', {}, el('h3', {class: 'summary-title'}, 'DMARC')),
      el('p', {class: 'intro'},
         'DMARC tells receivers what to do with mail that pretends to come from your domain, and where to ' +
             'report what they saw.'),
      groupForm(ctx, domain, update, {
        groupName: 'dmarc',
        fields: [policy, subdomainPolicy, percent, rua, ruf, alignmentHelp, adkim, aspf],
        build: (v) => ({
          policy: v.policy,
          subdomainPolicy: v.subdomainPolicy || null,
          percent: v.percent === '' ? 100 : Number(v.percent),
          rua: lines(v.rua),
          ruf: lines(v.ruf),
          adkim: v.adkim,
          aspf: v.aspf,
        }),
        saved: 'DMARC settings saved. Publish the changed DMARC record above.',
      }));
}

function spfForm(ctx, domain, update) {
  const s = (domain.settings && domain.settings.spf) || {};
  const all = choiceField(
      {
        label: 'Mail from servers not listed',
        name: 'all',
        value: s.all || '-all',
        hint: 'The end of the SPF record. Use ~all only for a while, when you are not sure yet that every ' +
            'server sending as your domain is listed.'
      },
      [
        ['-all', '-all', 'refused: receivers are told only the servers listed send your mail (recommended).'],
        ['~all', '~all', 'soft fail: accepted, but marked suspicious; receivers may still put it in spam.'],
      ]);
  const extra = field({
    label: 'Other servers that send as this domain',
    name: 'extra',
    rows: 3,
    optional: true,
    value: (s.extra || []).join('\n'),
    placeholder: 'include:_spf.example.net',
    hint: 'One mechanism per line, such as ip4:192.0.2.10 for one server or include:_spf.example.net for ' +
        'a service (a web shop, a newsletter service). The smarthosts of your routes are added for you. ' +
        'Each include costs DNS lookups, and receivers allow ten in all.'
  });
  return el(
      'details', {class: 'card disclosure settings', id: 'settings-spf'},
      el('summary', {}, el('h3', {class: 'summary-title'}, 'SPF')),
      el('p', {class: 'intro'}, 'SPF lists the servers allowed to send mail as your domain.'),
      groupForm(ctx, domain, update, {
        groupName: 'spf',
        fields: [all, extra],
        build: (v) => ({all: v.all, extra: lines(v.extra)}),
        saved: 'SPF settings saved. Publish the changed SPF record above.',
      }));
}

function mtaStsForm(ctx, domain, update) {
  const s = (domain.settings && domain.settings.mtaSts) || {};
  const mode = choiceField(
      {
        label: 'Mode',
        name: 'mode',
        value: s.mode || 'none',
        hint: 'Start with testing and read the TLS reports for a few weeks before you enforce.'
      },
      [
        ['none', 'none', 'no policy: nothing is published or served.'],
        ['testing', 'testing', 'servers that send to you report problems, but still deliver.'],
        [
          'enforce', 'enforce',
          'servers that send to you deliver only over verified encryption to the mail ' +
              'servers listed below, and hold mail back otherwise.'
        ],
      ]);
  const mx = field({
    label: 'Your mail servers (MX)',
    name: 'mx',
    rows: 3,
    value: (s.mx || []).join('\n'),
    placeholder: `mx1.${domain.domain}`,
    hint: 'The servers that receive your domain\'s mail, as your MX records name them, one per line. ' +
        '"*.example.net" covers every name one level below example.net.'
  });
  const maxAge = field({
    label: 'Remembered for, in seconds (max_age)',
    name: 'maxAge',
    type: 'number',
    min: '0',
    max: '31557600',
    inputmode: 'numeric',
    value: String(s.maxAge ?? 604800),
    hint: 'How long other servers keep the policy without asking again: 86400 is a day, 604800 a week. ' +
        'Use a day while testing and weeks once the policy is enforced.'
  });
  const tlsRptRua = field({
    label: 'Send TLS reports to (TLS-RPT rua=)',
    name: 'tlsRptRua',
    rows: 2,
    optional: true,
    value: (s.tlsRptRua || []).join('\n'),
    placeholder: `mailto:tls-reports@${domain.domain}`,
    hint: 'One per line: a mailto: address or an https:// address. Servers that send to you report there ' +
        'daily when encrypted delivery failed.'
  });
  const policy = el('div');
  const showPolicy = (d) => clear(policy).append(policyBox(d));
  showPolicy(domain);
  return el(
      'details', {class: 'card disclosure settings', id: 'settings-mta-sts'},
      el('summary', {}, el('h3', {class: 'summary-title'}, 'MTA-STS and TLS reports')),
      el('p', {class: 'intro'},
         'For mail coming in to your domain: MTA-STS tells other mail servers to deliver it only over an ' +
             'encrypted, verified connection to your own mail servers, so nobody in between can read or ' +
             'redirect it. TLS reports tell you when that fails.'),
      groupForm(
          ctx, domain,
          (fresh) => {
            update(fresh);
            showPolicy(fresh);
          },
          {
            groupName: 'mtaSts',
            fields: [mode, mx, maxAge, tlsRptRua],
            build: (v) => ({
              mode: v.mode,
              mx: lines(v.mx),
              maxAge: v.maxAge === '' ? 604800 : Number(v.maxAge),
              tlsRptRua: lines(v.tlsRptRua),
            }),
            saved: 'MTA-STS settings saved. The policy id changed: publish the new MTA-STS record above.',
          }),
      policy);
}

function policyBox(domain) {
  const p = domain.mtaStsPolicy;
  const host = p ? p.host : `mta-sts.${domain.domain}`;
  const certificate =
      el('p', {class: 'note'}, `The certificate of Postern's public listener must be valid for ${host}: `,
         'other servers ignore a policy served with a certificate that does not match. Point ',
         el('code', {}, host), ' at that listener in your DNS.');
  if (!p) {
    return el(
        'div', {class: 'policy'},
        el('p', {}, 'With mode none there is no policy to serve, and no MTA-STS record to publish.'),
        certificate);
  }
  return el(
      'div', {class: 'policy'}, el('h4', {}, 'The policy Postern serves'), facts([
        [
          'Address',
          el('span', {}, el('code', {class: 'break'}, p.url), ' ', copyButton(p.url, 'Copy address'))
        ],
        ['Policy id', el('code', {}, p.id)],
      ]),
      el('pre', {class: 'zone', tabindex: '0', 'aria-label': 'Policy text'}, p.text.replace(/\r\n/g, '\n')),
      certificate);
}

export function settingsSection(ctx, domain, update) {
  return el(
      'section', {class: 'settings-section', 'aria-labelledby': 'settings-title'},
      el('h2', {class: 'list-title', id: 'settings-title'}, 'Settings'),
      el('p', {class: 'intro'},
         'What Postern puts into the records above. After saving, publish the changed record at your DNS ' +
             'provider and check again.'),
      dmarcForm(ctx, domain, update), spfForm(ctx, domain, update), mtaStsForm(ctx, domain, update));
}
