// Telegate console: progressive enhancement only; every page works without it.
// A form with data-confirm keeps its submit button disabled until its confirmation field holds that value (the
// server checks it again), and a submitted form's button is disabled so a change is not sent twice. The overview's
// charts (section[data-refresh]) are fetched again every 20 seconds and swapped in, while someone used the page in
// the last 25 minutes (an unattended page must not keep an idle session alive); without this, its link reloads.
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
  const charts = document.querySelector("section[data-refresh]");
  if (charts) {
    let used = Date.now();
    for (const name of ["pointerdown", "keydown", "scroll"]) addEventListener(name, () => { used = Date.now(); });
    setInterval(async () => {
      if (document.hidden || Date.now() - used > 25 * 60000) return;
      try {
        const reply = await fetch(charts.dataset.refresh, { credentials: "same-origin", headers: { Accept: "text/html" } });
        if (!reply.ok || reply.redirected) return;
        const page = new DOMParser().parseFromString(await reply.text(), "text/html");
        const fresh = page.querySelector("section[data-refresh]");
        if (fresh) charts.replaceChildren(...fresh.childNodes);
      } catch (error) { /* offline: the next round tries again */ }
    }, 20000);
  }
});
