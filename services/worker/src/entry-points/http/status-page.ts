// The /queues status page (like Flower): one self-contained HTML document, no CDN; it polls /queues/api/* with an
// admin's token, kept in memory only (never in localStorage, where any script of the origin could read it).
// Every value put into the page goes through esc(); the CSP runs only this script (by hash), so an injected handler
// would not run even if a value slipped through.
import { createHash } from 'node:crypto';

const SCRIPT = String.raw`"use strict";
const $ = (s) => document.querySelector(s);
// Re-render only what changed: a table rebuilt under the pointer would swallow clicks.
const setHtml = (sel, html) => { const el = $(sel); if (el.lastHtml !== html) { el.innerHTML = html; el.lastHtml = html; } };
const esc = (v) => String(v ?? "").replace(/[&<>"']/g, (c) => ({"&":"&amp;","<":"&lt;",">":"&gt;","\"":"&quot;","'":"&#39;"})[c]);
const num = (v) => (typeof v === "number" && Number.isFinite(v) ? v : 0);
// The token lives in this variable only: a reload asks for it again.
let token = "", page = 1, viewer = {admin:false}, timers = [];
$("#token").addEventListener("change", () => { token = $("#token").value.trim().replace(/^Bearer\s+/i, ""); refreshViewer(); });
function headers(){ return token ? {Authorization: "Bearer " + token} : {}; }
async function api(path, init){ const r = await fetch("/queues/api" + path, Object.assign({headers: headers(), cache: "no-store", credentials: "omit"}, init||{})); const body = await r.json().catch(() => ({})); if(!r.ok){ const e = new Error(body.detail || r.statusText); e.status = r.status; throw e; } return body; }
const ago = (iso) => iso ? Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000)) + " s" : "—";
async function refreshViewer(){
  try { viewer = await api("/me"); } catch { viewer = {admin:false}; }
  $("#who").textContent = viewer.admin ? "admin: " + (viewer.username || viewer.user_id) : viewer.authenticated ? "usuário sem acesso (somente administradores)" : "anônimo (informe um token de administrador)";
  if (viewer.admin) startPolling(); else stopPolling();
}
async function overview(){
  const o = await api("/overview");
  setHtml("#workers tbody", o.workers.map((w) => '<tr class="worker-row" data-instance="'+esc(w.instance)+'"><td>'+esc(w.instance)+'</td><td>'+esc(w.host)+' / '+esc(w.pid)+'</td><td class="n">'+esc(w.concurrency)+' × '+esc((w.queues || []).length)+'</td><td>'+((w.active_jobs || []).length ? w.active_jobs.map((a) => esc(a.queue)+'#'+esc(a.job_id)).join("<br>") : '<span class="muted">ocioso</span>')+'</td><td class="n">'+esc(w.processed)+' / <span class="bad">'+esc(w.failed)+'</span></td><td>'+esc(ago(w.beat_at))+'</td></tr>').join("") || '<tr><td colspan="6" class="bad">nenhum worker online</td></tr>');
  const names = Object.keys(o.queues);
  setHtml("#queues tbody", names.map((q) => { const c = o.queues[q]; return '<tr><td>'+esc(q)+'</td>'+["waiting","active","delayed","succeeded","failed","dead"].map((s) => '<td class="n" data-queue="'+esc(q)+'" data-state="'+s+'">'+esc(c[s])+'</td>').join("")+'</tr>'; }).join(""));
  const sel = $("#jq"); if(!sel.options.length){ sel.innerHTML = names.map((q) => "<option>"+esc(q)+"</option>").join(""); loadJobs(); }
  $("#updated").textContent = "atualizado " + new Date(o.generated_at).toLocaleTimeString("pt-BR");
}
async function chart(){
  const t = await api("/throughput?minutes=30"); const pts = t.buckets.map((p) => ({succeeded: num(p.succeeded), failed: num(p.failed), retried: num(p.retried)})); const W = 900, H = 180, P = 24;
  const max = Math.max(1, ...pts.map((p) => Math.max(p.succeeded, p.failed, p.retried)));
  const x = (i) => P + i * (W - 2*P) / Math.max(1, pts.length - 1), y = (v) => H - P - v * (H - 2*P) / max;
  const line = (k, color) => '<polyline fill="none" stroke="'+color+'" stroke-width="2" points="'+pts.map((p, i) => x(i).toFixed(1)+","+y(p[k]).toFixed(1)).join(" ")+'"/>';
  $("#chart").innerHTML = '<line x1="'+P+'" y1="'+(H-P)+'" x2="'+(W-P)+'" y2="'+(H-P)+'" stroke="#ccc"/><text x="2" y="'+(P)+'">'+esc(max)+'</text><text x="2" y="'+(H-P)+'">0</text>'+line("succeeded","#0d9488")+line("failed","#dc2626")+line("retried","#f59e0b");
  const s = pts.reduce((a, p) => a + p.succeeded, 0), f = pts.reduce((a, p) => a + p.failed, 0);
  $("#rate").textContent = "— " + s + " concluídos, " + f + " falhas (" + (s + f ? (100 * f / (s + f)).toFixed(1) : "0.0") + "% de falha)";
}
async function loadJobs(){
  const q = $("#jq").value, s = $("#js").value; if(!q || !viewer.admin) return;
  const r = await api("/queues/" + encodeURIComponent(q) + "/jobs?state=" + encodeURIComponent(s) + "&page=" + page + "&page_size=20");
  const pages = Math.max(1, Math.ceil(num(r.total) / 20)); $("#pageinfo").textContent = "página " + page + " de " + pages + " (" + num(r.total) + ")";
  $("#prev").disabled = page <= 1; $("#next").disabled = page >= pages;
  const canAct = s === "failed" || s === "dead";
  setHtml("#jobs tbody", r.jobs.map((j) => '<tr class="job-row" data-id="'+esc(j.id)+'"><td><a href="#" class="open" data-id="'+esc(j.id)+'">'+esc(j.id)+'</a></td><td>'+esc(j.created_at || "")+'</td><td>'+esc(j.request_id || "")+'</td><td class="n">'+esc(j.retries_left ?? "")+'</td><td class="job-error">'+esc(String((j.errors || [])[0] || "").split("\n")[0].slice(0,120))+'</td><td>'+(canAct ? '<button class="retry-btn" data-id="'+esc(j.id)+'">tentar de novo</button> ' : '')+(s !== "succeeded" ? '<button class="remove-btn" data-id="'+esc(j.id)+'">remover</button>' : '')+'</td></tr>').join("") || '<tr><td colspan="6" class="muted">nenhum job</td></tr>');
}
document.addEventListener("click", async (ev) => {
  const el = ev.target.closest("button,a.open"); if(!el || !el.dataset.id) return; ev.preventDefault();
  const q = $("#jq").value, id = el.dataset.id;
  try {
    if(el.classList.contains("open")){ const j = await api("/queues/" + encodeURIComponent(q) + "/jobs/" + encodeURIComponent(id)); $("#detail").innerHTML = "<h3>"+esc(q)+" #"+esc(id)+" — "+esc(j.state)+"</h3><pre>"+esc(JSON.stringify(j, null, 2))+"</pre>"; return; }
    if(el.classList.contains("retry-btn")) await api("/queues/" + encodeURIComponent(q) + "/jobs/" + encodeURIComponent(id) + "/retry", {method:"POST"});
    if(el.classList.contains("remove-btn")) await api("/queues/" + encodeURIComponent(q) + "/jobs/" + encodeURIComponent(id), {method:"DELETE"});
    $("#detail").innerHTML = '<p class="ok" id="action-result">ok: '+esc(el.textContent)+' #'+esc(id)+'</p>';
  } catch (e) { $("#detail").innerHTML = '<p class="bad" id="action-result">erro '+esc(e.status)+': '+esc(e.message)+'</p>'; }
  loadJobs(); overview();
});
$("#jq").addEventListener("change", () => { page = 1; safe(loadJobs)(); });
$("#js").addEventListener("change", () => { page = 1; safe(loadJobs)(); });
$("#prev").addEventListener("click", () => { page--; safe(loadJobs)(); }); $("#next").addEventListener("click", () => { page++; safe(loadJobs)(); });
async function beat(){ const b = await api("/beat"); $("#beat").innerHTML = '<p>líder: <b id="beat-leader">'+esc(b.leader || "nenhum")+'</b> <span class="muted">instâncias: '+esc((b.instances || []).map((i) => i.instance).join(", "))+'</span></p><table><thead><tr><th>agenda</th><th>cron</th><th>último disparo</th><th>próximo</th></tr></thead><tbody>'+(b.schedules || []).map((s) => '<tr><td>'+esc(s.name)+'</td><td><code>'+esc(s.pattern)+'</code></td><td>'+esc(s.last_run || "—")+'</td><td>'+esc(s.next_run || "—")+'</td></tr>').join("")+'</tbody></table>'; }
async function broker(){ const b = await api("/broker"); $("#broker").innerHTML = '<p>master <b>'+esc(b.master_name)+'</b> em <b id="broker-master">'+esc(b.master)+'</b> · memória '+esc(b.used_memory_human)+' · clientes '+esc(b.connected_clients)+'</p><table><thead><tr><th>réplica</th><th>estado</th><th>atraso (bytes)</th><th>lag (s)</th></tr></thead><tbody>'+(b.replicas || []).map((r) => '<tr><td>'+esc(r.address)+'</td><td>'+esc(r.state)+'</td><td class="n">'+esc(r.offset_lag_bytes)+'</td><td class="n">'+esc(r.lag_s)+'</td></tr>').join("")+'</tbody></table>'; }
const safe = (f) => () => f().catch((e) => { $("#updated").textContent = "erro: " + e.message; if (e.status === 401 || e.status === 403) refreshViewer(); });
function startPolling(){
  if (timers.length) return;
  safe(overview)(); safe(chart)(); safe(beat)(); safe(broker)(); safe(loadJobs)();
  timers = [setInterval(safe(overview), 2000), setInterval(safe(chart), 5000), setInterval(safe(beat), 3000), setInterval(safe(broker), 5000), setInterval(safe(loadJobs), 4000)];
}
function stopPolling(){
  for (const t of timers) clearInterval(t);
  timers = [];
  setHtml("#workers tbody", '<tr><td colspan="6" class="muted">somente administradores veem as filas</td></tr>');
  for (const sel of ["#queues tbody", "#jobs tbody"]) setHtml(sel, "");
  for (const sel of ["#beat", "#broker", "#detail", "#chart"]) $(sel).innerHTML = "";
}
refreshViewer();
`;

/** Content-Security-Policy of the page: its own script only, requests to its own origin only. */
export const STATUS_PAGE_CSP = [
  "default-src 'none'",
  `script-src 'sha256-${createHash('sha256').update(SCRIPT).digest('base64')}'`,
  "style-src 'unsafe-inline'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const STATUS_PAGE_HTML = String.raw`<!doctype html>
<html lang="pt-BR"><head><meta charset="utf-8"><title>Mutirões — filas</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;margin:0;background:#f4f6f8;color:#1f2933}
header{background:#0d9488;color:#fff;padding:10px 18px;display:flex;gap:16px;align-items:center;flex-wrap:wrap}
header h1{font-size:18px;margin:0}header .sp{flex:1}
header input{width:260px;padding:4px}
main{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:14px;padding:14px}
section{background:#fff;border-radius:8px;padding:10px 14px;box-shadow:0 1px 3px #0002;overflow:auto}
h2{font-size:15px;margin:4px 0 8px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:3px 6px;border-bottom:1px solid #e5e7eb}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#047857}.bad{color:#b91c1c}.muted{color:#6b7280}
button{cursor:pointer}button:disabled{cursor:not-allowed;opacity:.5}
pre{background:#f8fafc;padding:6px;font-size:12px;max-height:260px;overflow:auto;white-space:pre-wrap}
.wide{grid-column:1/-1}.pill{display:inline-block;padding:0 6px;border-radius:9px;background:#e0f2f1;color:#064e3b;font-size:12px}
#chart text{font-size:10px;fill:#555}
</style></head>
<body>
<header><h1>Mutirões · filas de jobs</h1><span id="updated" class="muted" style="color:#e0f2f1"></span><span class="sp"></span>
<label>Token JWT de administrador <input id="token" type="password" autocomplete="off" placeholder="Bearer token"></label><span id="who" class="pill">anônimo (somente leitura)</span></header>
<main>
<section><h2>Workers online</h2><table id="workers"><thead><tr><th>instância</th><th>host/pid</th><th>concorrência</th><th>ativos</th><th>processados</th><th>último sinal</th></tr></thead><tbody></tbody></table></section>
<section class="wide"><h2>Filas</h2><table id="queues"><thead><tr><th>fila</th><th>aguardando</th><th>ativos</th><th>agendados</th><th>concluídos</th><th>falhos</th><th>mortos</th></tr></thead><tbody></tbody></table></section>
<section class="wide"><h2>Vazão e falhas (jobs por 10 s, últimos 30 min) <span class="muted" id="rate"></span></h2><svg id="chart" width="100%" height="180" viewBox="0 0 900 180" preserveAspectRatio="none"></svg>
<div class="muted"><span style="color:#0d9488">■</span> concluídos <span style="color:#dc2626">■</span> falhas <span style="color:#f59e0b">■</span> novas tentativas</div></section>
<section class="wide"><h2>Jobs</h2>
<div>fila <select id="jq"></select> estado <select id="js"><option>waiting</option><option>active</option><option>delayed</option><option selected>failed</option><option>succeeded</option><option>dead</option></select>
<button id="prev">‹</button> <span id="pageinfo"></span> <button id="next">›</button></div>
<table id="jobs"><thead><tr><th>id</th><th>criado</th><th>request id</th><th>tentativas restantes</th><th>erro</th><th>ações</th></tr></thead><tbody></tbody></table>
<div id="detail"></div></section>
<section><h2>Beat</h2><div id="beat"></div></section>
<section><h2>Broker (Redis Sentinel)</h2><div id="broker"></div></section>
</main>
<script>${SCRIPT}</script></body></html>`;
