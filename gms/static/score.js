// Running total on the score sheet: the same rule as the server (N/A left out, rescaled).
(function () {
  var form = document.getElementById("score-form");
  var out = document.getElementById("running-total");
  if (!form || !out) return;
  var aggregate = form.dataset.aggregate || "sum";
  function update() {
    var got = 0, possible = 0, all = 0, wsum = 0, any = false;
    form.querySelectorAll("select[name^=score-]").forEach(function (s) {
      var max = parseFloat(s.dataset.max), w = parseFloat(s.dataset.weight);
      all += max * w;
      if (s.value === "" || s.value === "na") return;
      any = true; got += parseFloat(s.value) * w; possible += max * w; wsum += w;
    });
    if (!any) { out.textContent = "—"; return; }
    var total = aggregate === "mean" ? got / wsum : got * all / possible;
    out.textContent = total.toFixed(2);
  }
  form.addEventListener("change", update);
  update();
})();
