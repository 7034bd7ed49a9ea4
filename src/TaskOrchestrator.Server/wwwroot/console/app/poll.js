// Keeps a page's data fresh without a reload: loads at once, then again every interval after the previous load ended
// (never two at a time; an interval given as a function is asked each time, with the last data), not while the tab is hidden, and at once when it shows again. The last data stays on screen
// while the next load runs, so nothing jumps; an error is kept beside it until a load succeeds.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export function usePoll(load, intervalMs, deps) {
  const [state, setState] = useState({ data: undefined, error: null, loadedAt: null });
  const generation = useRef(0);
  const wake = useRef(() => {});

  useEffect(() => {
    const mine = ++generation.current;
    const controller = new AbortController();
    let timer = null;
    let running = false;
    let last;
    setState({ data: undefined, error: null, loadedAt: null });

    const run = async () => {
      clearTimeout(timer);
      if (document.hidden || running) {
        return;
      }

      running = true;
      try {
        const data = await load(controller.signal);
        last = data;
        if (generation.current === mine) {
          setState({ data, error: null, loadedAt: new Date() });
        }
      } catch (error) {
        if (error?.name === 'AbortError' || generation.current !== mine) {
          return;
        }

        setState((previous) => ({ ...previous, error }));
      } finally {
        running = false;
      }

      const interval = typeof intervalMs === 'function' ? intervalMs(last) : intervalMs;
      if (generation.current === mine && interval) {
        timer = setTimeout(run, interval);
      }
    };

    const visibility = () => {
      if (!document.hidden) {
        run();
      }
    };

    wake.current = run;
    document.addEventListener('visibilitychange', visibility);
    run();
    return () => {
      generation.current++;
      controller.abort();
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', visibility);
    };
  }, deps);

  const refresh = useCallback(() => wake.current(), []);
  return { ...state, refresh };
}

// A filter field's value as typed: it starts from the value the page shows (from its URL) and follows it when that
// changes, but a re-render of the polled page leaves it alone (a field bound to the URL's value straight would lose
// what the user typed since the last poll). Returns the value and an input handler.
export function useDraft(value) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  return [draft, (event) => setDraft(event.currentTarget.value)];
}
