/// report.html as a Mustache template (swift-mustache renders `ReportPage` into it, escaping every
/// `{{value}}` for HTML). One self-contained page: inline CSS, inline SVG timelines, a few lines
/// of script to sort and filter; the thumbnails are JPEG files under thumbs/, loaded lazily.
enum ReportPageTemplate {
    static let text = #"""
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}}</title>
<style>
:root { --ink: #1d2330; --muted: #667085; --line: #e3e6ec; --bg: #f5f6f8; --card: #fff;
        --soft: #e53935; --ok: #2e7d32; --warn: #b26a00; --score: #1e6fd9; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: var(--ink); background: var(--bg); }
header { padding: 20px 28px 8px; }
h1 { margin: 0 0 2px; font-size: 22px; font-weight: 650; }
.subtitle { color: var(--muted); margin: 0 0 16px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin-bottom: 8px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 16px; min-width: 130px; }
.card .value { font-size: 24px; font-weight: 650; font-variant-numeric: tabular-nums; }
.card .value.bad { color: var(--soft); }
.card .value.warn { color: var(--warn); }
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; padding: 8px 28px 12px; color: var(--muted); }
.toolbar button { font: inherit; border: 1px solid var(--line); background: var(--card); color: var(--ink);
                  border-radius: 6px; padding: 4px 12px; cursor: pointer; }
.toolbar button[aria-pressed="true"] { background: var(--ink); color: #fff; border-color: var(--ink); }
.toolbar label { margin-left: 12px; cursor: pointer; }
.legend { margin-left: auto; font-size: 12px; }
.key { display: inline-block; width: 18px; height: 10px; vertical-align: middle; margin: 0 2px 0 8px; }
.key.line { height: 0; border-top: 2px solid var(--score); }
.key.dash { height: 0; border-top: 2px dashed var(--soft); }
.key.shade { background: var(--soft); opacity: .25; }
.key.blur { background: linear-gradient(90deg, #ffe600, #ff2a00); opacity: .8; }
main { padding: 0 28px 28px; }
table { width: 100%; border-collapse: separate; border-spacing: 0; background: var(--card);
        border: 1px solid var(--line); border-radius: 8px; }
thead th { position: sticky; top: 0; background: #fafbfc; text-align: left; font-weight: 600; color: var(--muted);
           font-size: 12px; text-transform: uppercase; letter-spacing: .04em; padding: 8px 12px;
           border-bottom: 1px solid var(--line); z-index: 1; }
tbody { content-visibility: auto; contain-intrinsic-size: auto 90px; }
tbody td { padding: 10px 12px; vertical-align: top; border-top: 1px solid var(--line); }
tbody tr.detail td { border-top: none; padding-top: 0; }
table.only tbody[data-look="false"] { display: none; }
.name { font-weight: 600; word-break: break-all; }
.path, .note { color: var(--muted); font-size: 12px; word-break: break-all; }
.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
.badge { display: inline-block; border-radius: 999px; padding: 1px 9px; font-size: 12px; font-weight: 600; }
.badge.ok { background: #e7f4e8; color: var(--ok); }
.badge.partial { background: #fff1d6; color: var(--warn); }
.badge.failed { background: #fde3e2; color: var(--soft); }
.badge.pending { background: #eceef2; color: var(--muted); }
.softcount { color: var(--soft); font-weight: 600; }
td.timeline { width: 34%; min-width: 220px; }
svg.strip { display: block; width: 100%; height: 44px; background: #fafbfc; border: 1px solid var(--line); border-radius: 4px; }
svg.strip .shot { fill: var(--soft); fill-opacity: .22; }
svg.strip .threshold { stroke: var(--soft); stroke-dasharray: 4 3; stroke-width: 1; vector-effect: non-scaling-stroke; }
svg.strip polyline { fill: none; stroke: var(--score); stroke-width: 1.5; vector-effect: non-scaling-stroke; stroke-linejoin: round; }
.shots { display: flex; flex-wrap: wrap; gap: 10px; }
figure { margin: 0; width: 200px; }
figure img { display: block; width: 200px; height: auto; border-radius: 4px; background: #dde1e7; }
figure .noimage { display: flex; align-items: center; justify-content: center; width: 200px; height: 112px;
                  border-radius: 4px; background: #eceef2; color: var(--muted); font-size: 12px; text-align: center; padding: 8px; }
figcaption { font-size: 12px; margin-top: 4px; }
figcaption .range { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 11px; white-space: nowrap; }
figcaption .low { color: var(--soft); }
figcaption .kind { font-weight: 600; }
.axis { display: flex; justify-content: space-between; color: var(--muted); font-size: 11px;
        font-family: ui-monospace, "DejaVu Sans Mono", monospace; margin-top: 2px; }
.error { color: var(--soft); }
.more { align-self: center; color: var(--muted); font-size: 12px; }
details { margin-top: 16px; color: var(--muted); }
details li { word-break: break-all; }
</style>
</head>
<body>
<header>
<h1>{{title}}</h1>
<p class="subtitle">{{subtitle}}</p>
<div class="cards">
{{#cards}}<div class="card"><div class="value {{tone}}">{{value}}</div><div class="label">{{label}}</div></div>
{{/cards}}
</div>
</header>
<div class="toolbar">
Sort by
<button type="button" data-sort="worst" aria-pressed="true">Worst score</button>
<button type="button" data-sort="soft" aria-pressed="false">Soft time</button>
<button type="button" data-sort="name" aria-pressed="false">Name</button>
<label><input type="checkbox" id="only"> Only clips that need a look</label>
<span class="legend">Timeline: <span class="key line"></span> lowest score (top = sharp)
<span class="key dash"></span> threshold <span class="key shade"></span> soft shot ·
thumbnails: each soft shot's softest frame, <span class="key blur"></span> where it is blurred</span>
</div>
<main>
<table id="clips">
<thead><tr><th>Clip</th><th>Status</th><th>Duration</th><th>Min / mean score</th><th>Soft shots</th><th>Score timeline</th></tr></thead>
{{#clips}}
<tbody class="clip" data-name="{{name}}" data-worst="{{sortWorst}}" data-soft="{{sortSoft}}" data-look="{{needsLook}}">
<tr>
<td><div class="name">{{name}}</div><div class="path">{{path}}</div><div class="note">{{timecodeNote}}</div></td>
<td><span class="badge {{status}}">{{status}}</span>{{#statusNote}}<div class="note">{{statusNote}}</div>{{/statusNote}}</td>
<td class="num">{{duration}}</td>
<td class="num">{{minScore}} / {{meanScore}}</td>
<td class="num">{{#hasShots}}<span class="softcount">{{shotCount}}</span>{{/hasShots}}{{^hasShots}}{{shotCount}}{{/hasShots}}<div class="note">{{softTime}}</div></td>
<td class="timeline">{{#strip}}<svg class="strip" viewBox="0 0 {{width}} {{height}}" preserveAspectRatio="none" role="img" aria-label="score timeline">
{{#shots}}<rect class="shot" x="{{x}}" y="0" width="{{width}}" height="{{height}}"><title>{{label}}</title></rect>{{/shots}}
<line class="threshold" x1="0" x2="{{width}}" y1="{{thresholdY}}" y2="{{thresholdY}}"/>
{{#lines}}<polyline points="{{.}}"/>{{/lines}}
</svg><div class="axis"><span>{{startLabel}}</span><span>{{endLabel}}</span></div>{{/strip}}</td>
</tr>
{{#error}}<tr class="detail"><td colspan="6" class="error">{{error}}</td></tr>{{/error}}
{{#hasShots}}<tr class="detail"><td colspan="6"><div class="shots">
{{#shots}}<figure>{{#image}}<a href="{{image}}"><img src="{{image}}" loading="lazy" decoding="async" width="{{imageWidth}}" height="{{imageHeight}}" alt="soft shot {{number}}"></a>{{/image}}{{#missing}}<div class="noimage">{{missing}}</div>{{/missing}}
<figcaption><span class="range">{{range}}</span><br><b>#{{number}}</b> · {{duration}} · min <b class="low">{{minScore}}</b>{{#blurType}} · <span class="kind">{{blurType}}</span>{{/blurType}}</figcaption></figure>
{{/shots}}{{#moreShots}}<div class="more">{{moreShots}}</div>{{/moreShots}}
</div></td></tr>{{/hasShots}}
</tbody>
{{/clips}}
</table>
{{#hasSkipped}}<details><summary>{{skippedCount}} file(s) skipped: not clips</summary><ul>
{{#skipped}}<li>{{name}}: {{reason}}</li>
{{/skipped}}</ul></details>{{/hasSkipped}}
</main>
<script>
(function () {
  var table = document.getElementById("clips");
  var buttons = document.querySelectorAll("button[data-sort]");
  function number(body, key) { return parseFloat(body.getAttribute("data-" + key)); }
  function byName(a, b) { return a.getAttribute("data-name").localeCompare(b.getAttribute("data-name")); }
  var orders = {
    worst: function (a, b) { return number(a, "worst") - number(b, "worst") || byName(a, b); },
    soft: function (a, b) { return number(b, "soft") - number(a, "soft") || number(a, "worst") - number(b, "worst") || byName(a, b); },
    name: byName
  };
  buttons.forEach(function (button) {
    button.addEventListener("click", function () {
      var key = button.getAttribute("data-sort");
      Array.prototype.slice.call(table.tBodies).sort(orders[key]).forEach(function (body) { table.appendChild(body); });
      buttons.forEach(function (other) { other.setAttribute("aria-pressed", String(other === button)); });
    });
  });
  document.getElementById("only").addEventListener("change", function (event) {
    table.classList.toggle("only", event.target.checked);
  });
})();
</script>
</body>
</html>
"""#
}
