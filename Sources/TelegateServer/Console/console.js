// Telegate console: progressive enhancement only; every page works without it.
// A form with data-confirm keeps its submit button disabled until its confirmation field holds that value (the
// server checks it again), and a submitted form's button is disabled so a change is not sent twice.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    const field = form.querySelector("input[name=confirm]");
    const button = form.querySelector("button[type=submit]");
    if (!field || !button) continue;
    const update = () => { button.disabled = field.value.trim() !== form.dataset.confirm; };
    field.addEventListener("input", update);
    update();
  }
  for (const form of document.querySelectorAll("form[method=post]")) {
    form.addEventListener("submit", () => {
      const button = form.querySelector("button[type=submit]");
      if (button) setTimeout(() => { button.disabled = true; }, 0);
    });
  }
});
