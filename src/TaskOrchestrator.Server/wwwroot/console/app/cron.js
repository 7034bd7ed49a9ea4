// A schedule's cadence in words: cron expressions as Cronos reads them (5 fields, or 6 with seconds first; macros),
// or an interval. An expression this does not know how to say is shown as it is.
import { duration } from './format.js';

const days = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const dayNames = { SUN: 0, MON: 1, TUE: 2, WED: 3, THU: 4, FRI: 5, SAT: 6 };
const months = ['', 'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const monthNames = { JAN: 1, FEB: 2, MAR: 3, APR: 4, MAY: 5, JUN: 6, JUL: 7, AUG: 8, SEP: 9, OCT: 10, NOV: 11, DEC: 12 };
const macros = {
  '@yearly': 'Every year on 1 January at 00:00',
  '@annually': 'Every year on 1 January at 00:00',
  '@monthly': 'Every month on day 1 at 00:00',
  '@weekly': 'Every week on Sunday at 00:00',
  '@daily': 'Every day at 00:00',
  '@midnight': 'Every day at 00:00',
  '@hourly': 'Every hour at minute 0',
  '@every_minute': 'Every minute',
  '@every_second': 'Every second',
};

export function describeSchedule(schedule) {
  if (schedule?.everyInMS) {
    return `Every ${duration(schedule.everyInMS)}`;
  }

  return describeCron(schedule?.cron) ?? String(schedule?.cron ?? '');
}

// The expression in words, or null when it uses something this does not put in words (L, W, #, …).
export function describeCron(expression) {
  const text = String(expression ?? '').trim();
  if (macros[text.toLowerCase()]) {
    return macros[text.toLowerCase()];
  }

  const fields = text.toUpperCase().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) {
    return null;
  }

  const [second, minute, hour, dayOfMonth, month, dayOfWeek] = fields.length === 6 ? fields : ['0', ...fields];
  try {
    const time = describeTime(field(second, 0, 59), field(minute, 0, 59), field(hour, 0, 23));
    const parts = [time];
    const dom = field(dayOfMonth.replace('?', '*'), 1, 31);
    const dow = field(dayOfWeek.replace('?', '*'), 0, 7, dayNames);
    const mon = field(month, 1, 12, monthNames);
    if (!dom.any) {
      parts.push(`on ${dom.words('day', (n) => String(n))} of the month`);
    }

    if (!dow.any) {
      parts.push(`${dom.any ? 'on' : 'and on'} ${dow.words(null, (n) => days[n])}`);
    }

    if (!mon.any) {
      parts.push(`in ${mon.words(null, (n) => months[n])}`);
    }

    return parts.join(', ');
  } catch {
    return null;
  }
}

function describeTime(s, m, h) {
  if (s.single && m.single && h.single) {
    const clock = `${pad(h.values[0])}:${pad(m.values[0])}${s.values[0] ? `:${pad(s.values[0])}` : ''}`;
    return `At ${clock}`;
  }

  if (s.single && s.values[0] === 0 && m.single && h.list) {
    return `At ${h.values.map((v) => `${pad(v)}:${pad(m.values[0])}`).join(', ')}`;
  }

  const pieces = [];
  if (!(s.single && s.values[0] === 0)) {
    pieces.push(s.any ? 'Every second' : s.step ? `Every ${s.step} seconds` : `At second ${s.words(null, String)}`);
  }

  if (m.any) {
    pieces.push(!pieces.length ? 'Every minute' : h.any ? '' : 'of every minute');
  } else if (m.step && m.stepFromStart) {
    pieces.push(pieces.length ? `every ${m.step} minutes` : `Every ${m.step} minutes`);
  } else {
    pieces.push(`${pieces.length ? 'at' : 'At'} minute ${m.words(null, String)}`);
  }

  if (h.any) {
    pieces.push(m.any || m.step ? '' : 'of every hour');
  } else if (h.step && h.stepFromStart) {
    pieces.push(`of every ${h.step}${suffix(h.step)} hour`);
  } else {
    pieces.push(`past hour ${h.words(null, (n) => pad(n))}`);
  }

  return pieces.filter(Boolean).join(' ');
}

// One field: its values, and whether it is "*", a single value, a step from the start (*/n) or a list.
function field(text, min, max, names = {}) {
  const value = (token) => {
    const n = names[token] ?? (/^\d+$/.test(token) ? Number(token) : NaN);
    if (Number.isNaN(n) || n < min || n > max) {
      throw new Error(`not a value: ${token}`);
    }

    return n;
  };

  if (text === '*') {
    return { any: true, values: [], words: () => '' };
  }

  const stepMatch = /^(\*|\d+)\/(\d+)$/.exec(text);
  if (stepMatch && stepMatch[1] === '*') {
    return { any: false, step: Number(stepMatch[2]), stepFromStart: true, values: [], words: () => `every ${stepMatch[2]}` };
  }

  const ranges = text.split(',').map((part) => {
    const [span, step] = part.split('/');
    const [from, to] = span.split('-');
    return { from: value(from), to: to === undefined ? undefined : value(to), step: step === undefined ? undefined : Number(step) };
  });
  const values = ranges.filter((r) => r.to === undefined && r.step === undefined).map((r) => r.from);
  const single = ranges.length === 1 && values.length === 1;
  const words = (unit, name) => {
    const described = ranges.map((r) => r.to === undefined
      ? (r.step ? `every ${r.step} from ${name(r.from)}` : name(r.from))
      : `${name(r.from)} through ${name(r.to)}${r.step ? ` (every ${r.step})` : ''}`);
    const joined = described.length > 1 ? `${described.slice(0, -1).join(', ')} and ${described.at(-1)}` : described[0];
    return unit ? `${unit}${described.length > 1 || ranges[0].to !== undefined ? 's' : ''} ${joined}` : joined;
  };
  return { any: false, single, list: values.length === ranges.length && values.length > 1, values, words };
}

function pad(n) {
  return String(n).padStart(2, '0');
}

function suffix(n) {
  return n % 10 === 1 && n !== 11 ? 'st' : n % 10 === 2 && n !== 12 ? 'nd' : n % 10 === 3 && n !== 13 ? 'rd' : 'th';
}
