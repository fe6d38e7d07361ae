// accord dashboard: plain JavaScript over the JSON API under /api.
// Figures arrive as plotly JSON built in Python; this file only draws them.
(function () {
  "use strict";

  var state = {
    scenario: null,      // a built-in id, or a scenario object from /api/upload
    uploadedName: null,
    view: null,          // values as of the chosen date (POST /api/view)
    edits: {},           // path -> number or {low, mode, high}, e.g. "russia.position.donbas": 80
    runId: null,
    polling: null,
    ready: false,
    baseline: null       // {key, forecast}: the last run without edits, to compare what-ifs with
  };

  function $(id) { return document.getElementById(id); }

  function setText(id, text) { $(id).textContent = text || ""; }

  // One readable line: the first problem, its fix, and how many more there are.
  function describe(errors) {
    var list = errors || [];
    if (!list.length) { return ""; }
    var e = list[0];
    var where = e.line ? "line " + e.line + (e.field ? ", " : "") : "";
    where += e.field || "";
    var text = (where ? where + ": " : "") + (e.message || "could not run");
    if (e.hint) { text += ". Fix: " + e.hint; }
    if (list.length > 1) { text += " (and " + (list.length - 1) + " more)"; }
    return text;
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
      input.checked = model.default !== false;
      input.name = "model";
      label.title = model.summary;
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + model.name));
      box.appendChild(label);
    });
    fillOptions(list);
  }

  // One input per model parameter (from GET /api/models): a menu for a fixed set of choices,
  // a box for a flag, a field for a number. Only values changed from the default are sent.
  function fillOptions(list) {
    var box = $("model-options-body");
    list.forEach(function (model) {
      var parameters = (model.parameters || []).filter(function (p) {
        return p.choices || ["int", "float", "bool"].indexOf(p.type) >= 0 || /int|float/.test(p.type);
      });
      if (!parameters.length) { return; }
      var group = document.createElement("div");
      group.className = "option-group";
      var title = document.createElement("b");
      title.textContent = model.name;
      group.appendChild(title);
      parameters.forEach(function (p) {
        var label = document.createElement("label");
        label.appendChild(document.createTextNode(p.name + " "));
        var input;
        if (p.choices) {
          input = document.createElement("select");
          p.choices.forEach(function (choice) {
            var option = document.createElement("option");
            option.value = String(choice);
            option.textContent = String(choice);
            input.appendChild(option);
          });
          input.value = String(p.default);
        } else if (p.type === "bool") {
          input = document.createElement("input");
          input.type = "checkbox";
          input.checked = !!p.default;
        } else {
          input = document.createElement("input");
          input.type = "number";
          input.step = "any";
          input.placeholder = p.default === null ? "auto" : String(p.default);
        }
        input.dataset.model = model.name;
        input.dataset.parameter = p.name;
        input.dataset.kind = p.choices ? "choice" : p.type;
        input.dataset.default = JSON.stringify(p.default);
        label.appendChild(input);
        group.appendChild(label);
      });
      box.appendChild(group);
    });
  }

  function modelOptions() {
    var options = {};
    document.querySelectorAll("#model-options-body [data-parameter]").forEach(function (input) {
      var fallback = JSON.parse(input.dataset.default);
      var value;
      if (input.dataset.kind === "choice") {
        value = input.value;
        if (typeof fallback === "number") { value = parseFloat(value); }
      } else if (input.dataset.kind === "bool") {
        value = input.checked;
      } else {
        if (input.value === "") { return; }
        value = parseFloat(input.value);
        if (isNaN(value)) { return; }
      }
      if (value === fallback) { return; }
      options[input.dataset.model] = options[input.dataset.model] || {};
      options[input.dataset.model][input.dataset.parameter] = value;
    });
    return options;
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

  function numberInput(path, min, max) {
    var input = document.createElement("input");
    input.type = "number";
    input.step = "any";
    if (min !== null && min !== undefined) { input.min = min; }
    if (max !== null && max !== undefined) { input.max = max; }
    input.setAttribute("aria-label", path);
    return input;
  }

  function errorSpan(td, path) {
    var error = document.createElement("span");
    error.className = "cell-error";
    error.dataset.errorFor = path;
    td.appendChild(error);
  }

  // One editable number. ``value`` null: none yet (a red line the actor has not stated).
  function cell(row, path, value, min, max) {
    var td = document.createElement("td");
    var input = numberInput(path, min, max);
    input.dataset.path = path;
    if (value === null || value === undefined) { value = null; input.placeholder = "none"; }
    var edited = typeof state.edits[path] === "number";
    input.value = edited ? state.edits[path] : (value === null ? "" : value);
    if (edited) { input.classList.add("edited"); }
    input.addEventListener("change", function () {
      var number = parseFloat(input.value);
      if (isNaN(number)) {
        delete state.edits[path]; input.value = value === null ? "" : value;
        input.classList.remove("edited");
      } else if (number === value) { delete state.edits[path]; input.classList.remove("edited"); }
      else { state.edits[path] = number; input.classList.add("edited"); }
      clearCellError(input);
      syncPosition(path);
      countEdits();
    });
    td.appendChild(input);
    errorSpan(td, path);
    row.appendChild(td);
  }

  // A position's point and range cells show one edit: after either changes, redraw the other.
  function syncPosition(path) {
    var edit = state.edits[path];
    var point = document.querySelector("#values input[data-path='" + CSS.escape(path) + "']");
    var parts = document.querySelectorAll("#values input[data-range-path='" + CSS.escape(path) + "']");
    if (!point || !parts.length) { return; }
    var original = originalPoint(path);
    var range = originalRange(path);
    if (typeof edit === "object") {
      point.value = edit.mode !== undefined ? edit.mode : (edit.low + edit.high) / 2;
    } else {
      point.value = typeof edit === "number" ? edit : original;
    }
    point.classList.toggle("edited", edit !== undefined);
    var shown = typeof edit === "object" ? edit : (typeof edit === "number" ? null : range);
    parts.forEach(function (input) {
      var value = shown ? shown[input.dataset.part] : null;
      input.value = value === null || value === undefined ? "" : value;
      input.classList.toggle("edited", typeof edit === "object");
    });
  }

  function actorOf(path) {
    var id = path.split(".")[0];
    return (state.view.actors || []).filter(function (a) { return a.id === id; })[0];
  }

  function originalPoint(path) {
    var actor = actorOf(path);
    return actor ? actor.positions[path.split(".")[2]] : null;
  }

  function originalRange(path) {
    var actor = actorOf(path);
    return actor ? (actor.ranges || {})[path.split(".")[2]] || null : null;
  }

  function sameRange(a, b) {
    return !!a && !!b && a.low === b.low && a.high === b.high &&
      (a.mode === undefined ? null : a.mode) === (b.mode === undefined ? null : b.mode);
  }

  // A position's range: low, mode (optional: blank for a uniform range) and high. An edited
  // range replaces the position (an edited point replaces the range), as --set PATH={...} does.
  function rangeCell(row, path, range, min, max) {
    var td = document.createElement("td");
    td.className = "range";
    var edit = state.edits[path];
    var shown = edit && typeof edit === "object" ? edit : range;
    var inputs = {};
    ["low", "mode", "high"].forEach(function (part, index) {
      var input = numberInput(path + " " + part, min, max);
      input.dataset.rangePath = path;
      input.dataset.part = part;
      input.placeholder = part;
      var value = shown ? shown[part] : null;
      input.value = value === null || value === undefined ? "" : value;
      if (edit && typeof edit === "object") { input.classList.add("edited"); }
      input.addEventListener("change", function () {
        var low = parseFloat(inputs.low.value);
        var high = parseFloat(inputs.high.value);
        var mode = parseFloat(inputs.mode.value);
        var blank = ["low", "mode", "high"].every(function (k) { return inputs[k].value === ""; });
        if (blank || isNaN(low) || isNaN(high)) {
          if (typeof state.edits[path] === "object") { delete state.edits[path]; }
          if (!blank) { return; }  // wait until both ends are given
        } else {
          var next = {low: low, high: high};
          if (!isNaN(mode)) { next.mode = mode; }
          if (sameRange(next, range)) { delete state.edits[path]; }
          else { state.edits[path] = next; }
        }
        syncPosition(path);
        countEdits();
      });
      inputs[part] = input;
      td.appendChild(input);
      if (index < 2) { td.appendChild(document.createTextNode(" ")); }
    });
    errorSpan(td, path + "#range");
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
      var position = actor.id + ".position." + issueId;
      cell(row, position, actor.positions[issueId], issue.min, issue.max);
      rangeCell(row, position, (actor.ranges || {})[issueId] || null, issue.min, issue.max);
      cell(row, actor.id + ".red_line." + issueId, (actor.red_lines || {})[issueId],
           issue.min, issue.max);
      cell(row, actor.id + ".salience." + issueId, actor.salience[issueId],
           view.salience_scale.min, view.salience_scale.max);
      body.appendChild(row);
      syncPosition(position);
    });
    countEdits();
  }

  function countEdits() {
    var count = Object.keys(state.edits).length;
    setText("edit-count", count ? count + " edited value" + (count > 1 ? "s" : "") : "");
  }

  // Mark a model option the server refused (field options.MODEL.PARAMETER).
  function optionError(field, e) {
    var parts = field.split(".");
    var input = document.querySelector("#model-options-body [data-model='" + CSS.escape(parts[1] || "") +
      "'][data-parameter='" + CSS.escape(parts[2] || "") + "']");
    if (!input) { return false; }
    input.classList.add("invalid");
    $("model-options").open = true;
    return true;
  }

  function showFieldErrors(errors) {
    var general = [];
    (errors || []).forEach(function (e) {
      var field = e.field || "";
      if (field.indexOf("options.") === 0) { optionError(field, e); }
      if (field.indexOf("edits.") === 0) {
        var path = field.slice(6);
        var input = document.querySelector("#values input[data-path='" + CSS.escape(path) + "']") ||
          document.querySelector("#values input[data-range-path='" + CSS.escape(path) + "']");
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
      clearResults();
      showView(r.data.view);
      return run();
    });
  }

  function setRunning(running) {
    $("run").disabled = running || !state.ready;
    $("cancel").disabled = !running;
  }

  function copy(object) { return JSON.parse(JSON.stringify(object)); }

  // ``options``: model options by model (default: those chosen on the page).
  function requestFor(edits, options) {
    var draws = parseInt($("draws").value, 10) || 1;
    var seedText = $("seed").value;
    return {
      scenario: state.scenario,
      as_of: $("as-of").value || null,
      models: chosenModels(),
      draws: draws,
      seed: seedText === "" ? null : parseInt(seedText, 10),
      edits: edits,
      options: options === undefined ? modelOptions() : options,
      analyses: Array.prototype.slice.call(document.querySelectorAll("#analyses input:checked"))
        .map(function (input) { return input.value; })
    };
  }

  // What a baseline must share with a what-if to be comparable with it. The baseline runs
  // each model with its default options: options chosen on the page are part of the what-if.
  function baselineKey(request) {
    var scenario = typeof request.scenario === "string" ? request.scenario : state.uploadedName;
    return JSON.stringify([scenario, request.as_of, request.models, request.draws, request.seed]);
  }

  // Run the forecast, then (for a what-if) compare it with a baseline run of the same settings.
  function run() {
    setText("run-error", "");
    document.querySelectorAll("#values input.invalid").forEach(clearCellError);
    document.querySelectorAll("#model-options-body .invalid").forEach(function (input) {
      input.classList.remove("invalid");
    });
    var edits = copy(state.edits);
    var options = modelOptions();
    var whatIf = Object.keys(edits).length > 0 || Object.keys(options).length > 0;
    var request = requestFor(edits, options);
    var key = baselineKey(request);
    setRunning(true);
    var first = Promise.resolve(true);
    if (whatIf && (!state.baseline || state.baseline.key !== key)) {
      var base = requestFor({}, {});
      base.analyses = [];
      setText("status", "baseline");
      first = startRun(base).then(function (done) {
        if (!done) { return false; }
        state.baseline = {key: key, forecast: done.data.forecast};
        return true;
      });
    }
    return first.then(function (ok) {
      if (!ok) { setRunning(false); return null; }
      return startRun(request).then(function (done) {
        setRunning(false);
        if (!done) { return null; }
        if (!whatIf) { state.baseline = {key: key, forecast: done.data.forecast}; }
        showResult(done.id, done.data, whatIf ? {edits: edits, options: options} : null);
        return done;
      });
    });
  }

  // Start one run and resolve with {id, data} once it is done (null if it failed or stopped).
  function startRun(request) {
    document.body.dataset.runState = "starting";
    return api("POST", "/api/runs", request).then(function (r) {
      if (!r.ok) {
        document.body.dataset.runState = "rejected";
        showFieldErrors(r.data && r.data.errors);
        return null;
      }
      state.runId = r.data.id;
      return poll(r.data.id);
    });
  }

  function poll(id) {
    return new Promise(function (resolve) {
      function step() {
        api("GET", "/api/runs/" + id).then(function (r) {
          if (id !== state.runId) { resolve(null); return; }
          if (!r.ok) { setText("run-error", describe(r.data && r.data.errors)); resolve(null); return; }
          $("progress").value = r.data.progress;
          setText("status", r.data.message);
          document.body.dataset.runState = r.data.state;
          if (r.data.state === "queued" || r.data.state === "running") {
            state.polling = window.setTimeout(step, 250);
            return;
          }
          if (r.data.state === "done") {
            api("GET", "/api/runs/" + id + "/result").then(function (result) {
              if (!result.ok) { setText("run-error", describe(result.data.errors)); resolve(null); return; }
              resolve({id: id, data: result.data});
            });
            return;
          }
          if (r.data.error) { showFieldErrors(r.data.error.errors); }
          else { setText("run-error", r.data.message); }
          resolve(null);
        });
      }
      step();
    });
  }

  function cancel() {
    if (!state.runId) { return; }
    api("DELETE", "/api/runs/" + state.runId).then(function (r) {
      if (r.ok) { setText("status", r.data.message); }
    });
  }

  function showResult(id, data, whatIf) {
    renderResults(data.sections);
    if (whatIf && state.baseline) {
      addEditList(whatIf.edits, whatIf.options);
      addChangeColumn(state.baseline.forecast, data.forecast);
    }
    var base = "/api/runs/" + id;
    $("download-json").href = base + "/forecast.json";
    $("download-csv").href = base + "/forecast.csv";
    $("download-report").href = base + "/report.html";
    $("downloads").hidden = false;
    document.body.dataset.resultId = id;
  }

  function clearResults() {
    var results = $("results");
    results.querySelectorAll(".plot").forEach(function (div) {
      if (window.Plotly) { window.Plotly.purge(div); }
    });
    results.textContent = "";
    $("downloads").hidden = true;
    delete document.body.dataset.resultId;
    state.baseline = null;
  }

  function originalValue(path) {
    var parts = path.split(".");
    var actor = (state.view.actors || []).filter(function (a) { return a.id === parts[0]; })[0];
    if (!actor) { return null; }
    if (parts[1] === "capability") { return actor.capability; }
    var table = {position: actor.positions, salience: actor.salience,
                 red_line: actor.red_lines || {}}[parts[1]];
    var value = table ? table[parts[2]] : null;
    var range = parts[1] === "position" ? (actor.ranges || {})[parts[2]] : null;
    return range ? rangeText(range) : value;
  }

  function rangeText(value) {
    if (value === null || value === undefined) { return "none"; }
    if (typeof value !== "object") { return String(value); }
    var mode = value.mode === null || value.mode === undefined ? "" : value.mode + " ";
    return "[" + value.low + " " + mode + value.high + "]";
  }

  function digitsFor(issueId) {
    var issue = (state.view.issues || []).filter(function (i) { return i.id === issueId; })[0];
    var span = issue ? issue.max - issue.min : 100;
    return span >= 100 ? 0 : span >= 10 ? 1 : 2;
  }

  function signed(value, digits) {
    var text = Math.abs(value).toFixed(digits);
    if (parseFloat(text) === 0) { return text; }
    return (value > 0 ? "+" : "-") + text;
  }

  function optionDefault(model, parameter) {
    var input = document.querySelector("#model-options-body [data-model='" + CSS.escape(model) +
      "'][data-parameter='" + CSS.escape(parameter) + "']");
    return input ? JSON.parse(input.dataset.default) : null;
  }

  // The edits and model options of a what-if, listed above its results.
  function addEditList(edits, options) {
    var section = document.createElement("section");
    section.id = "section-whatif";
    var title = document.createElement("h2");
    var count = Object.keys(edits).length;
    Object.keys(options || {}).forEach(function (model) { count += Object.keys(options[model]).length; });
    title.textContent = "What-if: " + count + " change" + (count > 1 ? "s" : "") +
      ", compared with the baseline (each model with its default options)";
    section.appendChild(title);
    var list = document.createElement("ul");
    list.id = "edit-list";
    Object.keys(edits).sort().forEach(function (path) {
      var item = document.createElement("li");
      item.dataset.path = path;
      var was = originalValue(path);
      item.textContent = path + ": " + rangeText(was) + " → " + rangeText(edits[path]);
      list.appendChild(item);
    });
    Object.keys(options || {}).sort().forEach(function (model) {
      Object.keys(options[model]).sort().forEach(function (parameter) {
        var item = document.createElement("li");
        item.dataset.option = model + "." + parameter;
        item.textContent = "model " + model + ": " + parameter + " " +
          String(optionDefault(model, parameter)) + " → " + String(options[model][parameter]);
        list.appendChild(item);
      });
    });
    section.appendChild(list);
    var results = $("results");
    results.insertBefore(section, results.firstChild);
  }

  // A "Change" column in the forecast table: what-if minus baseline, per issue and model.
  function addChangeColumn(baseline, forecast) {
    var table = $("forecast-table");
    if (!table) { return; }
    table.querySelectorAll("thead tr").forEach(function (row) {
      var th = document.createElement("th");
      th.textContent = "Change vs baseline";
      th.className = "change";
      row.appendChild(th);
    });
    table.querySelectorAll("tbody tr[data-issue][data-model]").forEach(function (row) {
      var issue = row.dataset.issue;
      var model = row.dataset.model;
      var td = document.createElement("td");
      td.className = "num change";
      // A model run with options (eum[variant=paper]) is compared with its default run (eum).
      var plain = baseline.models[model] ? model : model.replace(/\[.*\]$/, "");
      var before = baseline.models[plain] && baseline.models[plain].issues[issue];
      var after = forecast.models[model] && forecast.models[model].issues[issue];
      if (before && after) {
        var change = after.value - before.value;
        td.textContent = signed(change, digitsFor(issue));
        td.dataset.change = String(change);
      } else {
        td.textContent = "—";
      }
      row.appendChild(td);
    });
  }

  function saveYaml() {
    var body = {scenario: state.scenario, as_of: $("as-of").value || null, edits: state.edits};
    fetch("/api/scenario.yaml", {
      method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)
    }).then(function (response) {
      if (!response.ok) {
        return response.json().then(function (data) { setText("run-error", describe(data.errors)); });
      }
      var name = (response.headers.get("Content-Disposition") || "").split("filename=\"")[1];
      return response.blob().then(function (blob) {
        var link = document.createElement("a");
        link.href = URL.createObjectURL(blob);
        link.download = name ? name.replace(/"$/, "") : "scenario.yaml";
        document.body.appendChild(link);
        link.click();
        link.remove();
      });
    });
  }

  // A new scenario or date: old results no longer apply; show the new baseline.
  function reload() {
    clearResults();
    setText("run-error", "");
    return loadView().then(function () { if (state.ready) { return run(); } });
  }

  function renderResults(sections) {
    var results = $("results");
    var baseline = state.baseline;
    clearResults();
    state.baseline = baseline;
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
      reload();
    });
    $("upload").addEventListener("change", function () {
      var file = $("upload").files[0];
      if (file) { upload(file); }
    });
    $("as-of").addEventListener("change", reload);
    $("issue").addEventListener("change", renderTable);
    $("reset").addEventListener("click", function () { state.edits = {}; renderTable(); });
    $("run").addEventListener("click", run);
    $("cancel").addEventListener("click", cancel);
    $("save-yaml").addEventListener("click", saveYaml);
    Promise.all([api("GET", "/api/scenarios"), api("GET", "/api/models")]).then(function (rs) {
      fillScenarios(rs[0].data);
      fillModels(rs[1].data);
      return loadView();
    }).then(function () {
      state.ready = true;
      setRunning(false);
      return run();  // the baseline, so the page opens with results
    }).then(function () { document.body.dataset.ready = "1"; });
  }

  // The scenario chosen (a built-in id or an uploaded scenario object), for track.js.
  window.accordScenario = function () { return state.scenario; };

  document.addEventListener("DOMContentLoaded", init);
}());
