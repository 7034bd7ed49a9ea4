// Pages are addressed by the URL's fragment (#/tasks/{id}?…), so every page is served by the one index.html.
import { useEffect, useState } from 'preact/hooks';

export function parseRoute(hash) {
  const [path, query = ''] = hash.replace(/^#/, '').split('?');
  const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { section: segments[0] ?? 'overview', id: segments[1] ?? null, params: new URLSearchParams(query) };
}

export function useRoute() {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const changed = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}

// A link target: #/section/id?name=value, with empty parameters left out.
export function href(path, params = {}) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const one of [value].flat()) {
      if (one !== undefined && one !== null && one !== '') {
        query.append(name, String(one));
      }
    }
  }

  const encoded = path.split('/').map((segment) => encodeURIComponent(segment)).join('/');
  const search = query.toString();
  return `#/${encoded}${search ? `?${search}` : ''}`;
}

export function navigate(path, params) {
  location.hash = href(path, params);
}
