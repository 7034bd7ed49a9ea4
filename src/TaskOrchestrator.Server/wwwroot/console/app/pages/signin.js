import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { api } from '../api.js';
import { forgetToken, storeToken } from '../session.js';
import { beginSignIn } from '../oidc.js';
import { Field, Problem } from '../ui.js';

export function SignIn({ config, message, onSignedIn }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const provider = config?.provider;

  const useToken = async (event) => {
    event.preventDefault();
    const candidate = token.trim().replace(/^bearer\s+/i, '');
    if (!candidate) {
      setError(new Error('Paste a bearer token first.'));
      return;
    }

    setBusy(true);
    setError(null);
    storeToken(candidate);
    try {
      // The token is checked by the API itself: a listing of one task is the cheapest call every token may make.
      await api('GET', '/tasks', { query: [['limit', '1']], signIn: true });
      setToken('');
      onSignedIn(candidate);
    } catch (failure) {
      forgetToken();
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const signInAtProvider = async () => {
    setBusy(true);
    setError(null);
    try {
      await beginSignIn(provider);
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };

  const tokenForm = html`
    <form class="stack" onSubmit=${useToken}>
      <${Field} id="token" label="Bearer token" hint="It is kept in this browser tab only, until you sign out or close the tab.">
        <textarea id="token" name="token" rows="4" spellcheck="false" autocomplete="off" value=${token}
          onInput=${(e) => setToken(e.currentTarget.value)} aria-describedby="token-hint"></textarea>
      <//>
      <div><button type="submit" class="primary" disabled=${busy}>Sign in</button></div>
    </form>`;

  return html`
    <main id="main" class="signin">
      <h1>Sign in to the task console</h1>
      <p>The console shows what your token may see through the REST API: your own tasks, orchestrations and schedules, or every owner's with an admin token.</p>
      ${message && html`<${Problem} error=${message} />`}
      <${Problem} error=${error} />
      ${provider
        ? html`
          <p><button type="button" class="primary" disabled=${busy} onClick=${signInAtProvider}>Sign in with ${hostOf(provider.authority)}</button></p>
          <details><summary>Paste a token instead</summary>${tokenForm}</details>`
        : tokenForm}
      ${config?.developmentTokens && html`
        <section class="hint-box" aria-labelledby="dev-tokens">
          <h2 id="dev-tokens">Development: get a token</h2>
          <p>From the repository root, this prints a token this server accepts (add <code>--role admin</code> to see every owner's resources):</p>
          <pre><code>dotnet user-jwts create --project src/TaskOrchestrator.Server --output token</code></pre>
        </section>`}
    </main>`;
}

function hostOf(authority) {
  try {
    return new URL(authority).host;
  } catch {
    return 'your provider';
  }
}
