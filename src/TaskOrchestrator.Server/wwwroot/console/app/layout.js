import { html } from './html.js';

const sections = [
  ['overview', 'Overview', '#/'],
  ['tasks', 'Tasks', '#/tasks'],
  ['orchestrations', 'Orchestrations', '#/orchestrations'],
  ['schedules', 'Schedules', '#/schedules'],
];

export function Layout({ section, identity, config, theme, onTheme, onSignOut, children }) {
  return html`
    <a class="skip" href="#main" onClick=${(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>Skip to content</a>
    <header class="top">
      <a class="brand" href="#/">TaskOrchestrator</a>
      <nav aria-label="Sections">
        <ul>
          ${sections.map(([key, label, target]) => html`
            <li><a href=${target} aria-current=${section === key ? 'page' : undefined}>${label}</a></li>`)}
          ${config?.dashboard && html`<li><a href=${new URL(`..${config.dashboard}`, document.baseURI).pathname} target="_blank" rel="noopener noreferrer">Orleans Dashboard ↗</a></li>`}
        </ul>
      </nav>
      <div class="who">
        <span class="subject" title="The token's subject">${identity.subject ?? 'unknown subject'}</span>
        ${identity.admin && html`<span class="badge admin">admin</span>`}
        <button type="button" class="link" onClick=${onTheme} aria-label=${`Theme: ${theme}. Switch theme`}>${theme === 'dark' ? '☾ Dark' : '☀ Light'}</button>
        <button type="button" class="link" onClick=${onSignOut}>Sign out</button>
      </div>
    </header>
    <main id="main" tabindex="-1">${children}</main>`;
}
