// The dashboard: polls this node's admin API every 2 s and redraws. No framework, nothing fetched
// from elsewhere. With an admin token, /api/* answers 401 until the token is given; it is asked once
// and kept for the browser session only.
"use strict";

const TOKEN_KEY = "archway.adminToken";
const previous = { at: 0, bytes: {} };

async function api(path) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const headers = token ? { Authorization: "Bearer " + token } : {};
  const response = await fetch(path, { headers, cache: "no-store" });
  if (response.status === 401) {
    const given = window.prompt("This Archway admin API needs its token:");
    if (given) sessionStorage.setItem(TOKEN_KEY, given.trim());
    throw new Error("the admin API needs its token (reload to enter it again)");
  }
  if (!response.ok) throw new Error(path + " answered " + response.status);
  return path === "/metrics" ? response.text() : response.json();
}

function cell(text, cls) {
  const td = document.createElement("td");
  td.textContent = text === undefined || text === null ? "" : String(text);
  if (cls) td.className = cls;
  return td;
}

function fill(id, rows) {
  const body = document.querySelector("#" + id + " tbody");
  body.replaceChildren(...rows.map(cells => {
    const tr = document.createElement("tr");
    tr.append(...cells);
    return tr;
  }));
}

// Sums of this node's listener meters from the Prometheus text: {listener: {active, in, out}}.
function listenerMeters(text) {
  const meters = {};
  const line = /^archway_listener_(connections_active|bytes_total)\{([^}]*)\} ([0-9.eE+-]+)$/;
  for (const row of text.split("\n")) {
    const m = line.exec(row);
    if (!m) continue;
    const labels = Object.fromEntries([...m[2].matchAll(/(\w+)="([^"]*)"/g)].map(x => [x[1], x[2]]));
    const entry = meters[labels.listener] ??= { active: 0, in: 0, out: 0 };
    if (m[1] === "connections_active") entry.active = Number(m[3]);
    else entry[labels.direction] = Number(m[3]);
  }
  return meters;
}

function rate(now, key, value) {
  const before = previous.bytes[key];
  previous.bytes[key] = value;
  if (before === undefined || !previous.at) return "";
  const perSecond = (value - before) / ((now - previous.at) / 1000);
  return perSecond >= 1e6 ? (perSecond / 1e6).toFixed(1) + " MB" : perSecond >= 1e3 ? (perSecond / 1e3).toFixed(1) + " kB" : Math.round(perSecond) + " B";
}

async function refresh() {
  const problem = document.getElementById("problem");
  try {
    const [cluster, health, config, events, metrics] = await Promise.all(
      ["/api/cluster", "/api/health", "/api/config", "/api/events", "/metrics"].map(api));
    const now = Date.now();
    fill("nodes", cluster.nodes.map(n => [cell(n.name), cell(n.admin), cell(n.state),
      cell(n.appliedVersion + (n.appliedVersion < cluster.configVersion ? " (behind " + cluster.configVersion + ")" : "")),
      cell(n.error || "", n.error ? "error" : "")]));
    const meters = listenerMeters(metrics);
    fill("listeners", (config.listeners || []).map(l => {
      const m = meters[l.name] || { active: 0, in: 0, out: 0 };
      return [cell(l.name), cell(l.protocol || "tcp"), cell((l.host || "0.0.0.0") + ":" + l.port), cell(l.pool),
        cell(m.active), cell(rate(now, l.name + "/in", m.in)), cell(rate(now, l.name + "/out", m.out))];
    }));
    const views = health.pools || {};
    const rows = [];
    for (const pool of config.pools || []) {
      for (const target of pool.targets || []) {
        const byNode = (views[pool.name] || {})[target.address] || {};
        const td = cell("");
        const names = Object.keys(byNode).sort();
        if (names.length === 0) td.append(document.createTextNode(target.state === "disabled" ? "not probed" : "no probe result yet"));
        names.forEach((node, i) => {
          const span = document.createElement("span");
          span.className = byNode[node];
          span.textContent = (i ? ", " : "") + node + ": " + byNode[node];
          td.append(span);
        });
        rows.push([cell(pool.name), cell(target.address), cell(target.state || "enabled"), td]);
      }
    }
    fill("pools", rows);
    const list = document.getElementById("events");
    list.replaceChildren(...events.events.slice().reverse().map(e => {
      const li = document.createElement("li");
      li.className = e.state;
      li.textContent = e.time + " · " + e.node + " · pool " + e.pool + " · " + e.target + " is now " + e.state;
      return li;
    }));
    if (events.events.length === 0) list.replaceChildren(Object.assign(document.createElement("li"), { className: "muted", textContent: "none since this node started" }));
    previous.at = now;
    problem.hidden = true;
    document.getElementById("updated").textContent = "updated " + new Date(now).toLocaleTimeString();
  } catch (e) {
    problem.textContent = e.message;
    problem.hidden = false;
  }
}

refresh();
setInterval(refresh, 2000);
