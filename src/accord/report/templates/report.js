(function () {
  "use strict";
  var figures = JSON.parse(document.getElementById("figures").textContent);
  var drawn = 0;
  Object.keys(figures).forEach(function (id) {
    var figure = figures[id];
    var target = document.getElementById(id);
    if (!target || typeof Plotly === "undefined") { return; }
    Plotly.newPlot(target, figure.data, figure.layout, {responsive: true, displaylogo: false})
      .then(function () {
        drawn += 1;
        document.body.setAttribute("data-figures-drawn", String(drawn));
      });
  });
  document.body.setAttribute("data-figures-total", String(Object.keys(figures).length));
})();
