// The zoom's state form and history (views/partials/ticket-state-form.hbs, ticket-history.hbs).
// Without JavaScript everything works: the pending time is always shown, a quick choice button
// submits the form with that choice, the history opens with a click on its heading.
(function () {
  'use strict';

  document.querySelectorAll('form[data-pending-form]').forEach(function (form) {
    var pendingStates = (form.dataset.pendingStates || '').split('|');
    var state = form.querySelector('select[name=state]');
    var fields = form.querySelector('[data-pending-fields]');
    var input = form.querySelector('input[name=pendingUntil]');
    if (!state || !fields || !input) return;

    // The pending time only where a pending state is chosen.
    function showFields() {
      fields.hidden = pendingStates.indexOf(state.value) === -1;
    }
    state.addEventListener('change', showFields);
    showFields();

    // A quick choice fills in its time (in the agent's zone, worked out by the server) to be checked before saving.
    form.querySelectorAll('button[data-fill]').forEach(function (button) {
      button.addEventListener('click', function (event) {
        event.preventDefault();
        input.value = button.dataset.fill;
        form.querySelectorAll('button[data-fill]').forEach(function (other) {
          other.setAttribute('aria-pressed', other === button ? 'true' : 'false');
        });
        input.focus();
      });
    });
    input.addEventListener('input', function () {
      form.querySelectorAll('button[data-fill]').forEach(function (other) {
        other.setAttribute('aria-pressed', 'false');
      });
    });
  });

  // A link to the history (or an address ending in #history) opens it.
  function openTarget() {
    var target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    if (target && target.tagName === 'DETAILS') target.open = true;
  }
  window.addEventListener('hashchange', openTarget);
  openTarget();
})();
