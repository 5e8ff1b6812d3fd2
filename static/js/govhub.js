// govhub front-end bootstrap (ES module).
// Load with: <script type="module" src="/static/js/govhub.js"></script>
//
// Replaces GOV.UK Frontend's inline "js-enabled" snippet, which our
// Content-Security-Policy (no inline scripts) would block. Module scripts only
// run in browsers that support ES modules, so "govuk-frontend-supported" is
// always correct here. (Static imports are hoisted, but initAll is only
// called below, after the classes are set.)
import { initAll } from "/static/vendor/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");

// GOV.UK Frontend throws InitError when a component's root element is already
// initialised. That is expected when we re-scan after an htmx swap, so ignore
// it; report anything else.
function onError(error) {
  if (error && error.name === "InitError") return;
  console.error("govhub: GOV.UK Frontend init failed", error);
}

function init(scope) {
  try {
    initAll({ scope: scope, onError: onError });
  } catch (error) {
    onError(error);
  }
}

init(document);

// Initialise GOV.UK Frontend components in content swapped in by htmx.
// initAll only looks at *descendants* of scope, so scan from the parent to
// catch a swapped element that is itself a [data-module] component;
// already-initialised siblings just raise (ignored) InitErrors.
document.body.addEventListener("htmx:afterSettle", function (evt) {
  const elt = (evt.detail && evt.detail.elt) || evt.target;
  if (!(elt instanceof Element) || !elt.isConnected) return;
  init(elt.parentElement || elt);
});

// A 409 answer to an element marked data-swap-conflict carries its own message (an autosave
// refused because someone else saved first): show it like a success. Other 4xx/5xx answers
// are still not swapped in (see the htmx-config in base.html).
document.body.addEventListener("htmx:beforeSwap", function (evt) {
  const source = evt.detail.requestConfig && evt.detail.requestConfig.elt;
  if (evt.detail.xhr.status === 409 && source && source.hasAttribute("data-swap-conflict")) {
    evt.detail.shouldSwap = true;
    evt.detail.isError = false;
  }
});

// "Copy" buttons: shown only where they work; the text stays selectable without them.
for (const button of document.querySelectorAll("[data-copy-target]")) {
  const field = document.getElementById(button.dataset.copyTarget);
  const status = button.parentElement.querySelector("[data-copy-status]");
  if (!field || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async function () {
    try {
      await navigator.clipboard.writeText(field.value);
      if (status) status.textContent = "Address copied";
    } catch (error) {
      field.select();
      if (status) status.textContent = "Select the address and copy it";
    }
  });
}
