// Charts for the statistics console: a line over weeks and horizontal bars, drawn as SVG that
// scales to its container. Colours and dashes come from classes (style.css, "Charts"), never from
// inline styles, which the CSP forbids; every number is also in a table under «Данные», for a
// phone and for screen readers (an SVG with role="img" is read as its label alone).
// Imports only the DOM helpers.
import { h } from "./dom.js";

const NS = "http://www.w3.org/2000/svg";
const SERIES_CLASSES = 5;
// Narrow viewBoxes: at 340 px (a phone's card) 14-unit text is still ~11 px; CSS caps the width on a desktop.
const LINE_W = 420, LINE_H = 240, BAR_W = 420, ROW_H = 28, BAR_H = 16;
const CHAR_W = 7.6; // an average digit at 14 units, for margins; the table holds the exact text
const LETTER_W = 8.4; // Cyrillic letters run wider than digits
const LABEL_MAX = 22;

const formats = {
  plain: new Intl.NumberFormat("ru-RU", { maximumFractionDigits: 2 }),
  percent: new Intl.NumberFormat("ru-RU", { maximumFractionDigits: 1 }),
};

const isNumber = (v) => typeof v === "number" && Number.isFinite(v);
const round = (v) => Math.round(v * 10) / 10;
const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
const longest = (texts) => Math.max(1, ...texts.map((t) => String(t).length));

/** Creates an SVG element: svg("line", {x1: 0, …}, children…); strings become text nodes. */
function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== undefined && value !== null && value !== false) el.setAttribute(key, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Tick values from 0 to at least max in 1/2/5 × 10ⁿ steps, at most `count` intervals; 0..1 when there is nothing above 0. */
export function niceTicks(max, count = 5) {
  const top = isNumber(max) && max > 0 ? max : 1;
  const raw = top / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  // The tolerance keeps float noise (0.30000000000000004) from pushing to the next step.
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((v) => v >= raw * (1 - 1e-9));
  const intervals = Math.max(1, Math.ceil(top / step - 1e-9));
  return Array.from({ length: intervals + 1 }, (_, i) => Number((i * step).toPrecision(12)));
}

/** A number the Russian way ("12 345", "4,35"; percent: "45,5 %"); null or not a number is "—". */
export function formatNumber(value, percent = false) {
  if (!isNumber(value)) return "—";
  return percent ? `${formats.percent.format(value)}\u00a0%` : formats.plain.format(value);
}

/** "2026-W48" → "W48": the year is in the tooltip and the table, the axis has no room for it. */
function shortLabel(label) {
  return String(label ?? "").replace(/^\d{4}-(W\d{1,2})$/, "$1");
}

/** The figure around a chart: the title (and a muted caption) above, the legend and data below. */
function figure(title, caption, chart, ...below) {
  return h("figure", { class: "chart" },
    h("figcaption", {},
      h("span", { class: "chart-title" }, title),
      caption ? h("span", { class: "chart-caption" }, caption) : null),
    chart, below);
}

/** The root <svg>: scales to the width, named for assistive technology by the chart's title. */
function svgRoot(title, width, height, ...children) {
  return svg("svg", {
    class: "chart-svg", viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: "xMidYMid meet",
    role: "img", "aria-label": title,
  }, children);
}

/** The numbers as a table inside a closed <details>, so they can be read on a phone too. */
function dataTable(heads, rows, highlight = -1) {
  return h("details", { class: "chart-data" },
    h("summary", {}, "Данные"),
    h("div", { class: "table-wrap" }, h("table", {},
      h("thead", {}, h("tr", {}, heads.map((text) => h("th", { scope: "col" }, text)))),
      h("tbody", {}, rows.map(([label, ...cells], i) =>
        h("tr", { class: i === highlight ? "highlight" : undefined },
          h("th", { scope: "row" }, label),
          cells.map((cell) => h("td", {}, cell))))))));
}

/** A legend: a swatch drawn with the series' own classes (colour and dash), then its name. */
function legend(series) {
  return h("ul", { class: "chart-legend" }, series.map((line, si) => h("li", {},
    svg("svg", { class: `swatch series-${si % SERIES_CLASSES}`, viewBox: "0 0 24 12", "aria-hidden": "true" },
      svg("line", { class: "line", x1: 1, y1: 6, x2: 23, y2: 6 }),
      svg("circle", { class: "point", cx: 12, cy: 6, r: 3.5 })),
    line.name)));
}

/** A line chart over weeks: a line per series, a gap for each null, each series' last value written beside it. */
export function lineChart({ title, labels = [], series = [], percent = false, caption, labelHeading = "Неделя" }) {
  const n = labels.length;
  const found = series.flatMap((line) => (line.values || []).slice(0, n).filter(isNumber));
  const ticks = percent ? niceTicks(Math.min(Math.max(0, ...found), 100)).filter((v) => v <= 100) : niceTicks(Math.max(0, ...found));
  const top = ticks[ticks.length - 1];
  const tickTexts = ticks.map((v) => formatNumber(v, percent));
  const last = series.map((line) => {
    const values = (line.values || []).slice(0, n);
    for (let i = values.length - 1; i >= 0; i -= 1) if (isNumber(values[i])) return { i, value: values[i], text: formatNumber(values[i], percent) };
    return null;
  });

  // Margins fit the longest tick label on the left and the longest last value on the right.
  const left = 8 + CHAR_W * longest(tickTexts);
  const right = 12 + CHAR_W * longest(last.map((l) => (l ? l.text : "")));
  const plotTop = 10, plotBottom = LINE_H - 26, plotW = LINE_W - left - right;
  const x = (i) => round(n <= 1 ? left + plotW / 2 : left + (plotW * i) / (n - 1));
  const y = (v) => round(plotBottom - ((plotBottom - plotTop) * clamp(v, 0, top)) / top);

  const grid = ticks.map((v, i) => svg("g", { class: "tick" },
    svg("line", { class: i === 0 ? "axis" : "grid", x1: left, x2: LINE_W - right, y1: y(v), y2: y(v) }),
    svg("text", { x: left - 6, y: y(v), dy: "0.35em", "text-anchor": "end" }, tickTexts[i])));

  // Every k-th week counted back from the last, so the newest is always labelled and none overlap.
  const short = labels.map(shortLabel);
  const fit = Math.max(2, Math.min(8, Math.floor(plotW / (CHAR_W * longest(short) + 10))));
  const every = n > fit ? Math.ceil(n / fit) : 1;
  const xLabels = short.map((text, i) => ((n - 1 - i) % every === 0
    ? svg("text", { class: "x-label", x: x(i), y: plotBottom + 19, "text-anchor": "middle" }, text) : null));

  // Last values ending at the same week are sorted top to bottom and nudged apart, so that close
  // lines do not print over each other; first down from the top, then back up from the axis.
  const tagY = new Map();
  for (const end of new Set(last.filter(Boolean).map((l) => l.i))) {
    const tags = last.map((l, si) => l && l.i === end && { si, y: y(l.value) }).filter(Boolean).sort((a, b) => a.y - b.y);
    tags.forEach((tag, k) => { if (k > 0) tag.y = Math.max(tag.y, tags[k - 1].y + 15); });
    for (let k = tags.length - 1; k >= 0; k -= 1) tags[k].y = Math.min(tags[k].y, k === tags.length - 1 ? plotBottom : tags[k + 1].y - 15);
    for (const tag of tags) tagY.set(tag.si, tag.y);
  }

  const lines = series.map((line, si) => {
    let d = "", pen = false;
    const points = [];
    (line.values || []).slice(0, n).forEach((v, i) => {
      if (!isNumber(v)) { pen = false; return; }
      d += `${pen ? "L" : "M"}${x(i)} ${y(v)}`;
      pen = true;
      points.push(svg("circle", { class: "point", cx: x(i), cy: y(v), r: 3.5 },
        svg("title", {}, `${line.name} — ${labels[i]}: ${formatNumber(v, percent)}`)));
    });
    const l = last[si];
    return svg("g", { class: `series series-${si % SERIES_CLASSES}` },
      d ? svg("path", { class: "line", d }) : null,
      points,
      l ? svg("text", { class: "last-value", x: x(l.i) + 7, y: tagY.get(si), dy: "0.35em" }, l.text) : null);
  });

  return figure(title, caption,
    svgRoot(title, LINE_W, LINE_H, grid, xLabels, lines),
    series.length ? legend(series) : null,
    dataTable([labelHeading, ...series.map((line) => line.name)],
      labels.map((label, i) => [label, ...series.map((line) => formatNumber((line.values || [])[i], percent))])));
}

/** Horizontal bars, a row per item; `highlight` (an index) is drawn in the accent colour, the others muted. */
export function barChart({ title, items = [], percent = false, caption, highlight, labelHeading = "", valueHeading = "Значение" }) {
  const max = percent ? 100 : Math.max(0, ...items.map((item) => item.value).filter(isNumber));
  const labels = items.map((item) => String(item.label ?? ""));
  const valueTexts = items.map((item) => formatNumber(item.value, percent));
  const marked = Number.isInteger(highlight) && highlight >= 0 && highlight < items.length ? highlight : -1;

  // Short labels leave more room for the bars; long ones are cut at LABEL_MAX characters.
  const labelW = 8 + LETTER_W * Math.min(LABEL_MAX, longest(labels));
  const valueW = 10 + CHAR_W * longest(valueTexts);
  const x0 = labelW + 4, plotW = BAR_W - x0 - valueW;
  // As many ticks as fit side by side above the bars (long labels leave little room on a phone).
  const widest = CHAR_W * longest(niceTicks(max).map((v) => formatNumber(v, percent))) + 12;
  const ticks = niceTicks(max, clamp(Math.floor(plotW / widest), 2, 5));
  const top = ticks[ticks.length - 1];
  const axisH = 24, height = axisH + items.length * ROW_H + 6;
  const x = (v) => round(x0 + (plotW * clamp(v, 0, top)) / top);

  const grid = ticks.map((v, i) => svg("g", { class: "tick" },
    svg("line", { class: i === 0 ? "axis" : "grid", x1: x(v), x2: x(v), y1: axisH - 4, y2: height - 6 }),
    svg("text", { x: x(v), y: axisH - 10, "text-anchor": "middle" }, formatNumber(v, percent))));

  const rows = items.map((item, i) => {
    const mid = axisH + i * ROW_H + ROW_H / 2;
    const label = labels[i];
    const shown = label.length > LABEL_MAX ? `${label.slice(0, LABEL_MAX - 1)}…` : label;
    const end = isNumber(item.value) ? x(item.value) : x0;
    return svg("g", { class: marked < 0 ? "bar-row" : i === marked ? "bar-row highlight" : "bar-row other" },
      svg("title", {}, `${label}: ${valueTexts[i]}`),
      svg("text", { class: "bar-label", x: labelW - 2, y: mid, dy: "0.35em", "text-anchor": "end" }, shown),
      isNumber(item.value) ? svg("rect", { class: "bar", x: x0, y: mid - BAR_H / 2, width: round(end - x0), height: BAR_H, rx: 2 }) : null,
      svg("text", { class: "bar-value", x: end + 5, y: mid, dy: "0.35em" }, valueTexts[i]));
  });

  return figure(title, caption,
    svgRoot(title, BAR_W, height, grid, rows),
    dataTable([labelHeading, valueHeading], labels.map((label, i) => [label, valueTexts[i]]), marked));
}
