// Live preview of the case's outcome. The server classifies again on submit.
(function () {
  "use strict";
  var form = document.getElementById("case-form");
  if (!form) return;
  function value(name) {
    var el = form.querySelector('[name="' + name + '"]:checked') || form.querySelector('select[name="' + name + '"]');
    return el ? el.value : "";
  }
  function show(el, on) { if (el) el.hidden = !on; }
  function update() {
    var need = value("need");
    var bug = need === "software_bug";
    var excluded = ["software_bug", "configuration", "information"].indexOf(need) < 0 && need !== "";
    var apiDown = value("api_all_failing") === "yes" && value("api_failure_cause") === "server";
    var smtpDown = value("smtp_all_failing") === "yes" && value("smtp_failure_cause") === "server";
    var critical = bug && (apiDown || smtpDown);
    show(document.getElementById("unavailability"), bug);
    show(form.querySelector('[data-cause="api"]'), value("api_all_failing") === "yes");
    show(form.querySelector('[data-cause="smtp"]'), value("smtp_all_failing") === "yes");
    var out = document.getElementById("outcome");
    show(out.querySelector('[data-outcome="critical"]'), critical && !excluded);
    show(out.querySelector('[data-outcome="non_critical"]'), !critical && !excluded);
    show(out.querySelector('[data-outcome="excluded"]'), excluded);
    out.querySelectorAll("[data-note]").forEach(function (p) { p.hidden = p.getAttribute("data-note") !== need; });
    out.classList.toggle("border-danger", critical);
  }
  form.addEventListener("change", update);
  update();
})();
