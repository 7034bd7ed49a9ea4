import { useMemo } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { usePoll } from '../poll.js';
import { href } from '../router.js';
import { taskStatuses } from '../format.js';
import { LineChart } from '../chart.js';
import { Problem } from '../ui.js';

// Counting reads a listing page per status: up to this many tasks each, then "1000+".
const countLimit = 1000;

export function Overview({ identity, theme }) {
  const counts = usePoll(async (signal) => {
    const pages = await Promise.all(taskStatuses.map((status) =>
      api('GET', '/tasks', { query: [['status', status], ['limit', String(countLimit)]], signal })));
    return Object.fromEntries(taskStatuses.map((status, i) => [status, { count: pages[i].data.length, more: Boolean(pages[i].next) }]));
  }, 15_000, []);

  return html`
    <h1>Overview</h1>
    <section aria-labelledby="counts-title">
      <h2 id="counts-title">Tasks by status ${identity.admin ? '(every owner)' : ''}</h2>
      <${Problem} error=${counts.error} />
      <ul class="tiles">
        ${taskStatuses.map((status) => {
          const c = counts.data?.[status];
          return html`
            <li>
              <a class=${`tile status-${status.toLowerCase()}`} href=${href('tasks', { status })} data-status=${status}>
                <span class="tile-count">${c ? `${c.count}${c.more ? '+' : ''}` : '–'}</span>
                <span class="tile-label">${status}</span>
              </a>
            </li>`;
        })}
      </ul>
    </section>
    <section aria-labelledby="live-title">
      ${identity.admin
        ? html`<h2 id="live-title">Live: this node, last 5 minutes</h2><${NodeActivity} theme=${theme} />`
        : html`<h2 id="live-title">Live: your tasks, last 5 minutes</h2><${OwnActivity} theme=${theme} />`}
    </section>`;
}

// An admin sees the node's own metrics (GET /admin/activity): every owner's calls.
function NodeActivity({ theme }) {
  const activity = usePoll((signal) => api('GET', '/admin/activity', { query: [['seconds', String(windowSeconds)]], signal }).then((r) => r.data), 2000, []);
  return html`<${Activity} theme=${theme} points=${activity.data} error=${activity.error} />`;
}

// Anyone else sees the same series computed from their own tasks (the newest listing page), since the node's metrics
// count every owner's calls: what a token may not read, the console does not show. Tasks created before that page
// starts are left out.
function OwnActivity({ theme }) {
  const tasks = usePoll((signal) => api('GET', '/tasks', { query: [['limit', String(ownTasksLimit)]], signal }).then((r) => r.data), 5000, []);
  const points = useMemo(() => tasks.data && secondsFromTasks(tasks.data, Date.now()), [tasks.data]);
  return html`<${Activity} theme=${theme} points=${points} error=${tasks.error} />`;
}

const windowSeconds = 300;
const ownTasksLimit = 1000;

// Per second of the last windowSeconds: attempts started, tasks completed and failed, and the lateness of first calls.
export function secondsFromTasks(tasks, now) {
  const end = Math.floor(now / 1000);
  const start = end - windowSeconds;
  const slots = Array.from({ length: windowSeconds }, (_, i) => ({ at: (start + i) * 1000, fired: 0, succeeded: 0, failed: 0, lateness: [] }));
  const slotOf = (value) => {
    const second = Math.floor(new Date(value).getTime() / 1000);
    return second >= start && second < end ? slots[second - start] : null;
  };
  for (const task of tasks) {
    for (const attempt of task.attempts ?? []) {
      const slot = slotOf(attempt.startedAt);
      if (slot) {
        slot.fired++;
      }
    }

    const finished = task.finishedAt && slotOf(task.finishedAt);
    if (finished && task.status === 'Completed') {
      finished.succeeded++;
    } else if (finished && task.status === 'Failed') {
      finished.failed++;
    }

    const started = task.startedAt && slotOf(task.startedAt);
    if (started && typeof task.latenessMs === 'number') {
      started.lateness.push(task.latenessMs);
    }
  }

  return slots.map((s) => {
    const sorted = s.lateness.sort((a, b) => a - b);
    const rank = (q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : null);
    return { at: new Date(s.at).toISOString(), fired: s.fired, succeeded: s.succeeded, failed: s.failed, latenessP50Ms: rank(0.5), latenessP99Ms: rank(0.99) };
  });
}

function Activity({ theme, points: given, error }) {
  const data = useMemo(() => {
    const points = given ?? [];
    const xs = points.map((p) => new Date(p.at).getTime() / 1000);
    return {
      rates: [xs, points.map((p) => p.fired), points.map((p) => p.succeeded), points.map((p) => p.failed)],
      lateness: [xs, points.map((p) => p.latenessP50Ms ?? null), points.map((p) => p.latenessP99Ms ?? null)],
      totals: points.reduce((t, p) => ({ fired: t.fired + p.fired, succeeded: t.succeeded + p.succeeded, failed: t.failed + p.failed }), { fired: 0, succeeded: 0, failed: 0 }),
    };
  }, [given]);

  return html`
    <${Problem} error=${error} />
    <p class="muted totals" data-testid="activity-totals">
      In these 5 minutes: ${data.totals.fired} calls fired, ${data.totals.succeeded} tasks succeeded, ${data.totals.failed} failed.
    </p>
    <div class="charts">
      <${LineChart} title="Calls per second" unit="/s" theme=${theme} data=${data.rates} series=${[
        { label: 'Calls fired', color: '--chart-fired' },
        { label: 'Succeeded', color: '--chart-succeeded' },
        { label: 'Failed', color: '--chart-failed' },
      ]} />
      <${LineChart} title="Lateness of first calls (ms)" unit="ms" theme=${theme} data=${data.lateness} series=${[
        { label: 'p50', color: '--chart-p50' },
        { label: 'p99', color: '--chart-p99' },
      ]} />
    </div>`;
}
