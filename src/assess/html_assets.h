// The fixed style sheet and script of the report page (html.cc). The page's
// Content-Security-Policy allows exactly these two by their SHA-256, so any
// other script or style (an escaping bug, an injected tag) will not run.
#pragma once

namespace safegate::assess::html {

inline constexpr const char* kStyle = R"css(
:root{--fg:#1f2328;--muted:#57606a;--line:#d0d7de;--bg-alt:#f6f8fa}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1400px;padding:16px 24px 48px;color:var(--fg);background:#fff;
 font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
h1{font-size:24px;margin:8px 0 4px}
h2{font-size:20px;margin:32px 0 8px;padding-bottom:4px;border-bottom:2px solid var(--fg)}
h3{font-size:16px;margin:20px 0 6px}
code{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:0.92em;background:var(--bg-alt);
 padding:1px 4px;border-radius:3px;word-break:break-all}
a{color:#0550ae}
.muted{color:var(--muted)}
.overall{font-size:18px;font-weight:700;padding:10px 14px;margin:12px 0;border:3px solid}
.overall.pass{color:#0f5323;background:#dafbe1;border-color:#1a7f37}
.overall.fail{color:#8c1a10;background:#fde2e1;border-color:#b42318;border-style:double}
.overall.none{color:var(--muted);background:var(--bg-alt);border-color:var(--line)}
.counts{list-style:none;padding:0;margin:8px 0;display:flex;flex-wrap:wrap;gap:10px}
.counts li{display:flex;align-items:center;gap:6px}
.counts .count{font-weight:700;font-size:16px}
.badge{display:inline-block;padding:0 6px;border:1px solid;border-radius:3px;font-size:12px;
 font-weight:600;white-space:nowrap;line-height:1.6}
.v-pass{color:#0f5323;background:#dafbe1;border-color:#1a7f37}
.v-fail{color:#8c1a10;background:#fde2e1;border-color:#b42318;border-width:2px;font-weight:800}
.v-small{color:#6b4a00;background:#fff4c2;border-color:#9a6700;border-style:dashed}
.v-na{color:#424a53;background:#eaeef2;border-color:#57606a;border-style:dotted}
.s-ran{color:#0f5323;background:#dafbe1;border-color:#1a7f37}
.s-reused{color:#0a3069;background:#ddf4ff;border-color:#0969da}
.s-not-assessed{color:#424a53;background:#eaeef2;border-color:#57606a;border-style:dotted}
.s-failed{color:#8c1a10;background:#fde2e1;border-color:#b42318;border-width:2px}
.s-other{color:var(--fg);background:#fff;border-color:var(--fg)}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:8px 0}
dl.meta dt,dl.facts dt{font-weight:600}
dl.meta dd,dl.facts dd{margin:0}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px}
nav.toc{margin:8px 0 0;padding:6px 0;border-top:1px solid var(--line);
 border-bottom:1px solid var(--line)}
nav.toc a{margin-right:14px}
.table-wrap{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;font-size:12px;width:100%}
th,td{border:1px solid var(--line);padding:3px 4px;text-align:left;vertical-align:top}
thead th{background:var(--bg-alt);vertical-align:bottom}
tbody tr:nth-child(even){background:#fbfcfd}
tr.r-pass td:first-child{border-left:4px solid #1a7f37}
tr.r-fail td:first-child{border-left:4px double #b42318}
tr.r-small td:first-child{border-left:4px dashed #9a6700}
tr.r-na td:first-child{border-left:4px dotted #57606a}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
th.num{text-align:right}
td.text{min-width:9em}
td.text,td.src,td.scope,td.ev{overflow-wrap:anywhere}
td.src{font-size:11px;color:var(--muted)}
td.id code{word-break:normal;background:none;padding:0}
td.ev a,td.ev span{display:block}
td .badge{white-space:normal;text-align:center}
th button{font:inherit;font-weight:700;color:inherit;background:none;border:0;padding:0;
 cursor:pointer;text-align:inherit}
th button::after{content:" \2195";color:var(--muted);font-weight:400}
th[aria-sort=ascending] button::after{content:" \25B2";color:var(--fg)}
th[aria-sort=descending] button::after{content:" \25BC";color:var(--fg)}
ul.cmds{list-style:none;margin:0;padding:0}
ul.cmds li{margin:1px 0}
.charts{display:flex;flex-wrap:wrap;gap:8px 24px;align-items:flex-start}
figure.chart{margin:8px 0;max-width:100%}
figure.chart figcaption{font-size:12.5px;color:var(--muted);max-width:760px}
figure.oc-chart{width:340px}
figure.oc-chart figcaption{max-width:340px}
svg{max-width:100%;height:auto;display:block}
svg text{font-size:11px;fill:var(--fg)}
svg .grid{stroke:#e1e4e8;stroke-width:1}
svg .axis{stroke:var(--muted);stroke-width:1}
svg .axis-label{fill:var(--muted)}
svg .bar.ok{fill:#5a9e74}
svg .bar.bad{fill:#d9705f;stroke:#000;stroke-width:1.2}
svg .bar.none{fill:#c8c8c8}
svg .bar.plain{fill:#8aa4c8}
svg .whisker{stroke:#000;stroke-width:1.5}
svg path.corrected{fill:#8250df;stroke:none}svg line.corrected{stroke:#8250df;stroke-width:2}
svg .threshold{stroke:#000;stroke-width:1.5;stroke-dasharray:6 4}
svg .thr-label{font-weight:700}
svg .oc{fill:none;stroke:#0969da;stroke-width:2}
svg .marker{fill:#fff;stroke:#000;stroke-width:1.5}
svg .none{fill:var(--muted);font-style:italic}
.empty{color:var(--muted);font-style:italic}
footer{margin-top:40px;color:var(--muted);font-size:12px}
@media print{
 @page{size:A4 landscape;margin:12mm}
 body{max-width:none;padding:0;color:#000;font-size:10pt}
 nav.toc,th button::after{display:none}
 a{color:#000}
 a[href]:not(.path):not([href^="#"])::after{content:" (" attr(href) ")";font-size:85%}
 h2{break-after:avoid;page-break-after:avoid}
 h3{break-after:avoid;page-break-after:avoid}
 section.job{break-before:page;page-break-before:always}
 .table-wrap{overflow:visible}
 table{font-size:8pt}
 thead{display:table-header-group}
 tr,figure,dl,.overall{break-inside:avoid;page-break-inside:avoid}
 tbody tr:nth-child(even){background:none}
 thead th{background:none;border-bottom:2px solid #000}
 th,td{border-color:#777}
 code{background:none;padding:0}
 .badge,.overall,figure.chart figcaption,.muted,td.src{color:#000!important;background:none!important}
 .no-print{display:none}
 svg text{fill:#000}
}
)css";

inline constexpr const char* kScript = R"js(
(function () {
  'use strict';
  function key(row, col, numeric) {
    var cell = row.cells[col];
    var v = !cell ? '' : (cell.hasAttribute('data-sort') ? cell.getAttribute('data-sort')
                                                          : cell.textContent);
    v = v.trim();
    if (!numeric) return v;
    return v === '' ? NaN : Number(v);
  }
  function missing(v, numeric) { return numeric ? isNaN(v) : v === ''; }
  function sortBy(table, th, col) {
    var numeric = th.getAttribute('data-type') === 'num';
    var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
    var heads = table.tHead.rows[0].cells;
    for (var i = 0; i < heads.length; i++) heads[i].removeAttribute('aria-sort');
    th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a, col, numeric), y = key(b, col, numeric);
      var mx = missing(x, numeric), my = missing(y, numeric);
      var c = 0;
      if (mx || my) {
        c = mx === my ? 0 : (mx ? 1 : -1);
      } else if (numeric) {
        c = dir * (x - y);
      } else {
        c = dir * x.localeCompare(y, undefined, {numeric: true, sensitivity: 'base'});
      }
      return c !== 0 ? c : Number(a.getAttribute('data-i')) - Number(b.getAttribute('data-i'));
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  var tables = document.querySelectorAll('table.sortable');
  Array.prototype.forEach.call(tables, function (table) {
    if (!table.tHead || !table.tBodies.length) return;
    Array.prototype.forEach.call(table.tBodies[0].rows, function (r, i) {
      r.setAttribute('data-i', String(i));
    });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      var button = th.querySelector('button');
      if (button) button.addEventListener('click', function () { sortBy(table, th, col); });
    });
  });
  document.documentElement.setAttribute('data-ready', '1');
})();
)js";

}  // namespace safegate::assess::html
