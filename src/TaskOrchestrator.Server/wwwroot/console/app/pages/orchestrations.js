// Orchestrations: a page of the listing by status (polled), and one orchestration's steps and checks drawn as a
// progress line, each with its state.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { useDraft, usePoll } from '../poll.js';
import { href, navigate } from '../router.js';
import { maskUrl, shortId } from '../format.js';
import { ConfirmDialog, Field, Notice, Pager, Problem, StatusBadge, Table, Time } from '../ui.js';

const statuses = ['Scheduled', 'Running', 'Completed', 'Failed', 'Cancelled'];
const finished = ['Completed', 'Failed', 'Cancelled'];
const pageSize = 25;

export function Orchestrations({ params, identity }) {
  const status = params.get('status') ?? '';
  const [statusDraft, onStatus] = useDraft(status);
  const [cursors, setCursors] = useState([null]);
  const after = cursors.at(-1);
  const page = usePoll(async (signal) => {
    const query = [['limit', String(pageSize)]];
    if (status) {
      query.push(['status', status]);
    }

    if (after) {
      query.push(['after', after]);
    }

    const response = await api('GET', '/orchestrations', { query, signal });
    return { items: response.data, next: response.next };
  }, 3000, [status, after]);

  const showOwner = identity.admin;
  const rows = (page.data?.items ?? []).map((o) => html`
    <tr key=${o.id} data-orchestration-id=${o.id}>
      <td><a class="mono" href=${href(`orchestrations/${o.id}`)}>${shortId(o.id)}</a></td>
      <td><${StatusBadge} status=${o.status} />${o.failureReason && html` <span class="muted">${o.failureReason}</span>`}</td>
      <td>${o.taskCount}</td>
      <td><${Time} value=${o.startAt} /></td>
      <td><${Time} value=${o.finishedAt} /></td>
      ${showOwner && html`<td class="owner">${o.owner ?? ''}</td>`}
    </tr>`);

  return html`
    <h1>Orchestrations</h1>
    <form class="filters" role="search" aria-label="Filter orchestrations" onSubmit=${(e) => {
      e.preventDefault();
      setCursors([null]);
      navigate('orchestrations', { status: new FormData(e.currentTarget).get('status') });
    }}>
      <${Field} id="filter-status" label="Status">
        <select id="filter-status" name="status" value=${statusDraft} onChange=${onStatus}>
          <option value="">Any</option>
          ${statuses.map((s) => html`<option value=${s}>${s}</option>`)}
        </select>
      <//>
      <div class="filter-actions"><button type="submit">Filter</button></div>
    </form>
    <${Problem} error=${page.error} />
    <${Table} caption="Orchestrations, newest first" colSpan=${showOwner ? 6 : 5} loading=${page.data === undefined && !page.error}
      empty="No orchestrations match." rows=${rows}
      head=${html`<th>Id</th><th>Status</th><th>Steps</th><th>Starts</th><th>Finished</th>${showOwner && html`<th>Owner</th>`}`} />
    <${Pager} hasPrevious=${cursors.length > 1} hasNext=${Boolean(page.data?.next)} loadedAt=${page.loadedAt}
      onPrevious=${() => setCursors(cursors.slice(0, -1))} onNext=${() => setCursors([...cursors, page.data.next])} />`;
}

export function OrchestrationDetail({ id }) {
  const [confirming, setConfirming] = useState(false);
  const [actionError, setActionError] = useState(null);
  const [notice, setNotice] = useState(null);
  const orchestration = usePoll((signal) => api('GET', `/orchestrations/${encodeURIComponent(id)}`, { signal }).then((r) => r.data),
    (last) => (finished.includes(last?.status) ? 15_000 : 1000), [id]);
  const o = orchestration.data;

  const cancel = async () => {
    setConfirming(false);
    setActionError(null);
    try {
      await api('PUT', `/orchestrations/${encodeURIComponent(id)}/cancel`);
      setNotice('The orchestration is cancelled.');
      orchestration.refresh();
    } catch (error) {
      setActionError(error);
    }
  };

  if (!o) {
    return html`
      <h1>Orchestration <span class="mono">${shortId(id)}</span></h1>
      <${Problem} error=${orchestration.error} />
      ${!orchestration.error && html`<p class="muted placeholder-block">Loading…</p>`}`;
  }

  return html`
    <div class="page-head">
      <h1>Orchestration <span class="mono" title=${o.id}>${shortId(o.id)}</span> <${StatusBadge} status=${o.status} /></h1>
      ${!finished.includes(o.status) && html`<div class="actions"><button type="button" class="danger" onClick=${() => setConfirming(true)}>Cancel orchestration</button></div>`}
    </div>
    <${Problem} error=${orchestration.error} />
    <${Problem} error=${actionError} onDismiss=${() => setActionError(null)} />
    ${notice && html`<${Notice} onDismiss=${() => setNotice(null)}>${notice}<//>`}
    <dl class="facts card">
      ${o.owner && html`<dt>Owner</dt><dd>${o.owner}</dd>`}
      <dt>Created</dt><dd><${Time} value=${o.createdAt} /></dd>
      <dt>Starts</dt><dd><${Time} value=${o.startAt} /></dd>
      ${o.finishedAt && html`<dt>Finished</dt><dd><${Time} value=${o.finishedAt} /></dd>`}
      ${o.failureReason && html`<dt>Failure</dt><dd>${o.failureReason}</dd>`}
      ${o.scheduleId && html`<dt>Schedule</dt><dd><a class="mono" href=${href(`schedules/${o.scheduleId}`)}>${shortId(o.scheduleId)}</a></dd>`}
    </dl>
    <section aria-labelledby="progress-title">
      <h2 id="progress-title">Progress</h2>
      <ol class="progress" aria-label="Steps">
        ${o.steps.map((step) => html`<${Step} step=${step} current=${o.currentStep === step.index && !finished.includes(o.status)} />`)}
      </ol>
    </section>
    <${ConfirmDialog} open=${confirming} title="Cancel this orchestration?" confirmLabel="Cancel orchestration" danger onConfirm=${cancel} onCancel=${() => setConfirming(false)}>
      <p>No further step runs. This cannot be undone.</p>
    <//>`;
}

// One step on the line: a dot in its state, its call and task, then its check's attempts and its fallback.
function Step({ step, current }) {
  const check = step.conditionCheck;
  return html`
    <li class=${`step step-${step.status.toLowerCase()}${current ? ' current' : ''}`} data-step=${step.index} data-status=${step.status}
      aria-current=${current ? 'step' : undefined}>
      <span class="dot" aria-hidden="true"></span>
      <div class="step-body">
        <p><strong>Step ${step.index + 1}</strong> <span class="badge step-state">${step.status}</span></p>
        <p class="url"><span class="method">${step.method}</span> ${maskUrl(step.taskURL)}</p>
        ${step.taskId && html`<p>Task <a class="mono" href=${href(`tasks/${step.taskId}`)}>${shortId(step.taskId)}</a> <${StatusBadge} status=${step.taskStatus} /></p>`}
        ${check && html`
          <div class="check-line">
            <p>Check <span class="method">${check.method}</span> <span class="url">${maskUrl(check.taskURL)}</span> <span class="muted">(${check.retries + 1} attempts at most)</span></p>
            <ol class="check-attempts" aria-label="Check attempts">
              ${check.attempts.length === 0 && html`<li class="muted">none yet</li>`}
              ${check.attempts.map((a, i) => html`
                <li class=${a.passed ? 'passed' : 'not-passed'}>
                  <a href=${href(`tasks/${a.taskId}`)} title=${`Check attempt ${i + 1}`}>${a.passed ? '✓' : '✗'} ${a.statusCode ?? 'no answer'}</a>
                </li>`)}
            </ol>
          </div>`}
        ${step.fallbackTaskURL && html`
          <p class="fallback">Fallback <span class="url">${maskUrl(step.fallbackTaskURL)}</span>
            ${step.fallbackTaskId && html` — task <a class="mono" href=${href(`tasks/${step.fallbackTaskId}`)}>${shortId(step.fallbackTaskId)}</a> <${StatusBadge} status=${step.fallbackStatus} />`}</p>`}
      </div>
    </li>`;
}
