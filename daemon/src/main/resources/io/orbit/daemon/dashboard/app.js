// Orbit's dashboard: one page, no build step. Everything it shows comes from the daemon's API (/status, /events,
// /services/NAME/logs) through one Server-Sent Events stream (/ui/stream) per page; changes go to the API's own
// endpoints with the token as a header. Text from the daemon is only ever set as textContent, never as HTML.

const TOKEN_KEY = 'orbit-api-token';
const THEME_KEY = 'orbit-theme';
const MAX_EVENTS = 500;
const MAX_LOG_LINES = 2000;
const STATES = ['Ready', 'Starting', 'Unhealthy', 'BackOff', 'CrashLoop', 'Down'];

const state = {
  overview: { services: [], health: {}, problems: [] },
  events: [],
  lastSequence: 0,
  series: null,
  session: { changes: false, error: 'checking…' },
  route: { page: 'overview' },
  stream: null,
  logs: null,
  charts: new Map(),
};

// ---- small DOM helpers --------------------------------------------------------------------------------------
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}
const $ = (id) => document.getElementById(id);

/** Replaces a region's content only when its data changed, and keeps the keyboard focus where it was. */
function update(region, signature, build) {
  if (region.dataset.signature === signature) return;
  const focused = document.activeElement;
  const focusKey = focused && region.contains(focused) ? focused.dataset.key : null;
  region.replaceChildren(...[build()].flat().filter((child) => child !== null && child !== undefined && child !== false));
  region.dataset.signature = signature;
  if (focusKey) region.querySelector(`[data-key="${CSS.escape(focusKey)}"]`)?.focus();
}

function say(text, isError = false) {
  const message = $('message');
  message.textContent = text;
  message.classList.toggle('error', isError);
}

function time(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleTimeString();
}

// ---- the token and the session ------------------------------------------------------------------------------
function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

async function checkSession(candidate = token()) {
  const headers = candidate ? { Authorization: `Bearer ${candidate}` } : {};
  const answer = await fetch('/ui/session', { headers, cache: 'no-store' });
  return answer.json();
}

async function refreshSession() {
  try {
    state.session = await checkSession();
  } catch (e) {
    state.session = { changes: false, error: `cannot reach the daemon: ${e.message}` };
  }
  renderAccess();
  render();
}

function renderAccess() {
  const access = $('access');
  const button = $('token');
  if (state.session.changes) {
    access.textContent = `Changes allowed (${token() ? 'API token of this tab' : 'trusted caller'}).`;
    access.className = 'access ok';
    button.textContent = token() ? 'Forget token' : 'Enter API token';
  } else {
    access.textContent = `Read-only: ${state.session.error || 'changes are refused'}` +
      (state.session.fix ? ` — ${state.session.fix}` : '');
    access.className = 'access';
    button.textContent = 'Enter API token';
  }
}

function setupToken() {
  const dialog = $('token-dialog');
  $('token').addEventListener('click', () => {
    if (token()) {
      sessionStorage.removeItem(TOKEN_KEY);
      refreshSession();
      return;
    }
    $('token-error').textContent = '';
    $('token-input').value = '';
    dialog.showModal();
    $('token-input').focus();
  });
  $('token-cancel').addEventListener('click', () => dialog.close());
  $('token-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const candidate = $('token-input').value.trim();
    if (!candidate) return;
    const answer = await checkSession(candidate);
    if (!answer.changes) {
      $('token-error').textContent = `${answer.error}${answer.fix ? ` — ${answer.fix}` : ''}`;
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, candidate);
    $('token-input').value = '';
    dialog.close();
    state.session = answer;
    renderAccess();
    render();
    say('Token accepted: the action buttons are enabled in this tab.');
  });
}

/** A change through the API, as the CLI makes it; the journal says "by a token holder via the dashboard". */
async function change(path, body) {
  const headers = { 'Orbit-Client': 'dashboard' };
  if (token()) headers.Authorization = `Bearer ${token()}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  say('Sending…');
  try {
    const answer = await fetch(path, {
      method: 'POST', headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store',
    });
    const json = await answer.json().catch(() => ({}));
    if (answer.ok) say(json.message || 'Done.');
    else say(`${answer.status}: ${json.error || 'refused'}${json.fix ? ` — ${json.fix}` : ''}`, true);
  } catch (e) {
    say(`The daemon did not answer: ${e.message}`, true);
  }
}

// ---- the stream ---------------------------------------------------------------------------------------------
function connect() {
  state.stream?.close();
  const service = state.route.page === 'service' ? state.route.service : null;
  const url = service ? `/ui/stream?service=${encodeURIComponent(service)}` : '/ui/stream';
  const stream = new EventSource(url);
  state.stream = stream;
  state.series = null;
  stream.addEventListener('open', () => live('live', true));
  stream.addEventListener('error', () => live('reconnecting…', false));
  stream.addEventListener('status', (event) => {
    state.overview = JSON.parse(event.data);
    render();
  });
  stream.addEventListener('journal', (event) => {
    const entries = JSON.parse(event.data).filter((entry) => entry.sequence > state.lastSequence);
    if (entries.length === 0) return;
    state.lastSequence = entries[entries.length - 1].sequence;
    state.events.push(...entries);
    if (state.events.length > MAX_EVENTS) state.events.splice(0, state.events.length - MAX_EVENTS);
    render();
  });
  stream.addEventListener('series', (event) => {
    state.series = JSON.parse(event.data);
    renderCharts();
  });
}

function live(text, ok) {
  const pill = $('live');
  pill.textContent = `stream: ${text}`;
  pill.className = `pill ${ok ? 'ok' : 'warn'}`;
}

// ---- routing ------------------------------------------------------------------------------------------------
function route() {
  const match = /^#\/service\/(.+)$/.exec(location.hash);
  const next = match ? { page: 'service', service: decodeURIComponent(match[1]) } : { page: 'overview' };
  const changed = next.page !== state.route.page || next.service !== state.route.service;
  state.route = next;
  if (!changed && state.stream) return;
  stopLogs();
  destroyCharts();
  $('main').replaceChildren();
  $('main').dataset.page = next.page;
  connect();
  render();
  if (next.page === 'service') startLogs();
  document.title = next.page === 'service' ? `${next.service} · Orbit` : 'Orbit dashboard';
}

// ---- rendering ----------------------------------------------------------------------------------------------
function render() {
  renderHealth();
  if (state.route.page === 'service') renderService();
  else renderOverview();
}

function renderHealth() {
  const health = state.overview.health || {};
  const pill = $('health');
  const ok = health.status === 'ok';
  pill.textContent = ok ? `engine: ${health.engine} · daemon: ok` : `engine: ${health.status || 'unknown'}`;
  pill.className = `pill ${ok ? 'ok' : 'bad'}`;
  pill.title = [health.error, ...(health.warnings || [])].filter(Boolean).join('\n');
}

function region(id, className) {
  let element = document.getElementById(id);
  if (!element) {
    element = h('section', { id, class: className || null });
    $('main').append(element);
  }
  return element;
}

function readyCount(service) {
  return service.pods.filter((pod) => pod.state === 'Ready').length;
}

function statePill(stateName, label) {
  const known = STATES.includes(stateName) ? stateName : 'Down';
  return h('span', { class: `state state-${known.toLowerCase()}`, 'data-state': stateName }, label ?? stateName);
}

function nodePorts(service) {
  return (service.service_urls || []).map((url) =>
    h('a', { href: `http://${location.hostname}:${url.node_port}/`, 'data-key': `port-${service.service_name}-${url.node_port}`,
      rel: 'noopener' }, `:${url.node_port}`));
}

function rolloutView(rollout) {
  if (!rollout || rollout.phase === 'unknown') return h('span', { class: 'muted' }, '—');
  if (rollout.phase === 'complete') return h('span', { class: 'muted' }, 'complete');
  const wanted = Math.max(1, rollout.wanted || 0);
  return h('div', { class: 'rollout' },
    h('progress', { max: wanted, value: Math.min(rollout.ready || 0, wanted),
      'aria-label': `rollout ${rollout.phase}: ${rollout.ready} of ${rollout.wanted} new pods ready` }),
    h('span', {}, `${rollout.phase.replace('_', ' ')} ${rollout.ready}/${rollout.wanted}`),
    rollout.message ? h('small', {}, rollout.message) : null);
}

function autoscalerView(autoscaler) {
  if (!autoscaler || !autoscaler.enabled) return h('span', { class: 'muted' }, 'off');
  const decision = autoscaler.last_decision;
  return h('div', { class: 'decision' },
    autoscaler.pinned_replicas !== null && autoscaler.pinned_replicas !== undefined
      ? h('strong', {}, `pinned at ${autoscaler.pinned_replicas}. `) : null,
    decision ? h('span', {}, `${decision.direction} ${decision.from}→${decision.to} (${decision.reason}) at ${time(decision.at)}: `,
      h('small', {}, decision.explanation)) : h('span', { class: 'muted' }, 'no decision yet'));
}

function renderOverview() {
  const { services, problems } = state.overview;
  update(region('problems'), JSON.stringify(problems), () => problems.length === 0 ? [] : [
    h('h2', {}, `Problems from the last configuration load (${problems.length})`),
    h('ul', { class: 'problems' }, problems.map((problem) => h('li', { class: `problem ${problem.severity}` },
      h('code', {}, problem.file), ' ', h('code', {}, problem.field), ': ', problem.message))),
  ]);
  const signature = JSON.stringify(services.map((s) => [s.service_name, s.desired_replicas, s.pods.map((p) => [p.pod_number, p.state]),
    s.service_urls, s.rollout, s.autoscaler, s.last_error]));
  update(region('services'), signature, () => [
    h('h1', {}, 'Services'),
    services.length === 0 ? h('p', { class: 'muted' }, 'No service is defined: put a service file in the daemon\'s config directory.') :
      h('div', { class: 'scroll' }, h('table', { class: 'services' },
        h('caption', { class: 'sr-only' }, 'Every service with its pods, node ports, rollout and autoscaler'),
        h('thead', {}, h('tr', {}, ['Service', 'Pods ready', 'Pod states', 'Node ports', 'Rollout', 'Autoscaler']
          .map((title) => h('th', { scope: 'col' }, title)))),
        h('tbody', {}, services.map((service) => h('tr', { 'data-service': service.service_name },
          h('th', { scope: 'row' }, h('a', { href: `#/service/${encodeURIComponent(service.service_name)}`,
            'data-key': `service-${service.service_name}` }, service.service_name),
            service.last_error ? h('small', { class: 'error' }, service.last_error) : null),
          h('td', { class: 'counts', 'data-ready': readyCount(service), 'data-desired': service.desired_replicas },
            `${readyCount(service)}/${service.desired_replicas}`),
          h('td', {}, h('div', { class: 'states' }, service.pods.map((pod) => statePill(pod.state, `${pod.pod_number} ${pod.state}`)))),
          h('td', {}, nodePorts(service)),
          h('td', {}, rolloutView(service.rollout)),
          h('td', {}, autoscalerView(service.autoscaler))))))),
  ]);
  renderEvents(region('events'), state.events.slice(-20), 'Recent events');
}

function renderEvents(element, events, title) {
  const newest = events.slice().reverse();
  update(element, JSON.stringify([title, newest.map((entry) => entry.sequence)]), () => [
    h('h2', {}, title),
    newest.length === 0 ? h('p', { class: 'muted' }, 'Nothing yet.') :
      h('ol', { class: 'events', 'aria-live': 'polite' }, newest.map((entry) => h('li', { 'data-kind': entry.kind },
        h('time', { datetime: entry.time }, time(entry.time)), ' ',
        h('span', { class: 'kind' }, entry.kind), ' ',
        entry.service && state.route.page !== 'service' ? h('a', { href: `#/service/${encodeURIComponent(entry.service)}` }, entry.service) : null,
        ' ', entry.message))),
  ]);
}

function renderService() {
  const name = state.route.service;
  const service = state.overview.services.find((s) => s.service_name === name);
  const head = region('service-head');
  if (!service) {
    update(head, 'missing', () => [h('p', {}, h('a', { href: '#/' }, '← Services')),
      h('h1', {}, name), h('p', { class: 'muted' }, 'No such service (yet): it appears here once the daemon has its status.')]);
    return;
  }
  update(head, JSON.stringify([service.desired_replicas, readyCount(service), service.file, service.rollout, service.autoscaler, service.last_error]), () => [
    h('p', {}, h('a', { href: '#/' }, '← Services')),
    h('h1', {}, name, ' ', h('span', { class: 'counts', 'data-ready': readyCount(service), 'data-desired': service.desired_replicas },
      `${readyCount(service)}/${service.desired_replicas} ready`)),
    h('p', { class: 'muted' }, `${service.file || ''} · instances ${service.min_instances}–${service.max_instances}`,
      ' · node ports ', nodePorts(service)),
    service.last_error ? h('p', { class: 'error' }, service.last_error) : null,
    h('div', { class: 'row' }, h('span', {}, 'Rollout: '), rolloutView(service.rollout)),
    h('div', { class: 'row' }, h('span', {}, 'Autoscaler: '), autoscalerView(service.autoscaler)),
  ]);
  renderActions(region('actions'), service);
  renderPods(region('pods'), service);
  ensureChartsRegion();
  renderEvents(region('service-events'), state.events.filter((entry) => entry.service === name).slice(-100), 'Events');
  ensureLogsRegion(service);
}

function renderActions(element, service) {
  const allowed = state.session.changes;
  const desired = service.desired_replicas;
  const path = `/services/${encodeURIComponent(service.service_name)}`;
  const why = allowed ? null : 'access';
  const signature = JSON.stringify([allowed, desired, service.min_instances, service.max_instances]);
  update(element, signature, () => [
    h('h2', {}, 'Actions'),
    h('div', { class: 'actions', role: 'group', 'aria-label': 'Change this service' },
      h('button', { type: 'button', 'data-key': 'scale-down', 'data-action': 'scale-down', disabled: !allowed || desired <= service.min_instances,
        'aria-describedby': why, 'aria-label': `Scale down to ${desired - 1}`, onclick: () => change(`${path}/scale`, { replicas: desired - 1 }) }, '−'),
      h('span', { class: 'replicas', 'aria-label': 'desired replicas' }, String(desired)),
      h('button', { type: 'button', 'data-key': 'scale-up', 'data-action': 'scale-up', disabled: !allowed || desired >= service.max_instances,
        'aria-describedby': why, 'aria-label': `Scale up to ${desired + 1}`, onclick: () => change(`${path}/scale`, { replicas: desired + 1 }) }, '+'),
      h('label', { for: 'pin-input' }, 'Pin at'),
      h('input', { id: 'pin-input', type: 'number', min: service.min_instances, max: service.max_instances, value: desired,
        disabled: !allowed, 'data-key': 'pin-input', inputmode: 'numeric' }),
      h('button', { type: 'button', 'data-key': 'pin', 'data-action': 'pin', disabled: !allowed, 'aria-describedby': why,
        onclick: () => change(`${path}/scale`, { replicas: Number($('pin-input').value) }) }, 'Pin'),
      h('button', { type: 'button', 'data-key': 'auto', 'data-action': 'auto', disabled: !allowed, 'aria-describedby': why,
        onclick: () => change(`${path}/scale`, { replicas: 'auto' }) }, 'Back to auto'),
      h('button', { type: 'button', 'data-key': 'restart', 'data-action': 'restart', disabled: !allowed, 'aria-describedby': why,
        onclick: () => change(`${path}/restart`) }, 'Restart'),
      h('button', { type: 'button', 'data-key': 'undo', 'data-action': 'undo', disabled: !allowed, 'aria-describedby': why,
        onclick: () => change(`${path}/rollout/undo`) }, 'Rollout undo'),
      h('button', { type: 'button', 'data-key': 'retry', 'data-action': 'retry', disabled: !allowed, 'aria-describedby': why,
        onclick: () => change(`${path}/rollout/retry`) }, 'Rollout retry')),
  ]);
}

function limitText(limit) {
  if (!limit) return '—';
  const rate = (bps) => (bps === null || bps === undefined ? null : `${(bps / 1e6).toFixed(1)} Mbit/s`);
  const text = [rate(limit.ingress_rate_bps) && `in ${rate(limit.ingress_rate_bps)}`, rate(limit.egress_rate_bps) && `out ${rate(limit.egress_rate_bps)}`]
    .filter(Boolean).join(', ');
  return limit.enforced ? text : `${text} (not enforced: ${limit.problem})`;
}

function renderPods(element, service) {
  const signature = JSON.stringify(service.pods.map((pod) => [pod.pod_number, pod.state, pod.restart_count, pod.last_restart_reason,
    pod.problem, pod.containers.map((c) => [c.name, c.state, c.ip_address, c.image, c.exit_code, c.health_status?.state,
      c.health_status?.last_exit, c.network_limit])]));
  update(element, signature, () => [
    h('h2', {}, 'Pods'),
    h('div', { class: 'scroll' }, h('table', { class: 'pods' },
      h('caption', { class: 'sr-only' }, 'Pods and their containers'),
      h('thead', {}, h('tr', {}, ['Pod', 'State', 'Restarts', 'Last exit', 'Container', 'Container state', 'IP', 'Image', 'Health', 'Network limit']
        .map((title) => h('th', { scope: 'col' }, title)))),
      h('tbody', {}, service.pods.flatMap((pod) => pod.containers.map((container, index) => h('tr', {
        'data-pod': pod.pod_number, 'data-state': pod.state, 'data-restarts': pod.restart_count },
      index === 0 ? h('th', { scope: 'row', rowspan: pod.containers.length }, String(pod.pod_number)) : null,
      index === 0 ? h('td', { rowspan: pod.containers.length }, statePill(pod.state), pod.problem ? h('small', { class: 'error' }, pod.problem) : null) : null,
      index === 0 ? h('td', { rowspan: pod.containers.length }, String(pod.restart_count),
        pod.last_restart_reason ? h('small', {}, pod.last_restart_reason) : null) : null,
      h('td', {}, container.health_status?.last_exit || (container.exit_code !== null && container.exit_code !== undefined && container.state !== 'running' ? `exit ${container.exit_code}` : '—')),
      h('td', {}, container.container_name),
      h('td', {}, container.state),
      h('td', {}, container.ip_address || '—'),
      h('td', {}, h('code', {}, container.image)),
      h('td', {}, container.health_status ? `${container.health_status.state}${container.health_status.message ? `: ${container.health_status.message}` : ''}` : '—'),
      h('td', {}, limitText(container.network_limit)))))))),
  ]);
}

// ---- charts -------------------------------------------------------------------------------------------------
const CHARTS = [
  { id: 'traffic', title: 'Requests/s and errors/s (proxy)', unit: '/s', match: (key) => key === 'requests_per_second' || key === 'errors_per_second' },
  { id: 'latency', title: 'Latency p50 / p99, ms (proxy)', unit: 'ms', match: (key) => key.startsWith('latency_'),
    empty: 'No request went through the proxy in the last 15 minutes (points come with traffic on a node_port).' },
  { id: 'cpu', title: 'CPU per pod, % of one CPU', unit: '%', match: (key) => key.startsWith('cpu_pod_'),
    empty: 'CPU and memory are sampled for autoscaled services only (or the engine gives no stats).' },
  { id: 'memory', title: 'Memory per pod, MiB', unit: 'MiB', match: (key) => key.startsWith('memory_mib_pod_'),
    empty: 'CPU and memory are sampled for autoscaled services only (or the engine gives no stats).' },
  { id: 'replicas', title: 'Pods over time, scaling decisions marked', unit: 'pods', match: (key) => key === 'ready_pods' || key === 'desired_pods' },
];
const COLORS = ['#2563eb', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#dc2626'];
// Fixed colours where a series has a meaning: errors and p99 red, what is wanted grey.
const NAMED = { requests_per_second: '#2563eb', errors_per_second: '#dc2626', latency_p50_ms: '#2563eb',
  latency_p99_ms: '#dc2626', ready_pods: '#16a34a', desired_pods: '#64748b' };

function ensureChartsRegion() {
  const element = region('charts');
  if (element.dataset.ready) return;
  element.dataset.ready = 'yes';
  element.append(h('h2', {}, 'Last 15 minutes'), h('div', { class: 'charts' }, CHARTS.map((chart) =>
    h('figure', { class: 'chart', id: `chart-${chart.id}`, 'data-points': 0 },
      h('figcaption', {}, chart.title), h('div', { class: 'plot', role: 'img', 'aria-label': `${chart.title}: no data yet` }),
      h('p', { class: 'muted empty' }, 'No points yet: the daemon samples every 5 s.')))));
  renderCharts();
}

function destroyCharts() {
  for (const chart of state.charts.values()) chart.plot.destroy();
  state.charts.clear();
}

function markersPlugin(markers) {
  return {
    hooks: {
      draw: [(u) => {
        const { ctx } = u;
        ctx.save();
        ctx.strokeStyle = getComputedStyle(document.body).getPropertyValue('--marker') || '#d97706';
        ctx.setLineDash([4, 4]);
        ctx.lineWidth = 1.5 * devicePixelRatio;
        for (const marker of markers()) {
          const x = Math.round(u.valToPos(marker.time, 'x', true));
          if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
          ctx.beginPath();
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x, u.bbox.top + u.bbox.height);
          ctx.stroke();
        }
        ctx.restore();
      }],
    },
  };
}

function renderCharts() {
  const series = state.series;
  if (!series || state.route.page !== 'service' || !window.uPlot) return;
  for (const chart of CHARTS) {
    const figure = document.getElementById(`chart-${chart.id}`);
    if (!figure) continue;
    const keys = Object.keys(series.series).filter(chart.match).sort();
    const columns = keys.map((key) => series.series[key]);
    const points = columns.reduce((sum, column) => sum + column.filter((value) => value !== null).length, 0);
    figure.dataset.points = points;
    const empty = figure.querySelector('.empty');
    empty.hidden = points > 0;
    if (points === 0 && chart.empty) empty.textContent = chart.empty;
    const plotElement = figure.querySelector('.plot');
    const latest = keys.map((key, i) => {
      const value = [...columns[i]].reverse().find((v) => v !== null);
      return `${key.replaceAll('_', ' ')} ${value === undefined ? 'none' : value.toFixed(1)}`;
    }).join(', ');
    plotElement.setAttribute('aria-label', `${chart.title}: ${points} points; latest ${latest || 'none'}`);
    const data = [series.times, ...columns];
    const existing = state.charts.get(chart.id);
    if (existing && existing.keys === keys.join()) {
      existing.plot.setData(data);
      continue;
    }
    existing?.plot.destroy();
    if (keys.length === 0) {
      state.charts.delete(chart.id);
      continue;
    }
    const width = Math.max(260, plotElement.clientWidth || figure.clientWidth || 300);
    // a canvas knows no CSS colours: the theme's, read now (a theme switch redraws the charts)
    const ink = getComputedStyle(document.documentElement).getPropertyValue('--fg').trim() || '#0f172a';
    const plot = new window.uPlot({
      width, height: 180,
      series: [{}, ...keys.map((key, i) => ({ label: key.replaceAll('_', ' '), stroke: NAMED[key] || COLORS[i % COLORS.length], width: 2, spanGaps: false,
        points: { show: true, size: 4 } }))],
      axes: [{ stroke: ink, grid: { stroke: 'rgba(128,128,128,.2)' } },
        { stroke: ink, grid: { stroke: 'rgba(128,128,128,.2)' }, size: 50 }],
      scales: { x: { time: true } },
      plugins: chart.id === 'replicas' ? [markersPlugin(() => state.series?.markers || [])] : [],
    }, data, plotElement);
    state.charts.set(chart.id, { plot, keys: keys.join() });
  }
  const markers = series.markers || [];
  const list = document.getElementById('markers') || document.getElementById('chart-replicas')?.appendChild(h('ul', { id: 'markers', class: 'markers' }));
  if (list) update(list, JSON.stringify(markers), () => markers.slice(-10).reverse().map((marker) =>
    h('li', {}, h('time', {}, time(new Date(marker.time * 1000).toISOString())), ' ', marker.text)));
}

addEventListener('resize', () => {
  for (const [id, chart] of state.charts) {
    const element = document.querySelector(`#chart-${id} .plot`);
    if (element) chart.plot.setSize({ width: Math.max(260, element.clientWidth), height: 180 });
  }
});

// ---- logs ---------------------------------------------------------------------------------------------------
function ensureLogsRegion(service) {
  const element = region('logs');
  const containers = [...new Set(service.pods.flatMap((pod) => pod.containers.map((c) => c.container_name)))].sort();
  if (!element.dataset.ready) {
    element.dataset.ready = 'yes';
    element.append(
      h('h2', {}, 'Logs'),
      h('div', { class: 'actions', role: 'group', 'aria-label': 'Log controls' },
        h('button', { type: 'button', id: 'logs-pause', 'aria-pressed': 'false', onclick: togglePause }, 'Pause'),
        h('label', { for: 'logs-container' }, 'Container'),
        h('select', { id: 'logs-container', onchange: renderLogLines }, h('option', { value: '' }, 'all')),
        h('label', { for: 'logs-stream' }, 'Stream'),
        h('select', { id: 'logs-stream', onchange: renderLogLines }, ['', 'stdout', 'stderr'].map((s) => h('option', { value: s }, s || 'both'))),
        h('label', { for: 'logs-tail' }, 'Tail'),
        h('select', { id: 'logs-tail', onchange: () => { stopLogs(); startLogs(); } }, [50, 100, 500, 1000].map((n) => h('option', { value: n, selected: n === 100 }, String(n)))),
        h('span', { id: 'logs-state', class: 'muted', role: 'status' }, '')),
      h('pre', { id: 'logs-lines', class: 'logs', tabindex: 0, 'aria-label': 'Container output, newest last' }));
  }
  const select = $('logs-container');
  const signature = containers.join();
  if (select.dataset.signature !== signature) {
    const chosen = select.value;
    select.replaceChildren(h('option', { value: '' }, 'all'), ...containers.map((name) => h('option', { value: name, selected: name === chosen }, name)));
    select.dataset.signature = signature;
  }
}

function stopLogs() {
  state.logs?.abort.abort();
  state.logs = null;
}

async function startLogs() {
  const service = state.route.service;
  const abort = new AbortController();
  const logs = { abort, lines: [], paused: false, held: 0 };
  state.logs = logs;
  const tail = $('logs-tail')?.value || 100;
  logState('connecting…');
  try {
    const answer = await fetch(`/services/${encodeURIComponent(service)}/logs?follow=true&tail=${tail}`, { signal: abort.signal, cache: 'no-store' });
    if (!answer.ok) {
      const json = await answer.json().catch(() => ({}));
      logState(`logs: ${answer.status} ${json.error || ''}`);
      return;
    }
    logState('following');
    const reader = answer.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let newline;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const text = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (text.trim()) addLogLine(logs, JSON.parse(text));
      }
    }
    if (state.logs === logs) logState('the log stream ended; change the tail to follow again');
  } catch (e) {
    if (e.name !== 'AbortError') logState(`logs: ${e.message}`);
  }
}

function logState(text) {
  const element = $('logs-state');
  if (element) element.textContent = text;
}

function addLogLine(logs, line) {
  if (state.logs !== logs) return;
  logs.lines.push(line);
  if (logs.lines.length > MAX_LOG_LINES) logs.lines.shift();
  if (logs.paused) {
    logs.held += 1;
    logState(`paused: ${logs.held} new line(s) held`);
    return;
  }
  const pre = $('logs-lines');
  if (!pre || !matches(line)) return;
  const stick = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
  pre.append(logElement(line));
  while (pre.childElementCount > MAX_LOG_LINES) pre.firstElementChild.remove();
  if (stick) pre.scrollTop = pre.scrollHeight;
}

function matches(line) {
  if (line.notice) return true;
  const container = $('logs-container')?.value;
  const stream = $('logs-stream')?.value;
  return (!container || line.container === container) && (!stream || line.stream === stream);
}

function logElement(line) {
  if (line.notice) return h('span', { class: 'notice' }, `— ${line.notice}\n`);
  return h('span', { class: `line ${line.stream}`, 'data-container': line.container, 'data-stream': line.stream },
    h('span', { class: 'meta' }, `${line.pod}/${line.container} `), `${line.text}\n`);
}

function renderLogLines() {
  const pre = $('logs-lines');
  if (!pre || !state.logs) return;
  pre.replaceChildren(...state.logs.lines.filter(matches).map(logElement));
  pre.scrollTop = pre.scrollHeight;
}

function togglePause() {
  const logs = state.logs;
  if (!logs) return;
  logs.paused = !logs.paused;
  $('logs-pause').textContent = logs.paused ? 'Follow' : 'Pause';
  $('logs-pause').setAttribute('aria-pressed', String(logs.paused));
  if (!logs.paused) {
    logs.held = 0;
    logState('following');
    renderLogLines();
  }
}

// ---- theme --------------------------------------------------------------------------------------------------
function setupTheme() {
  const saved = localStorage.getItem(THEME_KEY);
  if (saved) document.documentElement.dataset.theme = saved;
  $('theme').addEventListener('click', () => {
    const dark = document.documentElement.dataset.theme
      ? document.documentElement.dataset.theme === 'dark'
      : matchMedia('(prefers-color-scheme: dark)').matches;
    document.documentElement.dataset.theme = dark ? 'light' : 'dark';
    localStorage.setItem(THEME_KEY, document.documentElement.dataset.theme);
    destroyCharts();
    renderCharts();
  });
}

// ---- hidden tabs ----------------------------------------------------------------------------------------------
// A browser gives a host only 6 connections (HTTP/1.1), shared by all its tabs; each page holds its stream and, on a
// service page, a log follow. A tab in the background therefore lets go of both, and takes them up again (with the
// current status and the journal entries it missed) when it is shown.
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') {
    state.stream?.close();
    state.stream = null;
    stopLogs();
    live('paused while the tab is hidden', false);
  } else if (!state.stream) {
    connect();
    if (state.route.page === 'service') {
      $('logs-lines')?.replaceChildren();
      startLogs();
    }
  }
});

// ---- start --------------------------------------------------------------------------------------------------
setupTheme();
setupToken();
addEventListener('hashchange', route);
route();
refreshSession();
