// Form building blocks: a labelled field with its hint and its error slot, and a submit handler that shows
// an API validation error (422 with "field") at that field and every other error in the form's alert.

import {alertBox, announce, clear, el, uniqueId} from './dom.js';

// field({label, name, type, hint, value, required, autocomplete, options, rows, inputmode})
// options: [{value, label}] makes a <select>; rows makes a <textarea>.
export function field(spec) {
  const id = uniqueId(`f-${spec.name}`);
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const common = {
    id,
    name: spec.name,
    required: spec.required,
    autocomplete: spec.autocomplete || 'off',
    'aria-describedby': [spec.hint ? hintId : '', errorId].filter(Boolean).join(' '),
    disabled: spec.disabled,
    readOnly: spec.readOnly,
    placeholder: spec.placeholder,
  };
  let input;
  if (spec.options) {
    input = el('select', common, spec.options.map((o) => el('option', {value: o.value}, o.label)));
    if (spec.value !== undefined) input.value = spec.value;
  } else if (spec.rows) {
    input = el('textarea', {...common, rows: spec.rows, spellcheck: 'false'});
    if (spec.value !== undefined) input.value = spec.value;
  } else {
    input = el('input', {
      ...common,
      type: spec.type || 'text',
      inputmode: spec.inputmode,
      min: spec.min,
      max: spec.max,
      spellcheck: spec.type === 'password' ? null : 'false',
      autocapitalize: 'off',
    });
    if (spec.value !== undefined) input.value = spec.value;
  }
  const error = el('p', {class: 'field-error', id: errorId, hidden: true});
  const wrap =
      el('div', {class: ['field', spec.class]},
         el('label', {'for': id}, spec.label,
            spec.optional ? el('span', {class: 'optional'}, ' (optional)') : null),
         spec.hint ? el('p', {class: 'hint', id: hintId}, spec.hint) : null, input, error);
  return {wrap, input, error, name: spec.name};
}

export function setFieldError(f, message) {
  f.error.textContent = message;
  f.error.hidden = !message;
  if (message)
    f.input.setAttribute('aria-invalid', 'true');
  else
    f.input.removeAttribute('aria-invalid');
}

// Builds a <form>: fields is a list of field() results or plain nodes. onSubmit(values, form) may throw an
// ApiError; a 422 naming one of the fields lands there, other errors in the alert above the buttons.
// aliases maps an API field name to the field that shows it (e.g. "pattern" for an address input).
// nested: fields placed inside another element of `fields` (a fieldset), known for values and errors.
export function form(
    {fields, submitLabel, onSubmit, extraButtons = [], aliases = {}, className, nested = []}) {
  const alert = el('div', {class: 'form-alert'});
  const submit = el('button', {type: 'submit', class: 'button'}, submitLabel);
  const node =
      el('form', {class: ['form', className], novalidate: true},
         fields.map((f) => (f instanceof Node ? f : f.wrap)), alert,
         el('div', {class: 'actions'}, submit, extraButtons));
  const named = fields.concat(nested).filter((f) => !(f instanceof Node) && f.name);
  node.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(alert);
    named.forEach((f) => setFieldError(f, ''));
    const missing = named.find(
        (f) => f.input.required && !f.input.disabled && !f.input.value.trim() && !f.wrap.hidden &&
            !f.wrap.closest('[hidden]'));
    if (missing) {
      setFieldError(missing, 'Please fill this in.');
      missing.input.focus();
      return;
    }
    const values = {};
    named.forEach((f) => {
      values[f.name] = f.input.type === 'checkbox' ? f.input.checked : f.input.value;
    });
    submit.disabled = true;
    node.setAttribute('aria-busy', 'true');
    try {
      await onSubmit(values, node);
    } catch (err) {
      showFormError(err, named, alert, aliases);
    } finally {
      submit.disabled = false;
      node.removeAttribute('aria-busy');
    }
  });
  node.showError = (err) => showFormError(err, named, alert, aliases);
  node.showFieldError = (name, message) => {
    const f = named.find((x) => x.name === name);
    if (f) {
      setFieldError(f, message);
      f.input.focus();
    }
  };
  return node;
}

function showFormError(err, named, alert, aliases) {
  if (err && err.sessionLost) return;
  const fieldName = err && err.field ? aliases[err.field] || err.field : '';
  const target = fieldName ? named.find((f) => f.name === fieldName && !f.wrap.hidden) : null;
  if (target && err.status === 422) {
    const folded = target.wrap.closest('details');
    if (folded) folded.open = true;
    setFieldError(target, err.message);
    target.input.focus();
    return;
  }
  clear(alert);
  alert.append(errorAlert(err));
}

export function errorText(err) {
  if (!err) return 'Something went wrong.';
  if (err.status === 429 && err.retryAfter) {
    return `${err.message} Try again in ${err.retryAfter} seconds.`;
  }
  return err.message || 'Something went wrong.';
}

export function errorAlert(err) {
  return alertBox('error', errorText(err));
}

// Runs a change behind a button: disables it meanwhile, announces success, shows a failure in `where`.
// Resolves {ok, value}.
export async function act(button, where, work, successMessage) {
  if (button) button.disabled = true;
  clear(where);
  try {
    const value = await work();
    if (successMessage) announce(successMessage);
    return {ok: true, value};
  } catch (err) {
    if (!(err && err.sessionLost)) where.append(errorAlert(err));
    return {ok: false};
  } finally {
    if (button && button.isConnected) button.disabled = false;
  }
}
