// pgward's dashboard. Every value from the agent goes into the page as a text node or an attribute, never as markup.
'use strict';
(() => {
  const TOKEN_KEY = 'pgward-agent-token';
  const POLL_MS = 1000;
  const FETCH_TIMEOUT_MS = 4000;
  let state = null;
  // An action was refused for want of the token: the form stays up even where the state needs none
  // (agent_dashboard = public), until a token is entered.
  let actionWantsToken = false;

  const $ = id => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === 'class') node.className = value; else node.setAttribute(name, String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function replace(parent, ...children) { parent.replaceChildren(...children.flat()); }

  function headers(json) {
    const h = {};
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) h['Authorization'] = 'Bearer ' + token;
    if (json) h['Content-Type'] = 'application/json';
    return h;
  }

  async function request(path, init, timeoutMs) {
    const abort = new AbortController();
    const timer = timeoutMs ? setTimeout(() => abort.abort(), timeoutMs) : null;
    try {
      const response = await fetch(path, { cache: 'no-store', ...init, signal: abort.signal });
      let body = null;
      try { body = await response.json(); } catch { body = null; }
      return { status: response.status, ok: response.ok, body };
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  function bytes(n) {
    if (n === null || n === undefined) return '';
    const units = ['B', 'kB', 'MB', 'GB', 'TB'];
    let i = 0;
    let v = n;
    while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return (i === 0 ? String(v) : v.toFixed(1)) + ' ' + units[i];
  }

  function time(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    return isNaN(d) ? String(iso) : d.toLocaleString();
  }

  function yesNo(v) { return v === true ? el('span', { class: 'yes' }, 'yes') : v === false ? 'no' : ''; }

  // Only http(s) URLs become links: a registered agent URL is data, and a javascript: one must not run.
  function safeUrl(url) { return typeof url === 'string' && /^https?:\/\//i.test(url) ? url : null; }

  function setConnection(ok, text) {
    const c = $('connection');
    c.dataset.ok = ok ? 'true' : 'false';
    c.textContent = text;
  }

  function showToken(reason) {
    $('token-reason').textContent = reason;
    $('token-form').hidden = false;
  }

  function showOutcome(title, ok, lines) {
    const box = $('outcome');
    box.hidden = false;
    if (ok === null) delete box.dataset.ok; else box.dataset.ok = ok ? 'true' : 'false';
    $('outcome-title').textContent = title;
    replace($('outcome-lines'), (lines || []).map(line => el('li', {}, line)));
  }

  async function poll() {
    const started = Date.now();
    try {
      const r = await request('/dashboard/state', { headers: headers(false) }, FETCH_TIMEOUT_MS);
      if (r.status === 401 || r.status === 403) {
        setConnection(false, r.body?.error || 'refused');
        showToken((r.body?.error || 'refused') + (r.body?.hint ? ' — ' + r.body.hint : ''));
      } else if (r.ok && r.body) {
        if (!actionWantsToken) $('token-form').hidden = true;
        $('forget-token').hidden = !sessionStorage.getItem(TOKEN_KEY);
        state = r.body;
        render(state);
        setConnection(true, 'updated ' + new Date(state.generated_at).toLocaleTimeString());
      } else {
        setConnection(false, r.body?.error || ('the agent answered ' + r.status));
      }
    } catch (e) {
      // The agent serving the page is gone or hangs: keep the last picture, say so, and offer the others' pages.
      setConnection(false, 'this agent does not answer (' + (e.name === 'AbortError' ? 'timed out' : e.message) + '); try another agent below');
    }
    // Once a second from the start of the last request, not from its end: a slow answer does not slow the cadence.
    setTimeout(poll, Math.max(100, POLL_MS - (Date.now() - started)));
  }

  function render(s) {
    $('served-by').textContent = 'served by ' + s.served_by;
    const problems = s.problem ? [s.problem] : [];
    replace($('warnings'), problems.concat(s.warnings || []).map(w => el('li', {}, w)));
    renderTopology(s.nodes);
    renderNodes(s.nodes);
    renderBackups(s.backup_servers || []);
    renderEvents(s.events || []);
    renderAgents(s.nodes);
    const paused = s.nodes.some(n => n.paused === true);
    $('pause').hidden = paused;
    $('unpause').hidden = !paused;
  }

  function nodeBox(n) {
    return el('span', { class: 'box', 'data-node': n.name },
      el('strong', {}, n.name), ' ', el('span', { class: 'role role-' + n.role }, n.role),
      n.lag_bytes !== null && n.lag_bytes !== undefined ? el('span', { class: 'muted' }, ' lag ' + bytes(n.lag_bytes)) : null,
      n.fenced ? el('span', { class: 'yes' }, ' fenced') : null);
  }

  function renderTopology(nodes) {
    const byId = new Map(nodes.map(n => [n.id, n]));
    const children = new Map();
    const roots = [];
    for (const n of nodes) {
      const up = n.role === 'primary' ? null : n.upstream_id;
      if (up !== null && up !== undefined && byId.has(up) && up !== n.id) {
        if (!children.has(up)) children.set(up, []);
        children.get(up).push(n);
      } else {
        roots.push(n);
      }
    }
    const seen = new Set();
    const branch = n => {
      seen.add(n.id);
      const kids = (children.get(n.id) || []).filter(k => !seen.has(k.id));
      return el('li', {}, n.upstream_id !== null && n.upstream_id !== undefined && n.role !== 'primary' && byId.has(n.upstream_id)
        ? el('span', { class: 'arrow', title: 'streams from ' + byId.get(n.upstream_id).name }, '⟵') : null,
        nodeBox(n), kids.length ? el('ul', {}, kids.map(branch)) : null);
    };
    roots.sort((a, b) => (b.role === 'primary') - (a.role === 'primary') || a.id - b.id);
    replace($('topology'), el('ul', { class: 'tree' }, roots.map(branch)));
  }

  function renderNodes(nodes) {
    const rows = nodes.map(n => {
      const action = n.role === 'standby' && nodes.some(p => p.role === 'primary')
        ? el('button', { type: 'button', class: 'switchover', 'data-candidate': n.name }, 'Switch over to ' + n.name)
        : null;
      if (action) action.addEventListener('click', () => switchover(n.name));
      return el('tr', { 'data-node': n.name, 'data-role': n.role },
        el('td', {}, n.id),
        el('td', { class: 'name' }, n.name),
        el('td', { class: 'role role-' + n.role }, n.role),
        el('td', {}, n.registered_role),
        el('td', {}, n.status),
        el('td', {}, n.upstream_name ? '⟵ ' + n.upstream_name : ''),
        el('td', {}, n.timeline),
        el('td', {}, n.lsn || ''),
        el('td', {}, bytes(n.lag_bytes)),
        el('td', { class: 'term' }, n.failover_term ?? ''),
        el('td', { title: n.failover_note || '' }, n.failover_state || ''),
        el('td', {}, yesNo(n.fenced)),
        el('td', {}, yesNo(n.paused)),
        el('td', { class: n.agent_problem ? 'bad' : '' }, n.agent_problem ? n.agent_problem : 'answers'),
        el('td', {}, action));
    });
    replace($('nodes').tBodies[0], rows);
  }

  function renderBackups(servers) {
    if (servers.length === 0) {
      replace($('backups'), el('p', { class: 'muted' }, 'No backup server is registered.'));
      return;
    }
    replace($('backups'), servers.map(s => el('div', { class: 'server', 'data-backup-server': s.name },
      el('p', {}, el('strong', {}, s.name), ' on ', s.host, ' — ', s.status,
        ' — WAL archive: ', s.wal_streaming === true ? 'streaming' : s.wal_streaming === false ? el('span', { class: 'bad' }, 'not streaming') : 'unknown',
        s.archive_lag_bytes !== null && s.archive_lag_bytes !== undefined ? ', ' + bytes(s.archive_lag_bytes) + ' behind the primary' : '',
        ' — last backup: ', s.last_backup_id || 'none', s.last_backup_time ? ' (' + time(s.last_backup_time) + ')' : ''),
      s.endpoint_problem ? el('p', { class: 'bad' }, s.endpoint_problem) : null,
      s.backups && s.backups.length ? el('table', {},
        el('thead', {}, el('tr', {}, ['ID', 'Status', 'Method', 'Timeline', 'Ended', 'Size'].map(h => el('th', {}, h)))),
        el('tbody', {}, s.backups.map(b => el('tr', {},
          el('td', {}, b.id), el('td', {}, b.status), el('td', {}, b.method), el('td', {}, b.timeline),
          el('td', {}, time(b.end_time)), el('td', {}, bytes(b.data_size)))))) : null)));
  }

  function renderEvents(events) {
    replace($('events').tBodies[0], events.map(e => el('tr', {},
      el('td', {}, time(e.timestamp)),
      el('td', {}, e.node_name || String(e.node_id)),
      el('td', {}, e.event),
      el('td', {}, e.successful ? 'yes' : el('span', { class: 'bad' }, 'no')),
      el('td', { class: 'details' }, e.details || ''))));
  }

  function renderAgents(nodes) {
    replace($('agents'), nodes.map(n => {
      const url = safeUrl(n.agent_url);
      return el('li', {}, url ? el('a', { href: url.replace(/\/+$/, '') + '/dashboard' }, n.name) : n.name,
        url ? el('span', { class: 'muted' }, ' ' + url) : el('span', { class: 'muted' }, ' (no agent URL)'));
    }));
  }

  async function act(path, body, question) {
    if (!window.confirm(question)) return;
    showOutcome(question.replace(/\?$/, '') + ' …', null, []);
    try {
      const r = await request(path, { method: 'POST', headers: headers(true), body: JSON.stringify(body || {}) });
      const b = r.body || {};
      const lines = (b.lines || []).concat(b.error ? ['ERROR: ' + b.error] : [], b.hint ? ['HINT: ' + b.hint] : []);
      showOutcome(b.ok ? 'Done: ' + question.replace(/\?$/, '') : 'Failed (' + r.status + '): ' + (b.error || 'no answer'), b.ok === true, lines);
      if (r.status === 401 || r.status === 403) {
        actionWantsToken = true;
        showToken((b.error || 'refused') + (b.hint ? ' — ' + b.hint : ''));
      }
    } catch (e) {
      showOutcome('No answer from this agent: ' + e.message, false, []);
    }
  }

  function switchover(candidate) {
    return act('/dashboard/switchover', { candidate }, 'Switch over: promote ' + candidate + ' and make the current primary its standby?');
  }

  function init() {
    $('token-form').addEventListener('submit', e => {
      e.preventDefault();
      const value = $('token-input').value.trim();
      $('token-input').value = '';
      if (value) sessionStorage.setItem(TOKEN_KEY, value); else sessionStorage.removeItem(TOKEN_KEY);
      actionWantsToken = false;
      $('token-form').hidden = true;
    });
    $('forget-token').addEventListener('click', () => { sessionStorage.removeItem(TOKEN_KEY); $('forget-token').hidden = true; });
    $('outcome-close').addEventListener('click', () => { $('outcome').hidden = true; });
    $('pause').addEventListener('click', () => act('/dashboard/pause', {}, 'Pause automatic failover on every node?'));
    $('unpause').addEventListener('click', () => act('/dashboard/unpause', {}, 'Unpause automatic failover on every node?'));
    $('pause').hidden = true;
    $('unpause').hidden = true;
    poll();
  }

  init();
})();
