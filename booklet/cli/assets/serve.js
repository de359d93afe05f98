// The preview page of `booklet serve`: listens for rebuilds (server-sent events) and redraws.
"use strict";

let audience = new URLSearchParams(location.search).get("audience") || "";
let events = null;
let shownEdition = "";
let shownPages = "";
let asked = 0;
// Answers may arrive out of order (a slow one after a quick one): only the latest question's
// answer is drawn, and never one older than what the page shows, so it cannot fall back to
// "Building…" after the build has finished.
let shown = { audience: null, version: -1 };

const $ = (id) => document.getElementById(id);
const query = () => (audience ? "?audience=" + encodeURIComponent(audience) : "");

function element(tag, props, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props || {});
  for (const child of children) node.append(child);
  return node;
}

function showInEdition(anchor) {
  const frame = $("edition");
  const doc = frame.contentDocument;
  const target = doc && anchor ? doc.getElementById(anchor) : null;
  if (!target) return;
  target.scrollIntoView({ block: "start" });
  target.style.outline = "4px solid #d4351c";
  setTimeout(() => { target.style.outline = ""; }, 2500);
}

function drawProblems(problems, built) {
  const list = $("problems");
  list.replaceChildren();
  for (const problem of problems) {
    const where = element("a", { href: "#" + (problem.anchor || ""), textContent: problem.where });
    where.dataset.anchor = problem.anchor || "";
    where.title = problem.anchor ? "Show it in the page" : "";
    where.addEventListener("click", (event) => { event.preventDefault(); showInEdition(where.dataset.anchor); });
    const item = element(
      "li",
      { className: "problem" + (problem.warning ? " warning" : "") },
      where,
      " ",
      problem.path ? element("code", { textContent: problem.path }) : "",
      " ",
      element("span", { className: "what", textContent: (problem.warning ? "warning: " : "") + problem.what }),
      problem.hint ? element("span", { className: "hint", textContent: " (" + problem.hint + ")" }) : ""
    );
    list.append(item);
  }
  const errors = problems.filter((p) => !p.warning).length;
  $("count").textContent = problems.length ? "(" + problems.length + ")" : "";
  // "No problems" only once a build has finished: before that nothing is known yet.
  $("no-problems").hidden = problems.length > 0 || !built;
  return errors;
}

function drawSpelling(state, built) {
  const words = state.spelling || [];
  const list = $("spelling");
  list.replaceChildren();
  for (const found of words) {
    const where = element("a", { href: "#" + (found.anchor || ""), textContent: found.where });
    where.dataset.anchor = found.anchor || "";
    where.addEventListener("click", (event) => { event.preventDefault(); showInEdition(where.dataset.anchor); });
    const word = element("strong", { className: "word", textContent: found.word, lang: found.language === "cy" ? "cy" : "en-GB" });
    const american = found.hint === "American spelling";
    const advice = found.suggestions.length
      ? (american ? "British spelling: " : "Suggestions: ") + found.suggestions.join(", ")
      : "No suggestions";
    list.append(element("li", { className: "problem warning" }, word, " ", where, element("span", { className: "hint" }, " " + advice)));
  }
  const missing = state.spelling_missing || [];
  $("spelling-count").textContent = words.length ? "(" + words.length + ")" : "";
  $("no-spelling").hidden = words.length > 0 || !built || missing.length > 0;
  $("spelling-missing").hidden = missing.length === 0;
  $("spelling-missing").textContent = missing.join(" ");
}

function drawEdition(state, errors) {
  const frame = $("edition");
  $("no-edition").hidden = Boolean(state.html);
  if (!state.html) {
    $("no-edition").textContent = state.building
      ? "Building the booklet…"
      : errors
        ? "The booklet has not been built yet: fix the problems listed and save the file."
        : "The booklet has not been built yet.";
  }
  frame.hidden = !state.html;
  const source = state.html ? "/output/" + encodeURIComponent(state.html) + "?v=" + state.built_at : "";
  if (!state.html || (source === shownEdition)) return;
  const doc = frame.contentDocument;
  const scroll = doc && doc.scrollingElement ? doc.scrollingElement.scrollTop : 0;
  frame.onload = () => {
    const fresh = frame.contentDocument;
    if (fresh && fresh.scrollingElement) fresh.scrollingElement.scrollTop = scroll;
  };
  frame.src = source;
  shownEdition = source;
}

function drawPages(state) {
  const key = state.pages.join("|") + state.built_at;
  if (key === shownPages) return;
  shownPages = key;
  $("pages").replaceChildren(
    ...state.pages.map((page, index) =>
      element("li", {}, element("img", { src: "/output/" + page + "?v=" + state.built_at, alt: "Page " + (index + 1), loading: "lazy" }))
    )
  );
}

function drawAudiences(state) {
  const select = $("audience");
  const wanted = [""].concat(state.audiences.map((a) => a.id)).join("|");
  if (select.dataset.ids !== wanted) {
    select.replaceChildren(
      element("option", { value: "", textContent: "Default booklet" }),
      ...state.audiences.map((a) => element("option", { value: a.id, textContent: a.name }))
    );
    select.dataset.ids = wanted;
  }
  select.value = audience;
}

async function refresh() {
  const question = ++asked;
  const wanted = audience;
  let state;
  try {
    const response = await fetch("/state" + query(), { cache: "no-store" });
    state = await response.json();
  } catch (error) {
    if (question === asked) $("status").textContent = "The preview server has stopped.";
    return;
  }
  if (question !== asked || wanted !== audience) return;
  if (shown.audience === wanted && state.version < shown.version) return;
  shown = { audience: wanted, version: state.version };
  $("project").textContent = state.project ? "— " + state.project : "";
  drawAudiences(state);
  const built = !state.building || state.built_at > 0;
  const errors = drawProblems(state.problems, built);
  drawSpelling(state, built);
  drawEdition(state, errors);
  drawPages(state);
  $("download").href = "/download" + query();
  $("download").hidden = !state.pdf;
  const status = $("status");
  status.dataset.version = state.version;
  status.dataset.building = state.building;
  if (state.building) status.textContent = "Building…";
  else if (errors) {
    const count = errors + (errors === 1 ? " problem" : " problems");
    status.textContent = count + (state.html ? ": showing the last good booklet" : ": no booklet until they are fixed");
  }
  else status.textContent = "Up to date (" + state.seconds.toFixed(1) + " s, " + new Date(state.built_at * 1000).toLocaleTimeString("en-GB") + ")";
}

function connect() {
  if (events) events.close();
  events = new EventSource("/events" + query());
  events.addEventListener("state", refresh);
}

$("audience").addEventListener("change", (event) => {
  audience = event.target.value;
  history.replaceState(null, "", audience ? "?audience=" + encodeURIComponent(audience) : "/");
  shownEdition = "";
  shownPages = "";
  connect();
  refresh();
});

connect();
refresh();
