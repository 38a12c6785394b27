// Running total on the score sheet, by the server's rule: N/A is left out and the total
// rescaled to the whole sheet; a criterion not scored yet counts as 0 until it is.
(function () {
  var form = document.getElementById("score-form");
  var out = document.getElementById("running-total");
  var count = document.getElementById("scored-count");
  if (!form || !out) return;
  var aggregate = form.dataset.aggregate || "sum";
  var fmt = new Intl.NumberFormat(document.documentElement.lang || undefined,
                                  {maximumFractionDigits: 2});
  function update() {
    var selects = form.querySelectorAll("select[name^=score-]");
    var got = 0, possible = 0, all = 0, wsum = 0, scored = 0, applicable = 0;
    selects.forEach(function (s) {
      var max = parseFloat(s.dataset.max), w = parseFloat(s.dataset.weight);
      all += max * w;
      if (s.value === "na") { scored += 1; return; }
      applicable += 1; possible += max * w; wsum += w;
      if (s.value === "") return;
      scored += 1; got += parseFloat(s.value) * w;
    });
    if (count) count.textContent = "(" + scored + "/" + selects.length + ")";
    if (!scored || !applicable) { out.textContent = "—"; return; }
    out.textContent = fmt.format(aggregate === "mean" ? got / wsum : got * all / possible);
  }
  form.addEventListener("change", update);
  update();
})();
