// Follow the link to the identity provider at once. The sign-in form cannot be
// redirected there itself: the Content-Security-Policy (form-action 'self') forbids a
// form's redirect to another site, but not a navigation of the page.
(function () {
  "use strict";
  var link = document.querySelector("[data-sso-continue]");
  if (link) {
    window.location.assign(link.href);
  }
})();
