// Small SVG charts drawn in the page (no library, nothing fetched).
const NS = 'http://www.w3.org/2000/svg';

function s(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}

const W = 720, H = 220, L = 44, R = 12, T = 12, B = 28;

function axis(svg, max, fmt) {
  for (let i = 0; i <= 4; i++) {
    const y = T + (H - T - B) * (1 - i / 4);
    svg.append(s('line', { x1: L, x2: W - R, y1: y, y2: y, stroke: '#e6e9ed' }));
    svg.append(s('text', { x: L - 6, y: y + 4, 'text-anchor': 'end' }, fmt(max * i / 4)));
  }
}

// Lines over time. xs: epoch ms; series: [{name, values, color}].
export function lineChart(xs, series) {
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img' });
  const max = Math.max(1, ...series.flatMap((x) => x.values));
  axis(svg, max, (v) => (max < 8 ? v.toFixed(1) : Math.round(v)));
  const n = Math.max(1, xs.length - 1);
  const px = (i) => L + (W - L - R) * i / n;
  const py = (v) => T + (H - T - B) * (1 - v / max);
  const step = Math.max(1, Math.ceil(xs.length / 8));
  xs.forEach((x, i) => {
    if (i % step) return;
    const d = new Date(x);
    const label = xs.length > 48 ? `${d.getMonth() + 1}/${d.getDate()}` : `${String(d.getHours()).padStart(2, '0')}:00`;
    svg.append(s('text', { x: px(i), y: H - 8, 'text-anchor': 'middle' }, label));
  });
  series.forEach((ser, k) => {
    const pts = ser.values.map((v, i) => `${px(i).toFixed(1)},${py(v).toFixed(1)}`).join(' ');
    svg.append(s('polyline', { points: pts, fill: 'none', stroke: ser.color, 'stroke-width': 2, 'data-series': ser.name }));
    svg.append(s('rect', { x: L + 8 + k * 110, y: T, width: 10, height: 10, fill: ser.color }));
    svg.append(s('text', { x: L + 22 + k * 110, y: T + 9 }, ser.name));
  });
  return svg;
}

// Bars; shares in [0,1] when `share`; an optional target line.
export function barChart(labels, values, name, share, target) {
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': name });
  const max = share ? 1 : Math.max(1, ...values);
  axis(svg, max, (v) => (share ? Math.round(v * 100) + '%' : Math.round(v)));
  const bw = (W - L - R) / Math.max(1, labels.length);
  labels.forEach((lab, i) => {
    const v = values[i];
    const hgt = (H - T - B) * (v / max);
    const x = L + i * bw + bw * 0.15;
    const ok = target === undefined || v >= target;
    svg.append(s('rect', { x, y: H - B - hgt, width: bw * 0.7, height: Math.max(0, hgt), fill: ok ? '#1f5fbf' : '#c9d6ea' }));
    svg.append(s('text', { x: x + bw * 0.35, y: H - 8, 'text-anchor': 'middle' }, lab));
    svg.append(s('text', { x: x + bw * 0.35, y: H - B - hgt - 4, 'text-anchor': 'middle' }, share ? (v * 100).toFixed(1) + '%' : String(v)));
  });
  if (target !== undefined) {
    const y = T + (H - T - B) * (1 - target / max);
    svg.append(s('line', { x1: L, x2: W - R, y1: y, y2: y, stroke: '#b3261e', 'stroke-dasharray': '4 3' }));
  }
  return svg;
}
