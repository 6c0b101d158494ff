// The periodic task form: the chosen crontab is said in words under the field.
(function ($) {
  "use strict";
  var script = document.getElementById("periodic-task-overrides");
  var readable = JSON.parse(document.getElementById("readable-crontabs").textContent);
  function sayInWords(words) {
    var help = $(".field-crontab .help");
    help.text(script.dataset.crontabHelp);
    help.append($("<br>"), document.createTextNode(script.dataset.inWords + ": " + words));
  }
  $(".field-crontab_translation").hide();
  $(".field-crontab").change(function () {
    sayInWords(readable[$("#id_crontab").val()]);
  });
})(django.jQuery);
