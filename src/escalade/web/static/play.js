// The play room: each decision day shows what the actor knows, the briefing and the options.
"use strict";

const WAIT_MS = 1500;
const params = new URLSearchParams(location.search);
const me = { game: params.get("game"), actor: params.get("actor") };
const scenarios = {};

function playLink(game, actor) {
  const q = new URLSearchParams({ game, actor });
  if (TOKEN) q.set("token", TOKEN);
  return `/play?${q}`;
}

async function setUp() {
  const list = await api("/api/scenarios");
  for (const s of list) scenarios[s.name] = s;
  const select = $("#scenario");
  select.replaceChildren(...list.map((s) => el("option", { value: s.name }, `${s.name} — ${s.title || ""}`)));
  select.addEventListener("change", playerBoxes);
  playerBoxes();
  await listGames();
}

function playerBoxes() {
  const s = scenarios[$("#scenario").value];
  $("#players").replaceChildren(
    el("span", {}, "Played by people:"),
    ...s.deciders.map((a, i) =>
      el("label", {}, el("input", { type: "checkbox", value: a, checked: i === 0 }), ` ${s.actors[a]} (${a})`),
    ),
  );
}

async function listGames() {
  const games = await api("/api/games");
  $("#games").replaceChildren(
    games.length
      ? table(
          ["game", "scenario", "players", "decisions", "resume as"],
          games.map((g) => [
            g.id,
            g.scenario || g.error,
            (g.players || []).join(", "),
            g.decisions ?? "",
            el("span", {}, (g.players || []).map((a) => el("a", { href: playLink(g.id, a), class: "resume" }, `${a} `))),
          ]),
        )
      : el("p", { class: "muted" }, "none yet"),
  );
}

async function start() {
  const players = [...$("#players").querySelectorAll("input:checked")].map((c) => c.value);
  try {
    const game = await api("/api/games", {
      method: "POST",
      body: { scenario: $("#scenario").value, players, seed: Number($("#seed").value), run: Number($("#run").value) },
    });
    location.href = playLink(game.id, players[0]);
  } catch (err) {
    showError($("#start-text"), err);
  }
}

// -- one game -------------------------------------------------------------------------------
// A value of what the actor knows, in words: numbers rounded, mappings as "key: value".
function shown(v) {
  if (typeof v === "number") return Number.isInteger(v) ? v.toLocaleString() : v.toFixed(2);
  if (Array.isArray(v)) return v.map(shown).join("; ");
  if (v && typeof v === "object") return Object.entries(v).map(([k, x]) => `${k}: ${shown(x)}`).join(", ");
  return String(v);
}

function knows(k) {
  const rows = Object.entries(k).map(([key, v]) => [el("dt", {}, key.replaceAll("_", " ")), el("dd", {}, shown(v))]);
  return el("dl", { class: "knows" }, rows.flat());
}

function routeWords(r) {
  const days = `${r.delay_days} day${r.delay_days === 1 ? "" : "s"}`;
  return `${r.id}: to ${r.to}${r.via ? ` via ${r.via}` : " directly"}, ${days}, arrives ${pct(r.fidelity)}`;
}

function option(o, best) {
  const bits = [o.rung === null ? null : `rung ${o.rung}`, o.target && `against ${o.target}`, o.how, o.channel && `via ${o.channel}`, o.size && `package ${o.size}`];
  // A telegraphed option whose notice several channels can carry: the player picks one.
  const route = o.routes && o.routes.length
    ? el("select", { class: "route", "data-route": o.index, "aria-label": `channel of the notice of option ${o.index}` },
        el("option", { value: "" }, "notice by the fastest channels"),
        ...o.routes.map((r) => el("option", { value: r.id }, `notice through ${routeWords(r)}`)))
    : null;
  return el(
    "li",
    {},
    el("button", { class: o.index === best ? null : "secondary", "data-option": o.index, onclick: () => choose(o.index, route && route.value ? route.value : null) }, `${o.index}. ${o.label}`),
    " ",
    el("span", { class: "muted" }, bits.filter(Boolean).join(" · ")),
    " ",
    route,
    route ? " " : null,
    el("span", { class: o.index === best ? "advice" : "muted" }, `model: ${pct(o.advice)}${o.index === best ? " (its advice)" : ""}`),
  );
}

function showGame(g) {
  $("#new-game").hidden = true;
  $("#game").hidden = false;
  $("#game-title").textContent = `${g.title || g.scenario} — you play ${me.actor} (game ${g.id})`;
  $("#links").replaceChildren(
    "Players' pages: ",
    ...g.players.map((a) => el("a", { href: playLink(g.id, a), class: "player-link" }, `${a} `)),
    " · ",
    el("a", { href: apiLink(`/api/games/${g.id}/file`), download: `${g.id}.json`, id: "export" }, "Export the game file (escalade replay reads it)"),
    ` · ${g.decisions} decision(s) so far`,
  );
  $("#story").replaceChildren(...g.story.map((line) => el("li", {}, line)));
  $("#story").scrollTop = $("#story").scrollHeight;
  const turn = g.turn;
  if (turn) {
    const best = turn.options.reduce((b, o) => (o.advice > b.advice ? o : b), turn.options[0]).index;
    $("#turn").replaceChildren(
      el("h3", { id: "turn-day" }, `Day ${turn.day} (${turn.date}): ${turn.actor} decides`),
      el("h3", {}, "Briefing since your last decision"),
      el("ul", { class: "timeline", id: "briefing" }, (turn.briefing.length ? turn.briefing : ["nothing new"]).map((l) => el("li", {}, l))),
      el("h3", {}, "What you know (the model's fog)"),
      knows(turn.knows),
      el("h3", {}, "Your options"),
      el("ul", { class: "options", id: "options" }, turn.options.map((o) => option(o, best))),
      el("p", {}, el("button", { class: "secondary", id: "hand-over", onclick: handOver }, "Hand over to the model"),
        el("span", { class: "muted" }, " the model plays this actor to the end (your decisions so far stand)")),
    );
  } else if (g.finished) {
    $("#turn").replaceChildren(el("h3", { id: "finished" }, "The game is over"), el("p", {}, g.story[g.story.length - 1]));
    showAfter(g);
  } else {
    const w = g.waiting_for;
    $("#turn").replaceChildren(el("p", { id: "waiting" }, `Waiting for ${w.actor}'s decision (day ${w.day}); this page updates by itself.`));
  }
}

async function showAfter(g) {
  if ($("#after").dataset.done) return;
  $("#after").dataset.done = "1";
  $("#after").replaceChildren(el("p", { class: "muted" }, "comparing with the model's ensemble…"));
  const c = await api(`/api/games/${g.id}/compare`);
  $("#after").replaceChildren(
    el("h3", {}, `This game against the model's ${c.runs.toLocaleString()} runs of the same scenario`),
    el("p", { id: "as-bad" }, `Runs as bad or worse (highest rung and deaths at least this game's): ${pct(c.as_bad_or_worse.p)} (95% interval ${interval(c.as_bad_or_worse.low, c.as_bad_or_worse.high)})`),
    table(
      ["threshold", "in the model's runs", "95% interval", "this game"],
      c.thresholds.map((t) => [t.label, pct(t.ensemble.p), interval(t.ensemble.low, t.ensemble.high), t.game_day === null ? "not crossed" : `day ${t.game_day}`]),
      [false, true, true, false],
    ),
    el("p", {}, `Highest rung: this game ${c.max_rung.game}, the model's median ${c.max_rung.ensemble_median}; deaths: ${c.deaths.game}, median ${c.deaths.ensemble_median}. The model alone on the same run reached rung ${c.model_run.max_rung}.`),
  );
}

async function choose(index, channel = null) {
  for (const b of document.querySelectorAll("#options button")) b.disabled = true;
  try {
    showGame(await api(`/api/games/${me.game}/choose`, { method: "POST", body: { actor: me.actor, option: index, channel } }));
  } catch (err) {
    showError($("#turn"), err);
  }
}

async function handOver() {
  try {
    showGame(await api(`/api/games/${me.game}/hand-over`, { method: "POST", body: { actor: me.actor } }));
  } catch (err) {
    showError($("#turn"), err);
  }
}

async function follow() {
  for (;;) {
    const g = await api(`/api/games/${me.game}?actor=${encodeURIComponent(me.actor)}`);
    showGame(g);
    if (g.finished) return;
    while (!g.finished && g.turn && g.turn.actor === me.actor) {
      await sleep(WAIT_MS); // our turn: the page waits for a click (choose() redraws)
      const now = await api(`/api/games/${me.game}?actor=${encodeURIComponent(me.actor)}`);
      if (now.decisions !== g.decisions) break;
    }
    await sleep(WAIT_MS);
  }
}

document.addEventListener("DOMContentLoaded", async () => {
  if (TOKEN) $("#dashboard-link").href = `/?token=${encodeURIComponent(TOKEN)}`;
  $("#start").addEventListener("click", start);
  try {
    if (me.game && me.actor) await follow();
    else await setUp();
  } catch (err) {
    showError($("main"), err);
  }
});
