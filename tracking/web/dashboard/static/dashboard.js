/* Lantern dashboard: copy buttons, and an interactive uPlot chart over the server-drawn SVG. */
(function () {
  "use strict";

  function copy(button) {
    var text = button.getAttribute("data-copy");
    var done = function () {
      var label = button.textContent;
      button.classList.add("copied");
      button.textContent = "✓";
      setTimeout(function () { button.classList.remove("copied"); button.textContent = label; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallback(text); done(); });
    } else {
      fallback(text);
      done();
    }
  }

  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (ignored) { /* the text stays selectable on the page */ }
    document.body.removeChild(area);
  }

  function chart() {
    var holder = document.getElementById("series-chart");
    var source = document.getElementById("series-data");
    if (!holder || !source || typeof window.uPlot !== "function") return;
    var data = JSON.parse(source.textContent);
    if (!data.labels.length) return;
    var xs = data.labels.map(function (_, i) { return i; });
    var width = holder.clientWidth || 760;
    var options = {
      width: width,
      height: 220,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: false } },
      axes: [
        { values: function (u, ticks) { return ticks.map(function (t) { return data.labels[t] || ""; }); },
          grid: { show: false } },
        { grid: { stroke: "#e5e7eb" } }
      ],
      series: [
        { value: function (u, v) { return v == null ? "" : data.labels[v]; } },
        { label: data.names[0], stroke: "#2563eb", width: 2, fill: "rgba(37,99,235,0.12)", points: { show: xs.length < 40 } },
        { label: data.names[1], stroke: "#f59e0b", width: 2, points: { show: xs.length < 40 } }
      ]
    };
    holder.innerHTML = "";
    holder.classList.add("uplot-ready");
    var plot = new window.uPlot(options, [xs, data.clicks, data.shares], holder);
    window.addEventListener("resize", function () { plot.setSize({ width: holder.clientWidth, height: 220 }); });
  }

  function fill() {
    var figures = document.querySelectorAll("[data-fill]");
    Array.prototype.forEach.call(figures, function (value) {
      var change = value.parentNode.querySelector(".change");
      fetch(value.getAttribute("data-fill"), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (answer) { return answer.ok ? answer.json() : Promise.reject(answer.status); })
        .then(function (data) {
          value.textContent = data.value;
          var words = change.querySelector(".fill-change");
          words.textContent = data.change;
          if (data.direction) change.classList.add(data.direction);
        })
        .catch(function () { value.textContent = "—"; });
    });
  }

  function panels() {
    var pending = document.querySelector("[data-fill-panels]");
    if (!pending) return;
    fetch(pending.getAttribute("data-fill-panels"), { credentials: "same-origin" })
      .then(function (answer) { return answer.ok ? answer.text() : Promise.reject(answer.status); })
      .then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html;
        Array.prototype.forEach.call(holder.querySelectorAll("section.panel"), function (panel) {
          var old = document.getElementById(panel.id);
          if (old) old.replaceWith(panel);
        });
      })
      .catch(function () {
        Array.prototype.forEach.call(document.querySelectorAll("[data-fill-panels]"), function (p) { p.textContent = "—"; });
      });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.copy") : null;
    if (button) copy(button);
  });
  function start() { chart(); fill(); panels(); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
