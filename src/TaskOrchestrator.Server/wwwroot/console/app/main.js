// The console's entry: reads its configuration, signs in (pasted token or OpenID Connect), then shows the page the
// address names. Every page reads and acts through the public REST API only (api.js).
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { html } from './html.js';
import { whenUnauthorized } from './api.js';
import { currentToken, describeToken, forgetToken } from './session.js';
import { completeSignIn } from './oidc.js';
import { useRoute } from './router.js';
import { Layout } from './layout.js';
import { Problem } from './ui.js';
import { SignIn } from './pages/signin.js';
import { Overview } from './pages/overview.js';
import { Tasks } from './pages/tasks.js';
import { TaskDetail } from './pages/task.js';
import { Orchestrations, OrchestrationDetail } from './pages/orchestrations.js';
import { Schedules, ScheduleDetail } from './pages/schedules.js';

const themeKey = 'taskorchestrator.console.theme';

function initialTheme() {
  const chosen = localStorage.getItem(themeKey);
  if (chosen === 'light' || chosen === 'dark') {
    return chosen;
  }

  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

function App({ config, signInError }) {
  const [token, setToken] = useState(currentToken());
  const [message, setMessage] = useState(signInError);
  const [theme, setTheme] = useState(initialTheme);
  const route = useRoute();

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  useEffect(() => {
    whenUnauthorized((error) => {
      forgetToken();
      setToken(null);
      setMessage({ title: 'Signed out', detail: `the service no longer accepts the token (${error.detail || error.title}). Sign in again.` });
    });
  }, []);

  if (!token) {
    return html`<${SignIn} config=${config} message=${message} onSignedIn=${(t) => { setMessage(null); setToken(t); }} />`;
  }

  const identity = describeToken(token);
  const switchTheme = () => {
    const next = theme === 'dark' ? 'light' : 'dark';
    localStorage.setItem(themeKey, next);
    setTheme(next);
  };
  const signOut = () => {
    forgetToken();
    setMessage(null);
    setToken(null);
  };

  return html`
    <${Layout} section=${route.section} identity=${identity} config=${config} theme=${theme} onTheme=${switchTheme} onSignOut=${signOut}>
      ${page(route, identity, theme)}
    <//>`;
}

function page(route, identity, theme) {
  const key = `${route.section}/${route.id ?? ''}`;
  switch (route.section) {
    case 'overview':
      return html`<${Overview} identity=${identity} theme=${theme} />`;
    case 'tasks':
      return route.id ? html`<${TaskDetail} key=${key} id=${route.id} identity=${identity} />` : html`<${Tasks} key=${route.params.toString()} params=${route.params} identity=${identity} />`;
    case 'orchestrations':
      return route.id ? html`<${OrchestrationDetail} key=${key} id=${route.id} identity=${identity} />` : html`<${Orchestrations} key=${route.params.toString()} params=${route.params} identity=${identity} />`;
    case 'schedules':
      return route.id ? html`<${ScheduleDetail} key=${key} id=${route.id} identity=${identity} />` : html`<${Schedules} key=${route.params.toString()} params=${route.params} identity=${identity} />`;
    default:
      return html`<h1>Not found</h1><${Problem} error=${{ title: 'No such page', detail: `the console has no page "${route.section}".` }} />`;
  }
}

async function start() {
  const root = document.getElementById('app');
  let config = null;
  try {
    const response = await fetch(new URL('config.json', document.baseURI), { cache: 'no-store', credentials: 'omit' });
    if (!response.ok) {
      throw new Error(`config.json answered ${response.status}`);
    }

    config = await response.json();
  } catch (error) {
    render(html`<main id="main"><${Problem} error=${{ title: 'The console could not start', detail: String(error?.message ?? error) }} /></main>`, root);
    return;
  }

  let signInError = null;
  if (config.provider) {
    try {
      await completeSignIn(config.provider);
    } catch (error) {
      signInError = { title: 'Sign-in failed', detail: String(error?.message ?? error) };
    }
  }

  root.textContent = '';
  render(html`<${App} config=${config} signInError=${signInError} />`, root);
}

start();
