// Small pieces every page uses.
import { useEffect, useRef } from 'preact/hooks';
import { html } from './html.js';
import { localTime, relativeTime } from './format.js';

export function StatusBadge({ status }) {
  const text = status ? String(status) : '—';
  return html`<span class=${`badge status-${text.toLowerCase()}`}>${text}</span>`;
}

// An API error (or any error) in words: title, detail, and each field's problems.
export function Problem({ error, onDismiss }) {
  if (!error) {
    return null;
  }

  const fields = Object.entries(error.fieldErrors ?? {});
  return html`
    <div class="problem" role="alert">
      <p><strong>${error.title ?? 'Something went wrong'}</strong>${error.detail || !error.title ? html` — ${error.detail || error.message}` : ''}</p>
      ${fields.length > 0 && html`<ul>${fields.map(([field, messages]) => html`<li><code>${field}</code>: ${messages.join(' ')}</li>`)}</ul>`}
      ${onDismiss && html`<button type="button" class="link" onClick=${onDismiss}>Dismiss</button>`}
    </div>`;
}

// A notice that is not an error: the outcome of an action.
export function Notice({ children, onDismiss }) {
  return html`
    <div class="notice" role="status">
      <div>${children}</div>
      ${onDismiss && html`<button type="button" class="link" onClick=${onDismiss}>Dismiss</button>`}
    </div>`;
}

export function Time({ value }) {
  if (!value) {
    return html`<span class="muted">—</span>`;
  }

  return html`<time datetime=${String(value)} title=${String(value)}>${localTime(value)} <span class="muted">(${relativeTime(value)})</span></time>`;
}

export function Labels({ labels }) {
  const entries = labels && typeof labels === 'object' ? Object.entries(labels) : [];
  if (entries.length === 0) {
    return html`<span class="muted">—</span>`;
  }

  return html`<span class="labels">${entries.map(([key, value]) => html`<span class="label"><span class="label-key">${key}</span>${String(value)}</span>`)}</span>`;
}

// "Newer" and "Older" over cursor-paged listings (newest first); both are always there, so the page does not jump.
export function Pager({ hasPrevious, hasNext, onPrevious, onNext, loadedAt }) {
  return html`
    <nav class="pager" aria-label="Pages">
      <button type="button" disabled=${!hasPrevious} onClick=${onPrevious}>← Newer</button>
      <button type="button" disabled=${!hasNext} onClick=${onNext}>Older →</button>
      <span class="muted updated" aria-live="off">${loadedAt ? `Updated ${localTime(loadedAt)}` : 'Loading…'}</span>
    </nav>`;
}

// A modal question with a confirm and a cancel button (the native dialog keeps focus inside and closes on Escape).
export function ConfirmDialog({ open, title, children, confirmLabel, danger, onConfirm, onCancel }) {
  const dialog = useRef(null);
  useEffect(() => {
    const element = dialog.current;
    if (open && element && !element.open) {
      element.showModal();
    } else if (!open && element?.open) {
      element.close();
    }
  }, [open]);

  return html`
    <dialog ref=${dialog} class="confirm" onClose=${() => open && onCancel()} aria-labelledby="confirm-title">
      <form method="dialog" onSubmit=${(e) => { e.preventDefault(); onConfirm(); }}>
        <h2 id="confirm-title">${title}</h2>
        <div>${children}</div>
        <div class="actions">
          <button type="button" onClick=${onCancel}>Keep</button>
          <button type="submit" class=${danger ? 'danger' : 'primary'} autofocus>${confirmLabel}</button>
        </div>
      </form>
    </dialog>`;
}

// A table whose body keeps its height while it loads or is empty.
export function Table({ caption, head, rows, loading, empty, colSpan }) {
  return html`
    <div class="table-wrap">
      <table>
        <caption class="visually-hidden">${caption}</caption>
        <thead><tr>${head}</tr></thead>
        <tbody>
          ${loading
            ? html`<tr class="placeholder"><td colspan=${colSpan}>Loading…</td></tr>`
            : rows.length === 0
              ? html`<tr class="placeholder"><td colspan=${colSpan}>${empty}</td></tr>`
              : rows}
        </tbody>
      </table>
    </div>`;
}

export function Field({ label, hint, error, children, id }) {
  return html`
    <div class=${`field${error ? ' invalid' : ''}`}>
      <label for=${id}>${label}</label>
      ${children}
      ${hint && html`<small class="hint" id=${`${id}-hint`}>${hint}</small>`}
      ${error && html`<small class="error" id=${`${id}-error`}>${error}</small>`}
    </div>`;
}
