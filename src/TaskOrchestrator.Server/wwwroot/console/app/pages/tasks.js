// Tasks: a page of the listing by status and label (newest first, polled), rows selected for bulk cancel or rerun,
// and a form that creates a task.
import { useMemo, useState } from 'preact/hooks';
import { html } from '../html.js';
import { api, idFromLocation } from '../api.js';
import { useDraft, usePoll } from '../poll.js';
import { href, navigate } from '../router.js';
import { maskUrl, parseLabelFilter, parseLines, shortId, taskStatuses } from '../format.js';
import { Field, Labels, Notice, Pager, Problem, StatusBadge, Table, Time } from '../ui.js';

const pageSize = 25;

export function Tasks({ params, identity }) {
  const status = params.get('status') ?? '';
  const label = params.get('label') ?? '';
  const [statusDraft, onStatus] = useDraft(status);
  const [labelDraft, onLabel] = useDraft(label);
  const [cursors, setCursors] = useState([null]);
  const [selected, setSelected] = useState(() => new Set());
  const [outcome, setOutcome] = useState(null);
  const [actionError, setActionError] = useState(null);
  const [busy, setBusy] = useState(false);
  const after = cursors.at(-1);

  let labelError = null;
  let labels = [];
  try {
    labels = parseLabelFilter(label);
  } catch (error) {
    labelError = error;
  }

  const page = usePoll(async (signal) => {
    if (labelError) {
      return { items: [], next: null };
    }

    const query = [['limit', String(pageSize)]];
    if (status) {
      query.push(['status', status]);
    }

    for (const [key, value] of labels) {
      query.push(['label', `${key}:${value}`]);
    }

    if (after) {
      query.push(['after', after]);
    }

    const response = await api('GET', '/tasks', { query, signal });
    return { items: response.data, next: response.next };
  }, 3000, [status, label, after]);

  const filter = (event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setCursors([null]);
    setSelected(new Set());
    navigate('tasks', { status: form.get('status'), label: String(form.get('label') ?? '').trim() });
  };

  const items = page.data?.items ?? [];
  const visibleIds = items.map((t) => t.id);
  const allSelected = visibleIds.length > 0 && visibleIds.every((id) => selected.has(id));
  const toggle = (id) => setSelected((previous) => {
    const next = new Set(previous);
    next.has(id) ? next.delete(id) : next.add(id);
    return next;
  });
  const toggleAll = () => setSelected(allSelected ? new Set() : new Set(visibleIds));

  const bulk = async (action) => {
    setBusy(true);
    setActionError(null);
    setOutcome(null);
    try {
      const ids = [...selected];
      const response = await api('POST', `/tasks/bulk/${action}`, { body: { ids } });
      setOutcome({ action, results: response.data?.results ?? [], continuation: response.data?.continuation });
      setSelected(new Set());
      page.refresh();
    } catch (error) {
      setActionError(error);
    } finally {
      setBusy(false);
    }
  };

  const showOwner = identity.admin;
  const colSpan = showOwner ? 8 : 7;
  const rows = items.map((task) => html`
    <tr key=${task.id} class=${selected.has(task.id) ? 'selected' : ''} data-task-id=${task.id}>
      <td class="check"><input type="checkbox" checked=${selected.has(task.id)} onChange=${() => toggle(task.id)}
        aria-label=${`Select task ${shortId(task.id)}`} /></td>
      <td><a href=${href(`tasks/${task.id}`)} class="mono">${shortId(task.id)}</a></td>
      <td><${StatusBadge} status=${task.status} /></td>
      <td class="url" title=${maskUrl(task.taskURL)}><span class="method">${task.method}</span> ${maskUrl(task.taskURL)}</td>
      <td><${Time} value=${task.dueAt} /></td>
      <td>${task.attempts?.length ?? 0}${task.response?.statusCode ? html` <span class="muted">(${task.response.statusCode})</span>` : ''}</td>
      <td><${Labels} labels=${task.labels} /></td>
      ${showOwner && html`<td class="owner">${task.owner ?? ''}</td>`}
    </tr>`);

  return html`
    <div class="page-head">
      <h1>Tasks</h1>
      <button type="button" class="primary" onClick=${() => {
        // The address's fragment names pages, so the form is reached by focus, not by an anchor.
        document.getElementById('create-task')?.scrollIntoView({ block: 'start' });
        document.getElementById('new-url')?.focus({ preventScroll: true });
      }}>New task</button>
    </div>
    <form class="filters" onSubmit=${filter} role="search" aria-label="Filter tasks">
      <${Field} id="filter-status" label="Status">
        <select id="filter-status" name="status" value=${statusDraft} onChange=${onStatus}>
          <option value="">Any</option>
          ${taskStatuses.map((s) => html`<option value=${s}>${s}</option>`)}
        </select>
      <//>
      <${Field} id="filter-label" label="Label" error=${labelError?.message}>
        <input id="filter-label" name="label" value=${labelDraft} onInput=${onLabel} placeholder="team:billing" autocomplete="off" spellcheck="false" />
      <//>
      <div class="filter-actions"><button type="submit">Filter</button></div>
    </form>
    <div class="bulk" role="group" aria-label="Selected tasks">
      <span>${selected.size} selected</span>
      <button type="button" disabled=${busy || selected.size === 0} onClick=${() => bulk('cancel')}>Cancel selected</button>
      <button type="button" disabled=${busy || selected.size === 0} onClick=${() => bulk('rerun')}>Rerun selected</button>
    </div>
    <${Problem} error=${actionError} onDismiss=${() => setActionError(null)} />
    ${outcome && html`<${BulkOutcome} outcome=${outcome} onDismiss=${() => setOutcome(null)} />`}
    <${Problem} error=${page.error} />
    <${Table} caption="Tasks, newest first" colSpan=${colSpan} loading=${page.data === undefined && !page.error} empty="No tasks match." rows=${rows}
      head=${html`
        <th class="check"><input type="checkbox" checked=${allSelected} onChange=${toggleAll} aria-label="Select every task on this page" /></th>
        <th>Id</th><th>Status</th><th>Call</th><th>Due</th><th>Attempts</th><th>Labels</th>${showOwner && html`<th>Owner</th>`}`} />
    <${Pager} hasPrevious=${cursors.length > 1} hasNext=${Boolean(page.data?.next)} loadedAt=${page.loadedAt}
      onPrevious=${() => setCursors(cursors.slice(0, -1))} onNext=${() => setCursors([...cursors, page.data.next])} />
    <${CreateTask} onCreated=${(id) => navigate(`tasks/${id}`)} />`;
}

function BulkOutcome({ outcome, onDismiss }) {
  const counts = outcome.results.reduce((c, r) => ({ ...c, [r.outcome]: (c[r.outcome] ?? 0) + 1 }), {});
  const skipped = outcome.results.filter((r) => r.outcome === 'skipped');
  return html`
    <${Notice} onDismiss=${onDismiss}>
      <p data-testid="bulk-outcome">
        ${outcome.action === 'cancel' ? 'Cancel' : 'Rerun'}: ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ') || 'nothing done'}.
        ${outcome.continuation ? ' Some were not reached; select them again.' : ''}
      </p>
      ${skipped.length > 0 && html`<ul>${skipped.map((r) => html`<li><a href=${href(`tasks/${r.id}`)} class="mono">${shortId(r.id)}</a>: ${r.reason ?? 'skipped'}</li>`)}</ul>`}
      ${outcome.results.some((r) => r.newId) && html`<p>New tasks: ${outcome.results.filter((r) => r.newId).map((r) => html`<a href=${href(`tasks/${r.newId}`)} class="mono">${shortId(r.newId)}</a> `)}</p>`}
    <//>`;
}

// The form: URL, method, when (a delay or an instant), headers, body, labels. Only fields that were filled are sent.
function CreateTask({ onCreated }) {
  const [error, setError] = useState(null);
  const [local, setLocal] = useState(null);
  const [busy, setBusy] = useState(false);
  const [when, setWhen] = useState('delay');
  const methods = useMemo(() => ['POST', 'GET', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'], []);

  const submit = async (event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(null);
    setLocal(null);
    const body = { taskURL: String(form.get('taskURL') ?? '').trim(), method: form.get('method') };
    try {
      if (when === 'delay') {
        const seconds = Number(form.get('delay') || '0');
        if (!Number.isFinite(seconds) || seconds < 0) {
          throw new Error('The delay must be a number of seconds, 0 or more.');
        }

        body.delayInMS = Math.round(seconds * 1000);
      } else {
        const at = new Date(String(form.get('runAt') ?? ''));
        if (Number.isNaN(at.getTime())) {
          throw new Error('Choose the date and time to run at.');
        }

        body.runAt = at.toISOString();
      }

      const headers = parseLines(form.get('headers'), ':', 'Headers');
      if (Object.keys(headers).length) {
        body.headers = headers;
      }

      const payload = String(form.get('body') ?? '');
      if (payload.trim()) {
        body.body = payload;
      }

      const labels = parseLines(form.get('labels'), '=', 'Labels');
      if (Object.keys(labels).length) {
        body.labels = labels;
      }
    } catch (failure) {
      setLocal(failure.message);
      return;
    }

    setBusy(true);
    try {
      const response = await api('POST', '/tasks', { body });
      onCreated(response.data?.id ?? idFromLocation(response.location));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const fieldError = (name) => error?.fieldErrors?.[name]?.join(' ');
  return html`
    <section id="create-task" class="card" aria-labelledby="create-title">
      <h2 id="create-title">New task</h2>
      <${Problem} error=${error} />
      ${local && html`<${Problem} error=${{ title: 'Check the form', detail: local }} />`}
      <form class="grid-form" onSubmit=${submit}>
        <${Field} id="new-url" label="URL to call" error=${fieldError('taskURL')}>
          <input id="new-url" name="taskURL" type="url" required placeholder="https://example.com/hook" autocomplete="off" spellcheck="false" />
        <//>
        <${Field} id="new-method" label="Method">
          <select id="new-method" name="method">${methods.map((m) => html`<option value=${m}>${m}</option>`)}</select>
        <//>
        <fieldset class="when">
          <legend>When</legend>
          <label><input type="radio" name="when" value="delay" checked=${when === 'delay'} onChange=${() => setWhen('delay')} /> After a delay</label>
          <label><input type="radio" name="when" value="at" checked=${when === 'at'} onChange=${() => setWhen('at')} /> At a time</label>
          ${when === 'delay'
            ? html`<${Field} id="new-delay" label="Delay in seconds" error=${fieldError('delayInMS')}>
                <input id="new-delay" name="delay" type="number" min="0" step="any" value="0" inputmode="decimal" />
              <//>`
            : html`<${Field} id="new-run-at" label="Run at (your time zone)" error=${fieldError('runAt')}>
                <input id="new-run-at" name="runAt" type="datetime-local" step="1" required />
              <//>`}
        </fieldset>
        <${Field} id="new-headers" label="Headers" hint="One per line: Name: value. Never shown again." error=${fieldError('headers')}>
          <textarea id="new-headers" name="headers" rows="2" spellcheck="false" autocomplete="off"></textarea>
        <//>
        <${Field} id="new-body" label="Body" hint="Sent as application/json unless a Content-Type header says otherwise." error=${fieldError('body')}>
          <textarea id="new-body" name="body" rows="3" spellcheck="false"></textarea>
        <//>
        <${Field} id="new-labels" label="Labels" hint="One per line: key=value." error=${fieldError('labels')}>
          <textarea id="new-labels" name="labels" rows="2" spellcheck="false" autocomplete="off"></textarea>
        <//>
        <div class="form-actions"><button type="submit" class="primary" disabled=${busy}>Create task</button></div>
      </form>
    </section>`;
}
