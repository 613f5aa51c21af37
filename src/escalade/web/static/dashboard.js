// The what-if dashboard: every action goes through the JSON API (/docs).
"use strict";

const POLL_MS = 400; // once a job shows results (a later chunk takes longer than this)
const FIRST_POLL_MS = 100; // until then: its first estimate comes within a second
const VALIDATE_MS = 350;
const state = { builtin: null, builtinText: "", scenario: null, job: null, experiment: null };

// -- scenario: pick, upload, edit with live validation ---------------------------------------
async function loadBuiltins() {
  const list = await api("/api/scenarios");
  const select = $("#builtin");
  select.replaceChildren(...list.map((s) => el("option", { value: s.name }, `${s.name} — ${s.title || ""}`)));
  select.addEventListener("change", () => pickBuiltin(select.value));
  await pickBuiltin(list[0].name);
}

async function pickBuiltin(name) {
  const got = await api(`/api/scenarios/${encodeURIComponent(name)}`);
  state.builtin = name;
  state.builtinText = got.text;
  $("#editor").value = got.text;
  $("#upload").value = "";
  showValid(got.scenario);
  gutter([]);
}

function edited() {
  return $("#editor").value !== state.builtinText;
}

function gutter(badLines) {
  const n = $("#editor").value.split("\n").length;
  const bad = new Set(badLines);
  const lines = [];
  for (let i = 1; i <= n; i++) lines.push(el("span", { class: bad.has(i) ? "bad" : null, "data-line": i }, `${i}\n`));
  $("#gutter").replaceChildren(...lines);
  $("#gutter").scrollTop = $("#editor").scrollTop;
}

function goToLine(line) {
  const ta = $("#editor");
  const lines = ta.value.split("\n");
  const start = lines.slice(0, line - 1).reduce((s, l) => s + l.length + 1, 0);
  ta.focus();
  ta.setSelectionRange(start, start + (lines[line - 1] || "").length);
  const lineHeight = ta.scrollHeight / Math.max(lines.length, 1);
  ta.scrollTop = Math.max(0, (line - 5) * lineHeight);
  ta.scrollLeft = 0;
}

let validateTimer = null;
function onEdit() {
  gutter([]);
  clearTimeout(validateTimer);
  validateTimer = setTimeout(validateNow, VALIDATE_MS);
}

async function validateNow() {
  const name = $("#upload").files[0]?.name || `${state.builtin || "scenario"}.yaml`;
  const got = await api("/api/scenarios/validate", { method: "POST", body: { text: $("#editor").value, name } });
  if (got.ok) {
    showValid(got.scenario);
    gutter([]);
    return;
  }
  state.scenario = null;
  $("#run").disabled = true;
  $("#compare").disabled = true;
  gutter(got.problems.map((p) => p.line));
  $("#validation").replaceChildren(
    el(
      "ul",
      { class: "problems" },
      got.problems.map((p) =>
        el(
          "li",
          { "data-line": p.line, title: "go to the line", onclick: () => p.line && goToLine(p.line) },
          `line ${p.line}, column ${p.column}: ${p.path ? p.path + ": " : ""}${p.message}${p.hint ? ` (${p.hint})` : ""}`,
        ),
      ),
    ),
  );
}

function showValid(info) {
  state.scenario = info;
  $("#run").disabled = false;
  $("#compare").disabled = false;
  $("#validation").replaceChildren(
    el("p", { class: "ok" }, `✓ ${info.name}: valid, ${Object.keys(info.actors).length} actors, ${info.horizon_days} days, ${info.levers.length} levers`),
  );
  for (const [id, prefix] of [["#levers", "l"], ["#levers-a", "a"], ["#levers-b", "b"]]) leverBoxes($(id), prefix, info.levers);
}

function leverBoxes(where, prefix, levers) {
  if (!levers.length) {
    where.replaceChildren(el("p", { class: "muted" }, "This scenario declares no levers."));
    return;
  }
  where.replaceChildren(
    ...levers.map((l) =>
      el(
        "label",
        { title: JSON.stringify(l.overrides) },
        el("input", { type: "checkbox", name: `${prefix}-lever`, value: l.name }),
        ` ${l.name} `,
        el("small", {}, l.description),
      ),
    ),
  );
}

function chosen(where) {
  return [...where.querySelectorAll("input[type=checkbox]:checked")].map((c) => c.value);
}

function scenarioRef() {
  if (edited()) return { text: $("#editor").value, name: $("#upload").files[0]?.name || "edited.yaml" };
  return { scenario: state.builtin };
}

function jobBody(levers) {
  const days = $("#days").value ? Number($("#days").value) : null;
  return { ...scenarioRef(), levers, runs: Number($("#runs").value), seed: Number($("#seed").value), days };
}

// -- jobs: run with progress, results as chunks finish --------------------------------------
async function follow(job, onUpdate) {
  for (;;) {
    job = await api(`/api/jobs/${job.id}`);
    onUpdate(job);
    if (!["queued", "running"].includes(job.status)) return job;
    await sleep(job.kind === "ensemble" && !job.results ? FIRST_POLL_MS : POLL_MS);
  }
}

function progressText(job) {
  if (job.status === "queued") return `waiting in line (${job.queued_before} job(s) before it)`;
  const where = job.experiment ? ` · experiment ${job.experiment}` : "";
  return `${job.status}: ${job.done.toLocaleString()} / ${job.total.toLocaleString()} runs${where}${job.error ? " · " + job.error : ""}`;
}

async function runEnsemble() {
  const box = $("#results");
  $("#run").disabled = true;
  try {
    const job = await api("/api/jobs", { method: "POST", body: jobBody(chosen($("#levers"))) });
    state.job = job;
    $("#cancel").disabled = false;
    const end = await follow(job, (j) => {
      $("#progress").max = Math.max(j.total, 1);
      $("#progress").value = j.done;
      $("#progress-text").textContent = progressText(j);
      if (j.results) showResults(j.results, j.experiment, j.status !== "complete");
    });
    if (end.status === "cancelled" && end.experiment) {
      $("#progress-text").textContent += ` — resumable: escalade run --resume ${end.experiment}`;
    }
    if (end.experiment) await openExperiment(end.experiment);
  } catch (err) {
    showError(box, err);
  } finally {
    $("#run").disabled = false;
    $("#cancel").disabled = true;
    await listExperiments();
  }
}

async function cancelJob() {
  if (!state.job) return;
  await api(`/api/jobs/${state.job.id}/cancel`, { method: "POST" });
}

function showResults(r, expId, partial) {
  if (expId) {
    state.experiment = expId;
    $("#narrate").disabled = false;
  }
  const rows = r.thresholds.concat(r.endings).map((t) => [t.label, pct(t.p), interval(t.low, t.high)]);
  const links = expId
    ? el(
        "p",
        {},
        el("a", { href: apiLink(`/api/experiments/${expId}/outcomes.parquet`), download: `${expId}.parquet`, id: "download-parquet" }, "Download the runs (Parquet)"),
        " · ",
        el("a", { href: apiLink(`/api/experiments/${expId}/report.html`), target: "_blank", id: "download-report" }, "HTML report"),
      )
    : null;
  $("#results").replaceChildren(
    ...[
    el("p", { class: "headline", id: "headline" }, r.headline),
    partial ? el("p", { class: "note" }, `estimate over the ${r.runs.toLocaleString()} runs finished so far; the intervals narrow as chunks finish`) : null,
    el("ul", { class: "note" }, r.definitions.map((d) => el("li", {}, d))),
    table(["outcome", "probability", "95% interval"], rows, [false, true, true]),
    links,
    ].filter(Boolean),
  );
  survivalChart(r.survival);
  $("#pathways").replaceChildren(
    table(
      ["first moves", "in words", "share", "95% interval"],
      r.pathways.map((p) => [p.pathway, p.words, pct(p.p), interval(p.low, p.high)]),
      [false, false, true, true],
    ),
  );
  $("#runs-to-read").replaceChildren(
    ...Object.entries(r.runs_to_read).map(([k, v]) =>
      el("button", { class: "secondary", title: v.why, onclick: () => narrate(v.run) },
        `${k === "war" && v.why.startsWith("no run") ? "worst" : k} run (${v.run})`),
    ),
  );
}

function survivalChart(curves) {
  const colours = ["#2f5d8a", "#c05621", "#9b2c2c", "#276749"];
  const traces = [];
  curves.forEach((c, i) => {
    const colour = colours[i % colours.length];
    traces.push({ x: c.days, y: c.high, mode: "lines", line: { width: 0 }, showlegend: false, hoverinfo: "skip" });
    traces.push({ x: c.days, y: c.low, mode: "lines", line: { width: 0 }, fill: "tonexty", fillcolor: colour + "33", showlegend: false, hoverinfo: "skip" });
    traces.push({ x: c.days, y: c.surviving, mode: "lines", name: c.label, line: { color: colour } });
  });
  Plotly.react("survival", traces, {
    margin: { t: 20, r: 10, b: 40, l: 50 },
    xaxis: { title: { text: "day after the trigger" } },
    yaxis: { title: { text: "share of runs not yet crossed" }, range: [0, 1.02] },
    legend: { orientation: "h", y: -0.25 },
    height: 340,
  }, { displaylogo: false, responsive: true });
}

async function openExperiment(expId) {
  const e = await api(`/api/experiments/${encodeURIComponent(expId)}`);
  state.experiment = e.manifest.id;
  $("#drivers").disabled = !e.scenario.levers.length;
  $("#narrate").disabled = false;
  $("#run-id").max = e.manifest.runs - 1;
  if (e.results) showResults(e.results, e.manifest.id, e.manifest.status !== "complete");
  else $("#results").replaceChildren(el("p", { class: "muted" }, `experiment ${expId} has no finished runs`));
  $("#drivers-table").replaceChildren();
  if (e.drivers) driversTable(e.drivers);
  return e;
}

async function listExperiments() {
  const list = await api("/api/experiments");
  $("#experiments").replaceChildren(
    list.length
      ? table(
          ["experiment", "scenario", "runs", "seed", "status"],
          list.slice(-8).reverse().map((m) => [
            el("a", { href: "#", onclick: (ev) => { ev.preventDefault(); openExperiment(m.id); } }, m.id),
            m.scenario_name,
            `${m.runs_done.toLocaleString()}/${m.runs.toLocaleString()}`,
            m.seed,
            m.status,
          ]),
          [false, false, true, true, false],
        )
      : el("p", { class: "muted" }, "none yet"),
  );
}

// -- what moves it --------------------------------------------------------------------------
async function measureDrivers() {
  $("#drivers").disabled = true;
  try {
    const job = await api("/api/drivers", { method: "POST", body: { experiment: state.experiment } });
    const end = await follow(job, (j) => { $("#drivers-text").textContent = progressText(j); });
    if (end.drivers) driversTable(end.drivers);
  } catch (err) {
    showError($("#drivers-table"), err);
  } finally {
    $("#drivers").disabled = false;
  }
}

function pp(d) {
  const f = (x) => `${x >= 0 ? "+" : ""}${(100 * x).toFixed(1)}`;
  return `${f(d.diff)} pp (${f(d.low)} to ${f(d.high)})`;
}

function driversTable(found) {
  $("#drivers-table").replaceChildren(
    table(
      ["lever", "what it means", "P(sustained war), B − A", "P(direct exchange), B − A"],
      found.map((d) => [d.lever, d.description, pp(d.effects.first_war_day), pp(d.effects.first_direct_day)]),
      [false, false, true, true],
    ),
  );
}

// -- paired comparison ----------------------------------------------------------------------
async function compareArms() {
  $("#compare").disabled = true;
  const text = $("#compare-text");
  try {
    const arms = [chosen($("#levers-a")), chosen($("#levers-b"))];
    const jobs = [];
    for (const levers of arms) jobs.push(await api("/api/jobs", { method: "POST", body: jobBody(levers) }));
    const seen = {};
    const ends = await Promise.all(
      jobs.map((j, i) =>
        follow(j, (x) => {
          seen[i] = x;
          text.textContent = [0, 1].map((k) => (seen[k] ? `${"AB"[k]}: ${progressText(seen[k])}` : "")).join(" · ");
        }),
      ),
    );
    if (ends.some((e) => e.status !== "complete")) throw new Error(`an arm did not complete: ${ends.map((e) => e.status).join(", ")}`);
    const got = await api(`/api/compare?a=${ends[0].experiment}&b=${ends[1].experiment}`);
    const heads = await Promise.all(ends.map((e) => api(`/api/experiments/${e.experiment}`)));
    heads.forEach((h, i) => {
      const levers = arms[i].length ? arms[i].join(", ") : "no lever";
      $(i ? "#compare-b" : "#compare-a").replaceChildren(
        el("p", {}, el("b", {}, `${"AB"[i]}: ${levers}`), ` (experiment ${h.manifest.id})`),
        el("p", { class: "headline" }, h.results.headline),
      );
    });
    const num = (d, x) => {
      if (d.kind === "proportion") return pct(Math.abs(x) < 5e-4 ? 0 : x);
      return x.toLocaleString(undefined, { maximumFractionDigits: Math.abs(x) >= 1000 ? 0 : 2 });
    };
    $("#compare-table").replaceChildren(
      table(
        ["outcome", "A", "B", "B − A", "95% interval (paired)"],
        got.differences.map((d) => [d.label, num(d, d.a), num(d, d.b), num(d, d.diff), `${num(d, d.low)} – ${num(d, d.high)}`]),
        [false, true, true, true, true],
      ),
      el("ul", { class: "note" }, got.definitions.map((x) => el("li", {}, x))),
    );
  } catch (err) {
    showError($("#compare-table"), err);
  } finally {
    $("#compare").disabled = false;
    await listExperiments();
  }
}

// -- a run's narrative ----------------------------------------------------------------------
async function narrate(run) {
  if (run !== undefined) $("#run-id").value = run;
  const k = Number($("#run-id").value);
  try {
    const story = await api(`/api/experiments/${state.experiment}/runs/${k}`);
    $("#narrative").replaceChildren(
      el("p", { class: "note" }, `Run ${story.run} of experiment ${story.experiment} (seed ${story.seed}), replayed: the same run as in the ensemble.`),
      el("ul", { class: "timeline", id: "timeline" }, story.events.map((ev) => el("li", { class: ev.kind }, ev.text))),
      el("p", {}, el("b", {}, story.closing)),
    );
  } catch (err) {
    showError($("#narrative"), err);
  }
}

// -- wiring ---------------------------------------------------------------------------------
function readUpload() {
  const file = $("#upload").files[0];
  if (!file) return;
  file.text().then((text) => {
    state.builtinText = null;
    $("#editor").value = text;
    onEdit();
  });
}

document.addEventListener("DOMContentLoaded", async () => {
  if (TOKEN) $("#play-link").href = `/play?token=${encodeURIComponent(TOKEN)}`;
  $("#editor").addEventListener("input", onEdit);
  $("#editor").addEventListener("scroll", () => { $("#gutter").scrollTop = $("#editor").scrollTop; });
  $("#upload").addEventListener("change", readUpload);
  $("#run").addEventListener("click", runEnsemble);
  $("#cancel").addEventListener("click", cancelJob);
  $("#drivers").addEventListener("click", measureDrivers);
  $("#compare").addEventListener("click", compareArms);
  $("#narrate").addEventListener("click", () => narrate());
  try {
    await loadBuiltins();
    await listExperiments();
  } catch (err) {
    showError($("#validation"), err);
  }
});
