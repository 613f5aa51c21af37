// What the dashboard and the play room share: the API client, the token, small helpers.
"use strict";

const TOKEN = (() => {
  const given = new URLSearchParams(location.search).get("token");
  if (given) sessionStorage.setItem("escalade-token", given);
  return given || sessionStorage.getItem("escalade-token") || "";
})();

class ApiError extends Error {
  constructor(status, body) {
    super(typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail));
    this.status = status;
    this.body = body;
  }
}

async function api(path, options = {}) {
  const headers = { "Content-Type": "application/json", ...(options.headers || {}) };
  if (TOKEN) headers.Authorization = `Bearer ${TOKEN}`;
  const init = { ...options, headers };
  if (init.body !== undefined && typeof init.body !== "string") init.body = JSON.stringify(init.body);
  const res = await fetch(path, init);
  const text = await res.text();
  let body;
  try {
    body = text ? JSON.parse(text) : {};
  } catch (_) {
    body = { detail: text };
  }
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

// A link to an API file (downloads cannot send headers: the token goes in the query).
function apiLink(path) {
  return TOKEN ? `${path}${path.includes("?") ? "&" : "?"}token=${encodeURIComponent(TOKEN)}` : path;
}

const $ = (sel, root = document) => root.querySelector(sel);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

function pct(p) {
  if (p === null || p === undefined) return "—";
  const v = 100 * p;
  if (v === 0) return "0%";
  return v < 1 ? `${v.toFixed(1)}%` : `${v.toFixed(v < 10 ? 1 : 0)}%`;
}

function interval(low, high) {
  return `${pct(low)} – ${pct(high)}`;
}

function table(head, rows, numeric = []) {
  return el(
    "table",
    {},
    el("thead", {}, el("tr", {}, head.map((h, i) => el("th", { class: numeric[i] ? "num" : null }, h)))),
    el(
      "tbody",
      {},
      rows.map((r) => el("tr", {}, r.map((c, i) => el("td", { class: numeric[i] ? "num" : null }, c)))),
    ),
  );
}

function showError(where, err) {
  where.replaceChildren(el("p", { class: "error", role: "alert" }, err.message || String(err)));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
