// Schedules: a page of the listing (polled) with each cadence in words, and one schedule's next and recent runs with
// pause, resume and trigger now.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { useDraft, usePoll } from '../poll.js';
import { href, navigate } from '../router.js';
import { describeSchedule } from '../cron.js';
import { duration, maskUrl, shortId } from '../format.js';
import { Field, Notice, Pager, Problem, StatusBadge, Table, Time } from '../ui.js';

const pageSize = 25;

export function Schedules({ params, identity }) {
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

    const response = await api('GET', '/schedules', { query, signal });
    return { items: response.data, next: response.next };
  }, 5000, [status, after]);

  const showOwner = identity.admin;
  const rows = (page.data?.items ?? []).map((s) => html`
    <tr key=${s.id} data-schedule-id=${s.id}>
      <td><a class="mono" href=${href(`schedules/${s.id}`)}>${shortId(s.id)}</a></td>
      <td><${StatusBadge} status=${s.status} /></td>
      <td><span class="cadence">${describeSchedule(s)}</span>${s.cron && html` <code class="muted">${s.cron}</code>`}</td>
      <td>${s.timeZone}</td>
      <td>${s.nextRuns?.length ? html`<${Time} value=${s.nextRuns[0]} />` : html`<span class="muted">—</span>`}</td>
      <td class="url">${runsWhat(s)}</td>
      ${showOwner && html`<td class="owner">${s.owner ?? ''}</td>`}
    </tr>`);

  return html`
    <h1>Schedules</h1>
    <form class="filters" role="search" aria-label="Filter schedules" onSubmit=${(e) => {
      e.preventDefault();
      setCursors([null]);
      navigate('schedules', { status: new FormData(e.currentTarget).get('status') });
    }}>
      <${Field} id="filter-status" label="Status">
        <select id="filter-status" name="status" value=${statusDraft} onChange=${onStatus}>
          <option value="">Any</option><option value="Active">Active</option><option value="Paused">Paused</option>
        </select>
      <//>
      <div class="filter-actions"><button type="submit">Filter</button></div>
    </form>
    <${Problem} error=${page.error} />
    <${Table} caption="Schedules" colSpan=${showOwner ? 7 : 6} loading=${page.data === undefined && !page.error} empty="No schedules match." rows=${rows}
      head=${html`<th>Id</th><th>Status</th><th>Cadence</th><th>Time zone</th><th>Next run</th><th>Runs</th>${showOwner && html`<th>Owner</th>`}`} />
    <${Pager} hasPrevious=${cursors.length > 1} hasNext=${Boolean(page.data?.next)} loadedAt=${page.loadedAt}
      onPrevious=${() => setCursors(cursors.slice(0, -1))} onNext=${() => setCursors([...cursors, page.data.next])} />`;
}

function runsWhat(s) {
  if (s.task) {
    return html`<span class="method">${s.task.method}</span> ${maskUrl(s.task.taskURL)}`;
  }

  if (s.orchestration) {
    return `An orchestration of ${s.orchestration.tasks?.length ?? 0} steps`;
  }

  return '';
}

export function ScheduleDetail({ id }) {
  const [actionError, setActionError] = useState(null);
  const [notice, setNotice] = useState(null);
  const [busy, setBusy] = useState(false);
  const schedule = usePoll((signal) => api('GET', `/schedules/${encodeURIComponent(id)}`, { signal }).then((r) => r.data), 3000, [id]);
  const s = schedule.data;

  const act = async (method, action, done) => {
    setBusy(true);
    setActionError(null);
    setNotice(null);
    try {
      const response = await api(method, `/schedules/${encodeURIComponent(id)}/${action}`);
      setNotice(done(response.data));
      schedule.refresh();
    } catch (error) {
      setActionError(error);
    } finally {
      setBusy(false);
    }
  };

  if (!s) {
    return html`
      <h1>Schedule <span class="mono">${shortId(id)}</span></h1>
      <${Problem} error=${schedule.error} />
      ${!schedule.error && html`<p class="muted placeholder-block">Loading…</p>`}`;
  }

  const paused = s.status === 'Paused';
  return html`
    <div class="page-head">
      <h1>Schedule <span class="mono" title=${s.id}>${shortId(s.id)}</span> <${StatusBadge} status=${s.status} /></h1>
      <div class="actions" role="group" aria-label="Actions">
        ${paused
          ? html`<button type="button" disabled=${busy} onClick=${() => act('PUT', 'resume', () => 'The schedule is active again.')}>Resume</button>`
          : html`<button type="button" disabled=${busy} onClick=${() => act('PUT', 'pause', () => 'The schedule is paused: no occurrence runs until it is resumed.')}>Pause</button>`}
        <button type="button" disabled=${busy} onClick=${() => act('POST', 'trigger', () => 'A run was started now.')}>Trigger now</button>
      </div>
    </div>
    <${Problem} error=${schedule.error} />
    <${Problem} error=${actionError} onDismiss=${() => setActionError(null)} />
    ${notice && html`<${Notice} onDismiss=${() => setNotice(null)}>${notice}<//>`}
    <div class="columns">
      <section class="card" aria-labelledby="cadence-title">
        <h2 id="cadence-title">Cadence</h2>
        <dl class="facts">
          <dt>When</dt><dd><strong class="cadence">${describeSchedule(s)}</strong>${s.cron && html` <code class="muted">${s.cron}</code>`}</dd>
          <dt>Time zone</dt><dd>${s.timeZone}</dd>
          ${s.startAt && html`<dt>From</dt><dd><${Time} value=${s.startAt} /></dd>`}
          ${s.endAt && html`<dt>Until</dt><dd><${Time} value=${s.endAt} /></dd>`}
          <dt>Overlap</dt><dd>${s.overlap === 'skip' ? 'skip a run while the previous one is unfinished' : 'allow runs to overlap'}</dd>
          <dt>Catch-up</dt><dd>${s.catchUp} <span class="muted">(window ${duration(s.catchUpWindowInMS)})</span></dd>
          ${s.owner && html`<dt>Owner</dt><dd>${s.owner}</dd>`}
          <dt>Runs</dt><dd class="url">${runsWhat(s)}</dd>
        </dl>
      </section>
      <section class="card" aria-labelledby="next-title">
        <h2 id="next-title">Next runs</h2>
        ${s.nextRuns?.length
          ? html`<ol class="plain next-runs">${s.nextRuns.map((r) => html`<li><${Time} value=${r} /> <span class="muted">${r}</span></li>`)}</ol>`
          : html`<p class="muted">${paused ? 'None while paused.' : 'None: the schedule has ended.'}</p>`}
      </section>
    </div>
    <section aria-labelledby="recent-title">
      <h2 id="recent-title">Recent runs</h2>
      <${Table} caption="Recent runs, newest first" colSpan=${3} loading=${false} empty="No runs yet."
        head=${html`<th>For</th><th>Run</th><th>Outcome</th>`}
        rows=${(s.recentRuns ?? []).map((r) => html`
          <tr key=${`${r.scheduledFor}-${r.taskId ?? r.orchestrationId ?? ''}`}>
            <td><${Time} value=${r.scheduledFor} />${r.triggered && html` <span class="badge">by hand</span>`}</td>
            <td>${r.taskId ? html`task <a class="mono" href=${href(`tasks/${r.taskId}`)}>${shortId(r.taskId)}</a>`
              : r.orchestrationId ? html`orchestration <a class="mono" href=${href(`orchestrations/${r.orchestrationId}`)}>${shortId(r.orchestrationId)}</a>`
                : html`<span class="muted">none</span>`}</td>
            <td>${r.skipped ? html`skipped <span class="muted">${r.reason ?? ''}</span>` : html`<${StatusBadge} status=${r.outcome ?? 'Scheduled'} />`}</td>
          </tr>`)} />
    </section>`;
}
