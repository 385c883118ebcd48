const MOUNTED = new WeakMap();
const PENDING = 'wb-pending';

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let st = MOUNTED.get(parentElement);
  if (!st) {
    st = mount(parentElement);
    MOUNTED.set(parentElement, st);
  }
  st.send = setTriggerValue;
  st.data = data;
  st.root.style.setProperty('--reader-height', data.height || '72vh');
  if (st.sig !== data.sig) {
    const keepScroll = st.doc === data.doc ? st.root.scrollTop : 0;
    render(st, data);
    st.sig = data.sig;
    st.doc = data.doc;
    st.root.scrollTop = keepScroll;
  }
  showFocus(st, data.focus);
  showOpen(st, data.open);
  showPending(st, data.pending);
  st.reported = data.pending;  // what Python holds: selecting the same span again after coding reports it
  return () => {
    st.abort.abort();
    if (globalThis.CSS && CSS.highlights) CSS.highlights.delete(PENDING);
    MOUNTED.delete(parentElement);
  };
}

function mount(parentElement) {
  const root = parentElement.querySelector('.reader');
  const text = root.querySelector('.text');
  const st = { root, text, shadow: root.getRootNode(), abort: new AbortController(), nonce: 0,
               starts: [], nodes: [], byExcerpt: new Map(), focusId: null, timer: null,
               suggestions: [], bySuggestion: new Map(), openSegs: [], openKey: '' };
  const opts = { signal: st.abort.signal };
  text.addEventListener('mouseup', () => setTimeout(() => reportSelection(st), 0), opts);
  root.addEventListener('keyup', (ev) => { if (ev.shiftKey) reportSelection(st); }, opts);
  text.addEventListener('click', (ev) => onClick(st, ev), opts);
  root.addEventListener('keydown', (ev) => onKey(st, ev), opts);
  return st;
}

function send(st, name, value) {
  st.nonce += 1;
  st.send(name, { ...value, n: st.nonce });
}

// ---- rendering: split the text at every excerpt, suggestion and page boundary, one span per segment ----

function render(st, data) {
  // a lone line break inside a PDF paragraph shows as a space: one UTF-16 unit for one, offsets unchanged
  const text = data.reflow ? data.text.replace(/(?<![\n\r])\n(?![\n\r])/g, ' ') : data.text;
  const excerpts = data.excerpts.map(([id, s, e, label, colours, badge], order) =>
    ({ id, s, e, label, colours, badge, order }));
  const suggestions = (data.suggestions || []).map((row) => suggestionOf(row, data.strings || []));
  const cuts = new Set([0, text.length]);
  const [opening, closing] = edges(excerpts, cuts);
  const [suggesting, unsuggesting] = edges(suggestions, cuts);
  const pages = new Map(data.pages.map(([at, n]) => [at, n]));
  for (const at of pages.keys()) cuts.add(at);
  const bounds = [...cuts].filter((c) => c >= 0 && c <= text.length).sort((a, b) => a - b);
  const fragment = document.createDocumentFragment();
  const active = new Set();
  const suggested = new Set();
  st.starts = []; st.nodes = []; st.byExcerpt = new Map(); st.excerpts = excerpts;
  st.suggestions = suggestions; st.bySuggestion = new Map(); st.openSegs = [];
  for (let i = 0; i < bounds.length - 1; i += 1) {
    const at = bounds[i];
    for (const x of closing.get(at) || []) active.delete(x);
    for (const x of opening.get(at) || []) active.add(x);
    for (const g of unsuggesting.get(at) || []) suggested.delete(g);
    for (const g of suggesting.get(at) || []) suggested.add(g);
    if (pages.has(at)) fragment.appendChild(pageMark(pages.get(at)));
    for (const g of suggesting.get(at) || []) fragment.appendChild(suggestionMark(g));
    const seg = segment(st, text.slice(at, bounds[i + 1]), at, active, opening.get(at) || []);
    if (suggested.size) suggest(st, seg, suggested);
    fragment.appendChild(seg);
  }
  st.text.replaceChildren(fragment);
}

// where each excerpt (or suggestion) opens and closes; its ends are added to the cuts
function edges(items, cuts) {
  const opening = new Map();
  const closing = new Map();
  for (const x of items) {
    cuts.add(x.s); cuts.add(x.e);
    (opening.get(x.s) || opening.set(x.s, []).get(x.s)).push(x);
    (closing.get(x.e) || closing.set(x.e, []).get(x.e)).push(x);
  }
  return [opening, closing];
}

function pageMark(n) {
  const marker = document.createElement('span');
  marker.className = 'page';
  marker.setAttribute('data-page', String(n));
  return marker;
}

function segment(st, part, at, active, opening) {
  const seg = document.createElement('span');
  seg.className = 'seg';
  seg.dataset.s = String(at);
  seg.textContent = part;  // document text is data, never markup
  st.starts.push(at);
  st.nodes.push(seg);
  if (active.size) {
    const covering = [...active].sort((a, b) => (a.e - a.s) - (b.e - b.s) || a.order - b.order);
    const colours = [...new Set(covering.flatMap((x) => x.colours))].slice(0, 4);
    seg.classList.add('hl');
    seg.dataset.x = covering.map((x) => x.id).join(',');
    seg.title = covering.map((x) => x.label).join('\n');
    const alpha = Math.min(0.14 + 0.1 * (covering.length - 1), 0.5);  // deeper overlaps, stronger tint
    seg.style.backgroundColor = tint(covering[0].colours[0], alpha);
    seg.style.boxShadow = colours.map((c, k) => `inset 0 -${2 * (k + 1)}px 0 ${c}`).join(', ');
    for (const x of covering) {
      (st.byExcerpt.get(x.id) || st.byExcerpt.set(x.id, []).get(x.id)).push(seg);
    }
  }
  const starting = opening.filter((x) => x.badge);
  if (starting.length) {
    seg.setAttribute('data-badge', [...new Set(starting.map((x) => x.badge).join(''))].join(''));
    seg.style.setProperty('--badge', starting[0].colours[0]);
  }
  return seg;
}

// a suggestion's tooltip is plain text (set as a property), built from its compact row
function suggestionOf([id, s, e, score, c, m, o, codes, reasons, version], strings) {
  const named = (refs, glue, none) => refs.map((i) => strings[i]).join(glue) || none;
  const made = version === null || version === undefined ? 'rules only' : `model v${version}`;
  const label = [
    `Suggestion: score ${score.toFixed(2)} (${made}); click to accept, edit or reject`,
    `context ${c.toFixed(2)} · mechanism ${m.toFixed(2)} · outcome ${o.toFixed(2)}`,
    `Codes: ${named(codes, ', ', 'none')}`,
    `Why: ${named(reasons, '; ', 'weak signals only')}`,
  ].join('\n');
  return { id, s, e, label };
}

// a suggestion's "S": an empty element (its letter is CSS content), so offsets never count it
function suggestionMark(g) {
  const mark = document.createElement('span');
  mark.className = 'sg-mark';
  mark.dataset.g = String(g.id);
  mark.title = g.label;
  return mark;
}

function suggest(st, seg, suggested) {
  const covering = [...suggested].sort((a, b) => (a.e - a.s) - (b.e - b.s) || a.id - b.id);
  seg.classList.add('sg');
  seg.dataset.g = covering.map((g) => g.id).join(',');
  const label = covering.map((g) => g.label).join('\n\n');
  seg.title = seg.title ? `${seg.title}\n\n${label}` : label;  // a property: plain text, never markup
  for (const g of covering) {
    (st.bySuggestion.get(g.id) || st.bySuggestion.set(g.id, []).get(g.id)).push(seg);
  }
}

function tint(hex, alpha) {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex || '');
  if (!m) return `rgba(158, 158, 158, ${alpha})`;
  return `rgba(${parseInt(m[1], 16)}, ${parseInt(m[2], 16)}, ${parseInt(m[3], 16)}, ${alpha})`;
}

// ---- offsets: UTF-16 code units from the start of the text (Python converts to code points) ----

function offsetOf(st, node, offset) {
  const parent = node.parentNode;
  if (node.nodeType === Node.TEXT_NODE && parent && parent.dataset && parent.dataset.s !== undefined
      && st.text.contains(node)) {
    return Number(parent.dataset.s) + offset;
  }
  const whole = document.createRange();
  whole.selectNodeContents(st.text);
  const where = whole.comparePoint(node, offset);
  if (where < 0) return 0;
  if (where > 0) return st.data.text.length;
  const before = document.createRange();
  before.setStart(st.text, 0);
  before.setEnd(node, offset);
  return before.toString().length;
}

function selectedSpan(st) {
  const selection = document.getSelection();
  if (!selection || selection.rangeCount === 0) return null;
  let range = null;
  if (selection.getComposedRanges) {
    try { range = selection.getComposedRanges({ shadowRoots: [st.shadow] })[0]; } catch (e) { range = null; }
  }
  if (!range && st.shadow.getSelection) {
    const inner = st.shadow.getSelection();
    if (inner && inner.rangeCount) range = inner.getRangeAt(0);
  }
  if (!range) range = selection.getRangeAt(0);
  if (!range || range.collapsed) return null;
  const start = offsetOf(st, range.startContainer, range.startOffset);
  const end = offsetOf(st, range.endContainer, range.endOffset);
  return end > start ? [start, end] : null;
}

function reportSelection(st) {
  const span = selectedSpan(st);
  if (!span) return;
  if (st.reported && st.reported[0] === span[0] && st.reported[1] === span[1]) return;
  st.reported = span;
  showPending(st, span);
  send(st, 'selection', { start: span[0], end: span[1] });
}

function rangeOf(st, start, end) {
  const locate = (offset, isEnd) => {
    let lo = 0;
    let hi = st.starts.length - 1;
    while (lo < hi) {  // last segment starting before (end) or at (start) the offset
      const mid = (lo + hi + 1) >> 1;
      if (isEnd ? st.starts[mid] < offset : st.starts[mid] <= offset) lo = mid; else hi = mid - 1;
    }
    return [st.nodes[lo].firstChild || st.nodes[lo], offset - st.starts[lo]];
  };
  if (!st.nodes.length) return null;
  const range = document.createRange();
  range.setStart(...locate(start, false));
  range.setEnd(...locate(end, true));
  return range;
}

function showPending(st, span) {
  if (!(globalThis.CSS && CSS.highlights && globalThis.Highlight)) return;
  if (!span) { CSS.highlights.delete(PENDING); return; }
  const range = rangeOf(st, span[0], span[1]);
  if (range) CSS.highlights.set(PENDING, new Highlight(range));
}

// ---- clicks and keys ----

function showFocus(st, id) {
  for (const seg of st.byExcerpt.get(st.focusId) || []) seg.classList.remove('focus');
  st.focusId = id;
  for (const seg of st.byExcerpt.get(id) || []) seg.classList.add('focus');
}

// the open suggestion: outlined, and scrolled into the reader's view when it is newly opened
function showOpen(st, id) {
  for (const seg of st.openSegs) seg.classList.remove('sg-open');
  const g = id === null || id === undefined ? null : st.suggestions.find((x) => x.id === id);
  st.openSegs = g ? st.bySuggestion.get(g.id) || [] : [];
  for (const seg of st.openSegs) seg.classList.add('sg-open');
  const key = g ? `${g.s}:${g.e}` : '';
  if (key && key !== st.openKey && st.openSegs.length) scrollToSegment(st, st.openSegs[0]);
  st.openKey = key;
}

function scrollToSegment(st, seg) {
  const box = st.root.getBoundingClientRect();
  const at = seg.getBoundingClientRect();
  if (at.top < box.top || at.bottom > box.bottom) st.root.scrollTop += at.top - box.top - box.height / 3;
}

function openSuggestion(st, id) {
  const g = st.suggestions.find((x) => x.id === id);
  if (!g) return;
  showFocus(st, null);
  showOpen(st, g.id);
  send(st, 'suggestion', { start: g.s, end: g.e });
}

function onClick(st, ev) {
  if (selectedSpan(st)) return;  // the end of a drag, not a click
  const target = ev.target.closest ? ev.target : null;
  if (!target) return;
  const mark = target.closest('.sg-mark');
  if (mark) { openSuggestion(st, Number(mark.dataset.g)); return; }
  const seg = target.closest('[data-x]');  // a coded excerpt wins over a suggestion overlapping it
  if (seg) {
    const ids = seg.dataset.x.split(',').map(Number);
    showFocus(st, ids[0]);
    send(st, 'excerpt', { ids });
    return;
  }
  const suggested = target.closest('[data-g]');
  if (suggested) openSuggestion(st, Number(suggested.dataset.g.split(',')[0]));
}

function move(st, step) {
  const list = st.excerpts || [];
  if (!list.length) return;
  const here = list.findIndex((x) => x.id === st.focusId);
  const first = step > 0 ? 0 : list.length - 1;
  const next = here < 0 ? first : Math.min(list.length - 1, Math.max(0, here + step));
  const target = list[next];
  showFocus(st, target.id);
  const opening = (st.byExcerpt.get(target.id) || [])[0];
  if (opening) opening.scrollIntoView({ block: 'center' });
  clearTimeout(st.timer);  // report once the reviewer stops moving
  st.timer = setTimeout(() => send(st, 'excerpt', { ids: [target.id] }), 350);
}

function onKey(st, ev) {
  if (ev.isComposing || ev.altKey) return;
  const key = ev.key;
  if ((ev.ctrlKey || ev.metaKey) && key.toLowerCase() === 'z') {
    ev.preventDefault();
    send(st, 'command', { action: 'undo' });
    return;
  }
  if (ev.ctrlKey || ev.metaKey) return;
  if (key === 'Escape') {
    document.getSelection().removeAllRanges();
    st.reported = null;
    showPending(st, null);
    showFocus(st, null);
    showOpen(st, null);
    send(st, 'command', { action: 'clear' });
  } else if (key === 'j' || key === 'n') {
    ev.preventDefault(); move(st, 1);
  } else if (key === 'k' || key === 'p') {
    ev.preventDefault(); move(st, -1);
  } else if (/^[1-9]$/.test(key)) {
    ev.preventDefault();
    const span = selectedSpan(st);
    send(st, 'command', { action: 'apply', slot: Number(key), start: span ? span[0] : null,
                          end: span ? span[1] : null });
  }
}
