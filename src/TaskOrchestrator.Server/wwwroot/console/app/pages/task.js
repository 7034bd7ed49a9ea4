// One task: its definition (credentials masked), a timeline of its states and attempts, its last response, and the
// actions its state allows: cancel and change the due time while it waits, run again once it is over.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { usePoll } from '../poll.js';
import { href, navigate } from '../router.js';
import { duration, finalTaskStatuses, localTime, maskHeaders, maskUrl, shortId } from '../format.js';
import { ConfirmDialog, Labels, Notice, Problem, StatusBadge, Time } from '../ui.js';

export function TaskDetail({ id }) {
  const [actionError, setActionError] = useState(null);
  const [notice, setNotice] = useState(null);
  const [confirming, setConfirming] = useState(null);
  const [busy, setBusy] = useState(false);
  const task = usePoll((signal) => api('GET', `/tasks/${encodeURIComponent(id)}`, { signal }).then((r) => r.data),
    (last) => (finalTaskStatuses.includes(last?.status) ? 15_000 : 1000), [id]);
  const latest = task.data;

  const act = async (work) => {
    setBusy(true);
    setActionError(null);
    setNotice(null);
    try {
      await work();
      task.refresh();
    } catch (error) {
      setActionError(error);
    } finally {
      setBusy(false);
      setConfirming(null);
    }
  };

  const cancel = () => act(async () => {
    await api('PUT', `/tasks/${encodeURIComponent(id)}/cancel`);
    setNotice('The task is cancelled.');
  });
  const reschedule = (runAt) => act(async () => {
    await api('PATCH', `/tasks/${encodeURIComponent(id)}`, { body: { runAt } });
    setNotice(`The task is due at ${localTime(runAt)}.`);
  });
  const rerun = () => act(async () => {
    const response = await api('POST', `/tasks/${encodeURIComponent(id)}/rerun`);
    const newId = response.data?.id;
    if (newId) {
      navigate(`tasks/${newId}`);
    }
  });

  if (!latest) {
    return html`
      <h1>Task <span class="mono">${shortId(id)}</span></h1>
      <${Problem} error=${task.error} />
      ${!task.error && html`<p class="muted placeholder-block">Loading…</p>`}`;
  }

  const t = latest;
  const waiting = t.status === 'Scheduled';
  const over = finalTaskStatuses.includes(t.status);
  return html`
    <div class="page-head">
      <h1>Task <span class="mono" title=${t.id}>${shortId(t.id)}</span> <${StatusBadge} status=${t.status} /></h1>
      <div class="actions" role="group" aria-label="Actions">
        ${waiting && html`<button type="button" class="danger" disabled=${busy} onClick=${() => setConfirming('cancel')}>Cancel task</button>`}
        ${over && html`<button type="button" disabled=${busy} onClick=${() => setConfirming('rerun')}>Run again</button>`}
      </div>
    </div>
    <${Problem} error=${task.error} />
    <${Problem} error=${actionError} onDismiss=${() => setActionError(null)} />
    ${notice && html`<${Notice} onDismiss=${() => setNotice(null)}>${notice}<//>`}
    ${waiting && html`<${DueTimeForm} dueAt=${t.dueAt} busy=${busy} onSubmit=${reschedule} />`}
    <div class="columns">
      <section class="card" aria-labelledby="definition-title">
        <h2 id="definition-title">Definition</h2>
        <dl class="facts">
          <dt>Id</dt><dd class="mono">${t.id}</dd>
          ${t.owner && html`<dt>Owner</dt><dd>${t.owner}</dd>`}
          <dt>Call</dt><dd class="url"><span class="method">${t.method}</span> ${maskUrl(t.taskURL)}</dd>
          ${t.headers && html`<dt>Headers</dt><dd><${Headers} headers=${t.headers} /></dd>`}
          <dt>Due</dt><dd><${Time} value=${t.dueAt} /> <span class="muted">(${duration(t.delayInMS)} after creation)</span></dd>
          <dt>Timeout</dt><dd>${duration(t.timeoutInMS)} per attempt</dd>
          <dt>Retries</dt><dd>${retryText(t.retry)}</dd>
          <dt>Authentication</dt><dd>${t.authentication}</dd>
          <dt>Labels</dt><dd><${Labels} labels=${t.labels} /></dd>
          ${t.orchestrationId && html`<dt>Orchestration</dt><dd><a class="mono" href=${href(`orchestrations/${t.orchestrationId}`)}>${shortId(t.orchestrationId)}</a></dd>`}
          ${t.scheduleId && html`<dt>Schedule</dt><dd><a class="mono" href=${href(`schedules/${t.scheduleId}`)}>${shortId(t.scheduleId)}</a> for <${Time} value=${t.scheduledFor} /></dd>`}
          ${t.rerunOf && html`<dt>Rerun of</dt><dd><a class="mono" href=${href(`tasks/${t.rerunOf}`)}>${shortId(t.rerunOf)}</a></dd>`}
        </dl>
      </section>
      <section class="card" aria-labelledby="timeline-title">
        <h2 id="timeline-title">Timeline</h2>
        <${Timeline} task=${t} />
      </section>
    </div>
    <section class="card" aria-labelledby="response-title">
      <h2 id="response-title">Response</h2>
      ${t.response
        ? html`
          <p>${t.response.statusCode ? html`Status <strong data-testid="response-status">${t.response.statusCode}</strong>` : 'No answer'}
            ${t.response.error && html` — <span class="error-text">${t.response.error}</span>`}</p>
          ${t.response.body ? html`<pre class="response-body">${t.response.body}</pre>` : html`<p class="muted">No body.</p>`}`
        : html`<p class="muted">No call made yet.</p>`}
    </section>
    <${ConfirmDialog} open=${confirming === 'cancel'} title="Cancel this task?" confirmLabel="Cancel task" danger onConfirm=${cancel} onCancel=${() => setConfirming(null)}>
      <p>It will not be called. This cannot be undone.</p>
    <//>
    <${ConfirmDialog} open=${confirming === 'rerun'} title="Run this task again?" confirmLabel="Run again" onConfirm=${rerun} onCancel=${() => setConfirming(null)}>
      <p>A new task with the same definition is created and runs now.</p>
    <//>`;
}

function Headers({ headers }) {
  return html`<ul class="plain">${maskHeaders(headers).map(([name, value, hidden]) => html`
    <li><code>${name}</code>: <span class=${hidden ? 'masked' : ''} title=${hidden ? 'Hidden: it looks like a credential' : ''}>${value}</span></li>`)}</ul>`;
}

function retryText(retry) {
  if (!retry || retry.maxAttempts <= 1) {
    return 'none (one attempt)';
  }

  return `up to ${retry.maxAttempts} attempts, first retry after ${duration(retry.initialDelayInMS)}, ×${retry.backoffCoefficient}` +
    (retry.retryOn?.length ? ` on ${retry.retryOn.join(', ')}` : '');
}

// Created, due, each attempt (start, duration, answer), the next attempt while one waits, and the end.
function Timeline({ task }) {
  const attempts = task.attempts ?? [];
  return html`
    <ol class="timeline">
      <li class="done"><span class="what">Created</span> <${Time} value=${task.createdAt} /></li>
      <li class=${task.startedAt ? 'done' : 'pending'}><span class="what">Due</span> <${Time} value=${task.dueAt} />
        ${task.latenessMs !== null && task.latenessMs !== undefined && html` <span class="muted">first call ${duration(task.latenessMs)} late</span>`}</li>
      ${attempts.map((a) => html`
        <li class=${`attempt ${a.statusCode >= 200 && a.statusCode < 300 ? 'ok' : a.finishedAt ? 'bad' : 'running'}`} data-testid="attempt">
          <span class="what">Attempt ${a.attempt}</span> <${Time} value=${a.startedAt} />
          <span class="attempt-result">
            ${a.finishedAt ? duration(new Date(a.finishedAt) - new Date(a.startedAt)) : 'running'}
            ${a.statusCode ? html` · status ${a.statusCode}` : ''}
            ${a.error ? html` · <span class="error-text">${a.error}</span>` : ''}
          </span>
        </li>`)}
      ${task.nextAttemptAt && html`<li class="pending"><span class="what">Next attempt</span> <${Time} value=${task.nextAttemptAt} /></li>`}
      ${task.finishedAt && html`<li class=${`end status-${task.status.toLowerCase()}`}><span class="what">${task.status}</span> <${Time} value=${task.finishedAt} /></li>`}
    </ol>`;
}

function DueTimeForm({ dueAt, busy, onSubmit }) {
  const [value, setValue] = useState(() => toLocalInput(dueAt));
  const [error, setError] = useState(null);
  const submit = (event) => {
    event.preventDefault();
    const at = new Date(value);
    if (Number.isNaN(at.getTime())) {
      setError('Choose a date and time.');
      return;
    }

    setError(null);
    onSubmit(at.toISOString());
  };

  return html`
    <form class="inline-form card" onSubmit=${submit} aria-label="New due time">
      <label for="due-at">Change the due time (your time zone)</label>
      <input id="due-at" type="datetime-local" step="1" value=${value} onInput=${(e) => setValue(e.currentTarget.value)} required />
      <button type="submit" disabled=${busy}>Reschedule</button>
      ${error && html`<small class="error">${error}</small>`}
    </form>`;
}

function toLocalInput(value) {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) {
    return '';
  }

  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
