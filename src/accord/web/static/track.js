// accord dashboard, "Track record" tab: the scenario's events replayed over time, and their score.
// The figure and tables come from POST /api/track (built in Python, cached per scenario there).
(function () {
  "use strict";

  var shown = null;  // JSON of the scenario whose record is drawn

  function $(id) { return document.getElementById(id); }

  function select(tab) {
    document.querySelector("main").dataset.tab = tab;
    $("tab-forecast").setAttribute("aria-selected", String(tab === "forecast"));
    $("tab-track").setAttribute("aria-selected", String(tab === "track"));
    if (tab === "track") { load(); } else { window.dispatchEvent(new Event("resize")); }
  }

  function load() {
    var scenario = window.accordScenario ? window.accordScenario() : $("scenario").value;
    if (!scenario) { return; }
    var key = JSON.stringify(scenario);
    if (key === shown) { return; }
    shown = key;
    delete document.body.dataset.trackDrawn;
    $("track-status").textContent = "Replaying the events at every dated update…";
    $("track-error").textContent = "";
    $("track-body").innerHTML = "";
    window.Plotly.purge("fig-track-tab");
    fetch("/api/track", {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify({scenario: scenario})
    }).then(function (response) {
      return response.json().then(function (data) { return {ok: response.ok, data: data}; });
    }).then(function (r) {
      if (key !== shown) { return null; }  // the scenario changed meanwhile
      $("track-status").textContent = "";
      if (!r.ok) {
        shown = null;
        $("track-error").textContent = r.data.message || "could not load the track record";
        return null;
      }
      $("track-body").innerHTML = r.data.html;  // built and escaped by the server
      if (!r.data.events) {
        document.body.dataset.trackDrawn = "0";
        return null;
      }
      var figure = r.data.figure;
      return window.Plotly.newPlot("fig-track-tab", figure.data, figure.layout,
                                   {responsive: true, displaylogo: false}).then(function () {
        document.body.dataset.trackDrawn = String(figure.data.length);
      });
    }).catch(function (error) {
      shown = null;
      $("track-status").textContent = "";
      $("track-error").textContent = String(error);
    });
  }

  function init() {
    $("tab-forecast").addEventListener("click", function () { select("forecast"); });
    $("tab-track").addEventListener("click", function () { select("track"); });
    $("scenario").addEventListener("change", function () {
      if (document.querySelector("main").dataset.tab === "track") { load(); }
    });
  }

  document.addEventListener("DOMContentLoaded", init);
}());
