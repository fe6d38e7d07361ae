// accord dashboard: plain JavaScript over the JSON API under /api.
// Figures arrive as plotly JSON built in Python; this file only draws them.
(function () {
  "use strict";

  var state = {
    scenario: null,      // a built-in id, or a scenario object from /api/upload
    uploadedName: null,
    view: null,          // values as of the chosen date (POST /api/view)
    edits: {},           // path -> number, e.g. "russia.position.donbas": 80
    runId: null,
    polling: null
  };

  function $(id) { return document.getElementById(id); }

  function setText(id, text) { $(id).textContent = text || ""; }

  function describe(errors) {
    return (errors || []).map(function (e) {
      var where = e.line ? "line " + e.line + (e.field ? ", " : "") : "";
      where += e.field || "";
      var text = (where ? where + ": " : "") + e.message;
      if (e.hint) { text += " — " + e.hint; }
      return text;
    }).join("\n");
  }

  function api(method, url, body) {
    var options = {method: method, headers: {}};
    if (body instanceof FormData) {
      options.body = body;
    } else if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (response) {
      return response.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (ignored) { data = {message: text}; }
        return {ok: response.ok, status: response.status, data: data};
      });
    });
  }

  function fillScenarios(list) {
    var select = $("scenario");
    list.forEach(function (item) {
      var option = document.createElement("option");
      option.value = item.id;
      option.textContent = item.id + " — " + item.title;
      select.appendChild(option);
    });
    state.scenario = select.value;
  }

  function fillModels(list) {
    var box = $("models");
    list.forEach(function (model) {
      var label = document.createElement("label");
      var input = document.createElement("input");
      input.type = "checkbox";
      input.value = model.name;
      input.checked = true;
      input.name = "model";
      label.title = model.summary;
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + model.name));
      box.appendChild(label);
    });
  }

  function chosenModels() {
    return Array.prototype.slice.call(document.querySelectorAll("#models input:checked"))
      .map(function (input) { return input.value; });
  }

  function loadView() {
    var asOf = $("as-of").value || null;
    return api("POST", "/api/view", {scenario: state.scenario, as_of: asOf}).then(function (r) {
      if (!r.ok) { setText("run-error", describe(r.data.errors)); return; }
      showView(r.data);
    });
  }

  function showView(view) {
    state.view = view;
    var date = $("as-of");
    if (!date.value && view.as_of) { date.value = view.as_of; }
    if (view.base_date) { date.min = view.base_date; }
    var select = $("issue");
    var previous = select.value;
    select.textContent = "";
    view.issues.forEach(function (issue) {
      var option = document.createElement("option");
      option.value = issue.id;
      option.textContent = issue.name;
      select.appendChild(option);
    });
    if (previous && view.issues.some(function (i) { return i.id === previous; })) {
      select.value = previous;
    }
    renderTable();
  }

  function cell(row, path, value, min, max) {
    var td = document.createElement("td");
    var input = document.createElement("input");
    input.type = "number";
    input.step = "any";
    if (min !== null) { input.min = min; }
    if (max !== null) { input.max = max; }
    input.dataset.path = path;
    input.setAttribute("aria-label", path);
    var edited = Object.prototype.hasOwnProperty.call(state.edits, path);
    input.value = edited ? state.edits[path] : value;
    if (edited) { input.classList.add("edited"); }
    input.addEventListener("change", function () {
      var number = parseFloat(input.value);
      if (isNaN(number)) { delete state.edits[path]; input.value = value; input.classList.remove("edited"); }
      else if (number === value) { delete state.edits[path]; input.classList.remove("edited"); }
      else { state.edits[path] = number; input.classList.add("edited"); }
      clearCellError(input);
      countEdits();
    });
    td.appendChild(input);
    var error = document.createElement("span");
    error.className = "cell-error";
    error.dataset.errorFor = path;
    td.appendChild(error);
    row.appendChild(td);
  }

  function clearCellError(input) {
    input.classList.remove("invalid");
    var span = input.parentNode.querySelector(".cell-error");
    if (span) { span.textContent = ""; }
  }

  function renderTable() {
    var view = state.view;
    if (!view) { return; }
    var issueId = $("issue").value;
    var issue = view.issues.filter(function (i) { return i.id === issueId; })[0];
    setText("unit", issue && issue.unit ? "(" + issue.unit + ", " + issue.min + "–" + issue.max + ")" : "");
    var body = document.querySelector("#values tbody");
    body.textContent = "";
    view.actors.forEach(function (actor) {
      var row = document.createElement("tr");
      var name = document.createElement("th");
      name.textContent = actor.name;
      row.appendChild(name);
      cell(row, actor.id + ".capability", actor.capability, 0, null);
      cell(row, actor.id + ".position." + issueId, actor.positions[issueId], issue.min, issue.max);
      cell(row, actor.id + ".salience." + issueId, actor.salience[issueId],
           view.salience_scale.min, view.salience_scale.max);
      body.appendChild(row);
    });
    countEdits();
  }

  function countEdits() {
    var count = Object.keys(state.edits).length;
    setText("edit-count", count ? count + " edited value" + (count > 1 ? "s" : "") : "");
  }

  function showFieldErrors(errors) {
    var general = [];
    (errors || []).forEach(function (e) {
      var field = e.field || "";
      if (field.indexOf("edits.") === 0) {
        var path = field.slice(6);
        var input = document.querySelector("#values input[data-path='" + CSS.escape(path) + "']");
        if (input) {
          input.classList.add("invalid");
          input.parentNode.querySelector(".cell-error").textContent = e.message + (e.hint ? " — " + e.hint : "");
          return;
        }
      }
      general.push(e);
    });
    setText("run-error", describe(general));
  }

  function upload(file) {
    setText("upload-error", "");
    var form = new FormData();
    form.append("file", file, file.name);
    return api("POST", "/api/upload", form).then(function (r) {
      if (!r.ok) {
        setText("upload-error", (r.data && r.data.errors) ? describe(r.data.errors) : "upload failed (" + r.status + ")");
        return;
      }
      state.scenario = r.data.scenario;
      state.uploadedName = r.data.file;
      state.edits = {};
      var select = $("scenario");
      var option = select.querySelector("option[value='__upload__']");
      if (!option) {
        option = document.createElement("option");
        option.value = "__upload__";
        select.appendChild(option);
      }
      option.textContent = "uploaded: " + r.data.file + " — " + r.data.scenario.title;
      select.value = "__upload__";
      $("as-of").value = "";
      showView(r.data.view);
    });
  }

  function setRunning(running) {
    $("run").disabled = running;
    $("cancel").disabled = !running;
  }

  function run() {
    setText("run-error", "");
    document.querySelectorAll("#values input.invalid").forEach(clearCellError);
    var draws = parseInt($("draws").value, 10) || 1;
    var seedText = $("seed").value;
    var request = {
      scenario: state.scenario,
      as_of: $("as-of").value || null,
      models: chosenModels(),
      draws: draws,
      seed: seedText === "" ? null : parseInt(seedText, 10),
      edits: state.edits,
      analyses: Array.prototype.slice.call(document.querySelectorAll("#analyses input:checked"))
        .map(function (input) { return input.value; })
    };
    document.body.dataset.runState = "starting";
    setRunning(true);
    return api("POST", "/api/runs", request).then(function (r) {
      if (!r.ok) {
        setRunning(false);
        document.body.dataset.runState = "rejected";
        showFieldErrors(r.data && r.data.errors);
        return;
      }
      state.runId = r.data.id;
      poll();
    });
  }

  function poll() {
    var id = state.runId;
    api("GET", "/api/runs/" + id).then(function (r) {
      if (id !== state.runId) { return; }
      if (!r.ok) { setRunning(false); setText("run-error", describe(r.data.errors)); return; }
      $("progress").value = r.data.progress;
      setText("status", r.data.message);
      document.body.dataset.runState = r.data.state;
      if (r.data.state === "queued" || r.data.state === "running") {
        state.polling = window.setTimeout(poll, 250);
        return;
      }
      setRunning(false);
      if (r.data.state === "done") { fetchResult(id); }
      else if (r.data.error) { showFieldErrors(r.data.error.errors); }
      else { setText("run-error", r.data.message); }
    });
  }

  function cancel() {
    if (!state.runId) { return; }
    api("DELETE", "/api/runs/" + state.runId).then(function (r) {
      if (r.ok) { setText("status", r.data.message); }
    });
  }

  function fetchResult(id) {
    api("GET", "/api/runs/" + id + "/result").then(function (r) {
      if (!r.ok) { setText("run-error", describe(r.data.errors)); return; }
      renderResults(r.data.sections);
      var base = "/api/runs/" + id;
      $("download-json").href = base + "/forecast.json";
      $("download-csv").href = base + "/forecast.csv";
      $("download-report").href = base + "/report.html";
      $("downloads").hidden = false;
      document.body.dataset.resultId = id;
    });
  }

  function renderResults(sections) {
    var results = $("results");
    results.querySelectorAll(".plot").forEach(function (div) {
      if (window.Plotly) { window.Plotly.purge(div); }
    });
    results.textContent = "";
    var figures = [];
    sections.forEach(function (section) {
      var element = document.createElement("section");
      element.id = "section-" + section.id;
      var title = document.createElement("h2");
      title.textContent = section.title;
      element.appendChild(title);
      var content = document.createElement("div");
      content.innerHTML = section.html;  // built and escaped by the server
      element.appendChild(content);
      section.figures.forEach(function (item) {
        var figure = document.createElement("figure");
        var div = document.createElement("div");
        div.id = item.id;
        div.className = "plot";
        figure.appendChild(div);
        if (item.caption) {
          var caption = document.createElement("figcaption");
          caption.textContent = item.caption;
          figure.appendChild(caption);
        }
        element.appendChild(figure);
        figures.push(item);
      });
      results.appendChild(element);
    });
    var drawn = 0;
    document.body.dataset.figuresDrawn = "0";
    figures.forEach(function (item) {
      window.Plotly.newPlot(item.id, item.figure.data, item.figure.layout,
                            {responsive: true, displaylogo: false}).then(function () {
        drawn += 1;
        document.body.dataset.figuresDrawn = String(drawn);
      });
    });
    document.body.dataset.figuresTotal = String(figures.length);
  }

  function init() {
    $("scenario").addEventListener("change", function () {
      var value = $("scenario").value;
      if (value === "__upload__") { return; }
      state.scenario = value;
      state.edits = {};
      $("as-of").value = "";
      loadView();
    });
    $("upload").addEventListener("change", function () {
      var file = $("upload").files[0];
      if (file) { upload(file); }
    });
    $("as-of").addEventListener("change", loadView);
    $("issue").addEventListener("change", renderTable);
    $("reset").addEventListener("click", function () { state.edits = {}; renderTable(); });
    $("run").addEventListener("click", run);
    $("cancel").addEventListener("click", cancel);
    Promise.all([api("GET", "/api/scenarios"), api("GET", "/api/models")]).then(function (rs) {
      fillScenarios(rs[0].data);
      fillModels(rs[1].data);
      return loadView();
    }).then(function () { document.body.dataset.ready = "1"; });
  }

  document.addEventListener("DOMContentLoaded", init);
}());
