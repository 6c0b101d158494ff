// The blocklist page's check in progress: the bar follows the run until it finishes.
(function () {
  "use strict";
  var box = document.getElementById("check-progress");
  if (!box) return;
  var bar = document.getElementById("check-bar");
  var percent = document.getElementById("check-percent");
  function show(value) {
    bar.style.width = value + "%";
    percent.textContent = value;
  }
  show(bar.dataset.percent);
  function poll() {
    fetch(box.dataset.url, {headers: {"Accept": "application/json"}}).then(function (r) { return r.json(); }).then(function (d) {
      show(d.percent);
      if (d.status === "finished") { window.location.replace(window.location.pathname); } else { setTimeout(poll, 1500); }
    }).catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1000);
})();
