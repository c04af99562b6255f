"""The text view's inline HTML, CSS and JavaScript (components v2: no build step, no network).

The JavaScript never builds markup from transcript text: it inserts the server-built, escaped
markup (``markup.view_html``) and reports what the user did as trigger values:

- ``select``: ``{"start": [s, u], "end": [s, u]}`` after a mouse or Shift+arrow selection, each
  end as (code-point start of its text piece, UTF-16 units into the piece);
- ``pick``: ``{"kind": "turn", "position": n}`` (speaker button, Alt+click, the N/P keys) or
  ``{"kind": "sentence", "at": [s, u]}`` (a click without dragging, in sentence mode);
- ``key``: ``{"number": n, "start": ..., "end": ...}`` when a code number is typed in the view
  (digits typed within 0.7 s form one number; the selection ends are null when nothing is
  selected: the page then uses the pending one);
- ``coding``: ``{"id": coding_id}`` when a numbered badge is clicked;
- ``clear``: ``{}`` on Escape.
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
.wbc-help { font-size: 0.8em; opacity: 0.75; margin: 0.3rem 0 0 0; }
"""

JS = r"""
const views = new WeakMap();

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const root = parentElement.querySelector(".wbc-root");
  if (!root || !data) return;
  const help = parentElement.querySelector("#wbc-help");
  if (help && help.textContent !== (data.help || "")) help.textContent = data.help || ""; // plain text only
  if (data.label) root.setAttribute("aria-label", data.label);
  let view = views.get(root);
  if (!view) {
    view = { html: null, focusToken: null, digits: "", timer: null, controller: null, current: null };
    views.set(root, view);
  }
  // Streamlit calls this function again whenever the data changes: drop the old listeners first.
  if (view.controller) view.controller.abort();
  view.controller = new AbortController();
  const on = { signal: view.controller.signal };

  if (view.html !== data.html) {
    const top = root.scrollTop;
    root.innerHTML = data.html; // built and escaped on the server (markup.view_html)
    root.scrollTop = top;
    view.html = data.html;
  }
  if (data.focus && data.focus.token !== view.focusToken) {
    view.focusToken = data.focus.token;
    focusTurn(data.focus.turn, false);
  }

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

  function focusTurn(position, report) {
    const turn = root.querySelector('.wbc-turn[data-turn="' + Number(position) + '"]');
    if (!turn) return;
    root.querySelectorAll(".wbc-focus").forEach((el) => el.classList.remove("wbc-focus"));
    turn.classList.add("wbc-focus");
    view.current = Number(position);
    turn.scrollIntoView({ block: "center" });
    if (report) setTriggerValue("pick", { kind: "turn", position: Number(position) });
  }

  function pickTurn(position) {
    view.current = Number(position);
    setTriggerValue("pick", { kind: "turn", position: view.current });
  }

  function moveUncoded(forward) {
    const turns = Array.from(root.querySelectorAll('.wbc-turn[data-coded="0"]'));
    if (turns.length === 0) return;
    const here = view.current === null ? (forward ? -1 : Infinity) : view.current;
    const positions = turns.map((t) => Number(t.dataset.turn));
    let next = forward ? positions.find((p) => p > here) : positions.reverse().find((p) => p < here);
    if (next === undefined) next = positions[0];
    focusTurn(next, true);
  }

  root.addEventListener("click", (event) => {
    const badge = event.target.closest(".wbc-badge");
    if (badge) { setTriggerValue("coding", { id: badge.dataset.coding }); return; }
    const speaker = event.target.closest(".wbc-speaker");
    if (speaker) pickTurn(speaker.dataset.turn);
  }, on);

  root.addEventListener("mouseup", (event) => {
    if (event.button !== 0 || event.target.closest(".wbc-badge, .wbc-speaker")) return;
    window.setTimeout(() => {
      const span = selection();
      if (span) { setTriggerValue("select", span); return; }
      const turn = turnOf(event.target);
      if (event.altKey || data.click === "turn") {
        if (turn) pickTurn(turn.dataset.turn);
        return;
      }
      if (data.click !== "sentence") return;
      const at = caret();
      if (at) { if (turn) view.current = Number(turn.dataset.turn); setTriggerValue("pick", { kind: "sentence", at }); }
    }, 0);
  }, on);

  root.addEventListener("keyup", (event) => {
    if (!event.shiftKey || !event.key.startsWith("Arrow")) return;
    const span = selection();
    if (span) setTriggerValue("select", span);
  }, on);

  root.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (/^[0-9]$/.test(event.key)) {
      event.preventDefault();
      event.stopPropagation();
      view.digits += event.key;
      window.clearTimeout(view.timer);
      const send = () => {
        const number = Number(view.digits);
        view.digits = "";
        const span = selection();
        setTriggerValue("key", { number, start: span ? span.start : null, end: span ? span.end : null });
      };
      // Wait for a second digit only while one could still name a code (13 after 1, say).
      if (Number(view.digits) * 10 > (data.max_number || 0)) send();
      else view.timer = window.setTimeout(send, 700);
    } else if (event.key === "n" || event.key === "N" || event.key === "p" || event.key === "P") {
      event.preventDefault();
      event.stopPropagation();
      moveUncoded(event.key.toLowerCase() === "n");
    } else if (event.key === "Escape") {
      window.getSelection() && window.getSelection().removeAllRanges();
      setTriggerValue("clear", {});
    }
  }, on);

  return () => view.controller && view.controller.abort();
}
"""
