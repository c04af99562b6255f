"""The text view's inline HTML, CSS and JavaScript (components v2: no build step, no network).

The JavaScript never builds markup from transcript text: it inserts the server-built, escaped
markup (``markup.view_html``) and reports what the user did as trigger values:

- ``select``: ``{"start": [s, u], "end": [s, u]}`` after a mouse or Shift+arrow selection, each
  end as (code-point start of its text piece, UTF-16 units into the piece);
- ``pick``: ``{"kind": "turn", "position": n}`` (speaker button, Alt+click, Enter, the N/P
  keys), ``{"kind": "sentence", "at": [s, u]}`` (a click without dragging, in sentence mode) or
  ``{"kind": "sentences", "span": [start, end]}`` (arrow keys: whole sentences, code points);
- ``key``: ``{"number": n, "start": ..., "end": ...}`` when a code number is typed in the view
  (digits typed within 0.7 s form one number; the selection ends are null when nothing is
  selected: the page then uses the pending one; ``"sentences": [start, end]`` when the arrow
  keys made the selection);
- ``coding``: ``{"id": coding_id}`` when a numbered badge is clicked (or Enter pressed on it);
- ``open``: ``{"start": ..., "end": ...}`` or ``{"sentences": [start, end]}`` (as ``key``, without
  the number) when M is pressed: the page opens the coding at that selection, the next one on
  each further press;
- ``clear``: ``{}`` on Escape.

Each is sent wrapped, ``{"epoch", "seq", "value", "scope", "backlog"}``: numbered, with the
earlier events the server has not acknowledged (``data.ack``), which ``text_view.take_events``
hands on once each, in order.

Keyboard: the transcript is one Tab stop (the speaker buttons and badges are ``tabindex=-1``);
what a badge does is M on the selection, so a 400-turn transcript needs no 400 stops.
Focus stays on it across reruns: when the markup is replaced (every selection and coding
changes it) the element that had focus is gone, so the view takes focus back whenever the
user was working in it, and whenever the page moves it to a turn (Next uncoded).
"""

from __future__ import annotations

# The label and the help line come with each mount's data (``label``, ``help``), in the reader's
# language; the component's HTML itself is registered once per process.
HTML = """
<div class="wbc-root" data-testid="wb-code-view" tabindex="0" role="document" aria-describedby="wbc-help">
</div>
<p id="wbc-help" class="wbc-help"></p>
"""

CSS = """
.wbc-root { --wbc-gap: var(--st-background-color, #fff); max-height: 70vh; overflow-y: auto;
  padding: 0.25rem 0.75rem 0.25rem 0.25rem; border: 1px solid var(--st-border-color, #ddd);
  border-radius: 0.5rem; outline: none; font-size: 1rem; }
.wbc-root:focus-visible { box-shadow: 0 0 0 2px var(--st-primary-color, #ff4b4b); }
.wbc-turn { margin: 0 0 0.9em 0; line-height: 2.2; scroll-margin: 3rem; border-left: 3px solid transparent;
  padding-left: 0.4rem; }
.wbc-turn[data-coded="0"] { border-left-color: var(--st-border-color, #ddd); border-left-style: dashed; }
.wbc-turn.wbc-focus { border-left-color: var(--st-primary-color, #ff4b4b); border-left-style: solid; }
.wbc-speaker { font: inherit; font-weight: 600; font-size: 0.85em; margin-right: 0.5em; padding: 0 0.4em;
  cursor: pointer; border: 1px solid var(--st-border-color, #ccc); border-radius: 0.3em;
  background: var(--st-secondary-background-color, #f0f2f6); color: inherit;
  user-select: none; -webkit-user-select: none; }
.wbc-participant .wbc-speaker { border-style: solid; }
.wbc-interviewer .wbc-speaker { border-style: dashed; }
.wbc-speaker:focus-visible { outline: 2px solid var(--st-primary-color, #ff4b4b); }
.wbc-text { white-space: pre-wrap; }
.wbc-c { padding-bottom: 1px; }
.wbc-sel { outline: 2px dashed var(--st-primary-color, #ff4b4b); outline-offset: 1px;
  background-color: rgba(255, 200, 0, 0.35); }
.wbc-badge { display: inline-block; font-size: 0.7em; line-height: 1.3; font-weight: 700; vertical-align: super;
  margin: 0 0.15em; padding: 0 0.3em; border: 2px solid; border-radius: 0.6em; cursor: pointer;
  user-select: none; -webkit-user-select: none; }
.wbc-has-memo { border-style: double; border-width: 3px; }
.wbc-help { font-size: 0.8em; opacity: 0.75; margin: 0.3rem 0 0 0; }
"""

JS = r"""
const views = new WeakMap();
// Survives the view being mounted anew: whether the user was working in the transcript.
const shared = globalThis.__wbcCodeView || (globalThis.__wbcCodeView = { keep: false });
// Every event is numbered within this browser page (the epoch) and kept until the server says it
// has handled it (data.ack), so that one merged away is sent again with the next (text_view.py).
const BACKLOG = 20;
if (!shared.epoch) {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  shared.epoch = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  shared.seq = 0;
  shared.outbox = [];
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const root = parentElement.querySelector(".wbc-root");
  if (!root || !data) return;
  const help = parentElement.querySelector("#wbc-help");
  if (help && help.textContent !== (data.help || "")) help.textContent = data.help || ""; // plain text only
  if (data.label) root.setAttribute("aria-label", data.label);
  let view = views.get(root);
  const fresh = !view; // mounted anew: back from another page, or after a reload
  if (!view) {
    view = { html: null, focusToken: null, digits: "", timer: null, controller: null, current: null,
             cursor: null, pickTimer: null };
    views.set(root, view);
  }
  // Streamlit calls this function again whenever the data changes: drop the old listeners first.
  if (view.controller) view.controller.abort();
  view.controller = new AbortController();
  const on = { signal: view.controller.signal };
  const sentences = data.sentences || [];
  if (data.ack && data.ack.epoch === shared.epoch) {
    shared.outbox = shared.outbox.filter((event) => event.seq > data.ack.seq);
  }

  function send(name, value) {
    shared.keep = true; // the rerun this causes replaces the markup: take focus back afterwards
    // Numbered, with what the server has not acknowledged yet: Streamlit delivers only the newest
    // value when two messages meet in one rerun request, so the newest carries the others.
    const seq = ++shared.seq;
    const backlog = shared.outbox.slice(-BACKLOG);
    shared.outbox.push({ seq, name, value, scope: data.scope });
    if (shared.outbox.length > BACKLOG) shared.outbox.splice(0, shared.outbox.length - BACKLOG);
    setTriggerValue(name, { epoch: shared.epoch, seq, value, scope: data.scope, backlog });
  }

  function inView() { return root.contains(document.activeElement); }
  function keepFocus() { if (!inView()) root.focus({ preventScroll: true }); }

  if (view.html !== data.html) {
    const top = root.scrollTop;
    root.innerHTML = data.html; // built and escaped on the server (markup.view_html)
    root.scrollTop = top;
    view.html = data.html;
    if (view.cursor && !data.pending) view.cursor = null; // cleared or coded on the server
    if (view.cursor) showCursor(false);
  }
  if (fresh && data.place !== null && data.place !== undefined &&
      !(data.focus && data.focus.turn === data.place)) {
    // Where the user last worked, not an older Next-uncoded jump: scroll there, take no focus.
    if (data.focus) view.focusToken = data.focus.token;
    const turn = root.querySelector('.wbc-turn[data-turn="' + Number(data.place) + '"]');
    if (turn) { view.current = Number(data.place); turn.scrollIntoView({ block: "center" }); }
  }
  if (data.focus && data.focus.token !== view.focusToken) {
    view.focusToken = data.focus.token;
    focusTurn(data.focus.turn, false);
    shared.keep = true; // Next / Previous uncoded: a typed number should code that turn
  }
  if (shared.keep) keepFocus();

  function pieces() { return root.querySelectorAll(".wbc-t"); }

  function point(node, offset, isEnd) {
    if (node.nodeType === Node.TEXT_NODE && node.parentElement && node.parentElement.classList.contains("wbc-t")) {
      return [Number(node.parentElement.dataset.s), offset];
    }
    const all = pieces();
    const probe = document.createRange();
    for (let i = 0; i < all.length; i++) {
      probe.selectNodeContents(all[i]);
      const where = probe.comparePoint(node, offset);
      if (where > 0) continue;
      if (where === 0) return [Number(all[i].dataset.s), offset === 0 ? 0 : all[i].textContent.length];
      if (!isEnd) return [Number(all[i].dataset.s), 0];
      if (i === 0) return null;
      return [Number(all[i - 1].dataset.s), all[i - 1].textContent.length];
    }
    if (!isEnd || all.length === 0) return null;
    const last = all[all.length - 1];
    return [Number(last.dataset.s), last.textContent.length];
  }

  function selection() {
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    const range = sel.getRangeAt(0);
    if (!root.contains(range.commonAncestorContainer)) return null;
    const start = point(range.startContainer, range.startOffset, false);
    const end = point(range.endContainer, range.endOffset, true);
    return start && end ? { start, end } : null;
  }

  function caret() {
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || !sel.isCollapsed || !root.contains(sel.anchorNode)) return null;
    return point(sel.anchorNode, sel.anchorOffset, false);
  }

  function turnOf(node) {
    const el = node && (node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement);
    return el ? el.closest(".wbc-turn") : null;
  }

  // -- code points to the DOM, for the keyboard's sentence selection ------------------------

  function domPoint(cp, isEnd) {
    // The text piece holding code point cp (an end may sit just after a piece's last character).
    const all = pieces();
    let lo = 0, hi = all.length - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = Number(all[mid].dataset.s);
      if (s < cp || (!isEnd && s === cp)) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (found < 0) return null;
    const el = all[found];
    const node = el.firstChild;
    if (!node) return null;
    let units = 0, at = Number(el.dataset.s);
    for (const ch of node.textContent) { if (at >= cp) break; units += ch.length; at += 1; }
    return { node, offset: units, el };
  }

  function sentenceIndex(cp) {
    let lo = 0, hi = sentences.length - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (sentences[mid][0] <= cp) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return found;
  }

  function cursorSpan() {
    const c = view.cursor;
    const a = Math.min(c.anchor, c.head), b = Math.max(c.anchor, c.head);
    return [sentences[a][0], sentences[b][1]];
  }

  function showCursor(scroll) {
    const [start, end] = cursorSpan();
    const a = domPoint(start, false), b = domPoint(end, true);
    if (!a || !b) return;
    const range = document.createRange();
    range.setStart(a.node, a.offset);
    range.setEnd(b.node, b.offset);
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    const headEl = view.cursor.head >= view.cursor.anchor ? b.el : a.el;
    const turn = turnOf(headEl);
    if (turn) {
      root.querySelectorAll(".wbc-focus").forEach((el) => el.classList.remove("wbc-focus"));
      turn.classList.add("wbc-focus");
      view.current = Number(turn.dataset.turn);
    }
    if (scroll) headEl.scrollIntoView({ block: "nearest" });
  }

  function startingSentence() {
    if (data.pending) {
      const a = sentenceIndex(data.pending[0]), b = sentenceIndex(Math.max(data.pending[0], data.pending[1] - 1));
      if (a >= 0) return { anchor: a, head: Math.max(a, b) };
    }
    let turn = view.current === null ? null : root.querySelector('.wbc-turn[data-turn="' + view.current + '"]');
    if (!turn) {
      const top = root.getBoundingClientRect().top;
      turn = Array.from(root.querySelectorAll(".wbc-turn")).find((t) => t.getBoundingClientRect().bottom > top);
    }
    const i = turn ? sentenceIndex(Number(turn.dataset.start)) : 0;
    return { anchor: Math.max(i, 0), head: Math.max(i, 0), fresh: true };
  }

  function moveSentence(forward, extend) {
    if (sentences.length === 0) return;
    let c = view.cursor;
    if (!c) {
      c = startingSentence();
      if (c.fresh && !extend) { view.cursor = { anchor: c.anchor, head: c.head }; return announce(); }
    }
    if (extend) {
      c = { anchor: c.anchor, head: Math.min(Math.max(c.head + (forward ? 1 : -1), 0), sentences.length - 1) };
    } else {
      const at = forward ? Math.max(c.anchor, c.head) + 1 : Math.min(c.anchor, c.head) - 1;
      const i = Math.min(Math.max(at, 0), sentences.length - 1);
      c = { anchor: i, head: i };
    }
    view.cursor = c;
    announce();
  }

  function announce() {
    showCursor(true);
    window.clearTimeout(view.pickTimer);
    const span = cursorSpan();
    // Held arrows send one message when they stop, not one rerun per sentence.
    view.pickTimer = window.setTimeout(() => send("pick", { kind: "sentences", span }), 250);
  }

  function turnCursor(turn) {
    const a = sentenceIndex(Number(turn.dataset.start));
    const b = sentenceIndex(Math.max(Number(turn.dataset.start), Number(turn.dataset.end) - 1));
    view.cursor = a >= 0 && b >= a ? { anchor: a, head: b } : null;
  }

  function focusTurn(position, report) {
    const turn = root.querySelector('.wbc-turn[data-turn="' + Number(position) + '"]');
    if (!turn) return;
    root.querySelectorAll(".wbc-focus").forEach((el) => el.classList.remove("wbc-focus"));
    turn.classList.add("wbc-focus");
    view.current = Number(position);
    turnCursor(turn);
    turn.scrollIntoView({ block: "center" });
    if (report) send("pick", { kind: "turn", position: Number(position) });
  }

  function pickTurn(position) {
    window.clearTimeout(view.pickTimer);
    view.current = Number(position);
    const turn = root.querySelector('.wbc-turn[data-turn="' + view.current + '"]');
    if (turn) turnCursor(turn);
    keepFocus();
    send("pick", { kind: "turn", position: view.current });
  }

  function moveUncoded(forward) {
    // Interviewer questions are not what is left to code: N and P pass over them.
    const turns = Array.from(root.querySelectorAll('.wbc-turn[data-coded="0"]:not(.wbc-interviewer)'));
    if (turns.length === 0) return;
    window.clearTimeout(view.pickTimer);
    const here = view.current === null ? (forward ? -1 : Infinity) : view.current;
    const positions = turns.map((t) => Number(t.dataset.turn));
    let next = forward ? positions.find((p) => p > here) : positions.reverse().find((p) => p < here);
    if (next === undefined) next = positions[0];
    focusTurn(next, true);
  }

  root.addEventListener("focusin", () => { shared.keep = true; }, on);
  root.addEventListener("focusout", (event) => {
    // Focus moved to something else on the page (a widget, the sidebar): leave it there. When
    // the focused element is merely replaced by new markup, relatedTarget is null: keep it.
    if (event.relatedTarget && !root.contains(event.relatedTarget)) shared.keep = false;
  }, on);

  root.addEventListener("click", (event) => {
    const badge = event.target.closest(".wbc-badge");
    if (badge) { keepFocus(); send("coding", { id: badge.dataset.coding }); return; }
    const speaker = event.target.closest(".wbc-speaker");
    if (speaker) pickTurn(speaker.dataset.turn);
  }, on);

  root.addEventListener("mouseup", (event) => {
    if (event.button !== 0 || event.target.closest(".wbc-badge, .wbc-speaker")) return;
    window.setTimeout(() => {
      window.clearTimeout(view.pickTimer);
      view.cursor = null;
      const span = selection();
      if (span) { send("select", span); return; }
      const turn = turnOf(event.target);
      if (event.altKey || data.click === "turn") {
        if (turn) pickTurn(turn.dataset.turn);
        return;
      }
      if (data.click !== "sentence") return;
      const at = caret();
      if (at) { if (turn) view.current = Number(turn.dataset.turn); send("pick", { kind: "sentence", at }); }
    }, 0);
  }, on);

  function typedSelection() {
    // What a key press applies to: the arrow keys' sentences, else a mouse selection, else none
    // (the page then uses the pending one).
    const payload = { start: null, end: null };
    if (view.cursor) payload.sentences = cursorSpan();
    else {
      const span = selection();
      if (span) { payload.start = span.start; payload.end = span.end; }
    }
    return payload;
  }

  const ARROWS = { ArrowDown: true, ArrowRight: true, ArrowUp: false, ArrowLeft: false };

  root.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (/^[0-9]$/.test(event.key)) {
      event.preventDefault();
      event.stopPropagation();
      view.digits += event.key;
      window.clearTimeout(view.timer);
      const sendKey = () => {
        const number = Number(view.digits);
        view.digits = "";
        window.clearTimeout(view.pickTimer); // the number carries the selection itself
        send("key", Object.assign({ number }, typedSelection()));
      };
      // Wait for a second digit only while one could still name a code (13 after 1, say).
      if (Number(view.digits) * 10 > (data.max_number || 0)) sendKey();
      else view.timer = window.setTimeout(sendKey, 700);
    } else if ((event.key === "Enter" || event.key === " ") && event.target.closest(".wbc-badge")) {
      event.preventDefault(); // a badge a screen reader moved to: the same as clicking it
      send("coding", { id: event.target.closest(".wbc-badge").dataset.coding });
    } else if (event.key === "m" || event.key === "M") {
      // The badges are not Tab stops: M opens the coding at the selection (again: the next one).
      event.preventDefault();
      event.stopPropagation();
      window.clearTimeout(view.pickTimer); // the press carries the selection itself
      send("open", typedSelection());
    } else if (event.key in ARROWS) {
      event.preventDefault();
      event.stopPropagation();
      moveSentence(ARROWS[event.key], event.shiftKey);
    } else if (event.key === "Enter" && !event.target.closest(".wbc-speaker, .wbc-badge")) {
      event.preventDefault();
      const turn = view.current !== null ? view.current : null;
      if (turn !== null) pickTurn(turn);
    } else if (event.key === "n" || event.key === "N" || event.key === "p" || event.key === "P") {
      event.preventDefault();
      event.stopPropagation();
      moveUncoded(event.key.toLowerCase() === "n");
    } else if (event.key === "Escape") {
      window.clearTimeout(view.pickTimer);
      view.cursor = null;
      window.getSelection() && window.getSelection().removeAllRanges();
      send("clear", {});
    }
  }, on);

  return () => view.controller && view.controller.abort();
}
"""
