// Keyboard coding for /conversations/{id}/coding. The page works without this file: each
// fragment has its own form. With it: j/k move between fragments, p/n/0 set the valence, 1-9
// toggle a theme, s saves; every change is saved at once through the JSON API.
(function () {
  "use strict";
  var list = document.getElementById("coding-list");
  if (!list) { return; }
  var csrf = list.getAttribute("data-csrf");
  var items = Array.prototype.slice.call(list.querySelectorAll("li.coding-fragment"));
  var progress = document.getElementById("coding-progress");
  var current = 0;
  var texts = {
    saving: document.documentElement.lang === "en" ? "Saving…" : "Opslaan…",
    saved: document.documentElement.lang === "en" ? "Saved, coded" : "Opgeslagen, gecodeerd",
    failed: document.documentElement.lang === "en" ? "Not saved: " : "Niet opgeslagen: ",
    progress: document.documentElement.lang === "en" ? "{c} of {t} fragments coded" : "{c} van {t} fragmenten gecodeerd"
  };

  function focusItem(i) {
    if (items.length === 0) { return; }
    current = Math.max(0, Math.min(items.length - 1, i));
    items.forEach(function (li, j) { li.classList.toggle("current", j === current); });
    items[current].focus();
    items[current].scrollIntoView({ block: "nearest" });
  }

  // Saves of one fragment run one after the other: a fast typist's "p" then "1" must not reach
  // the server in the wrong order and leave the older state stored. Each save reads the form
  // when its turn comes, so the last one sends what the coder sees.
  function save(li) {
    li.saving = (li.saving || Promise.resolve()).then(function () { return send(li); });
    return li.saving;
  }

  function send(li) {
    var form = li.querySelector("form.code-form");
    var checked = form.querySelector("input[name=valence]:checked");
    var themes = [];
    form.querySelectorAll("input[type=checkbox]:checked").forEach(function (b) {
      themes.push(b.getAttribute("data-key"));
    });
    var state = li.querySelector("[data-state]");
    state.textContent = texts.saving;
    return fetch("/api/v1/fragments/" + li.getAttribute("data-id"), {
      method: "PUT",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-csrf-token": csrf },
      body: JSON.stringify({ valence: checked ? checked.value : "none", themes: themes })
    }).then(function (res) {
      return res.json().then(function (body) {
        if (!res.ok) {
          var detail = body.errors && body.errors.length ? body.errors[0].message : (body.detail || body.title);
          throw new Error(detail);
        }
        state.textContent = texts.saved;
        li.classList.add("coded");
        if (progress && body.progress) {
          progress.textContent = texts.progress.replace("{c}", body.progress.coded).replace("{t}", body.progress.total);
        }
      });
    }).catch(function (e) {
      state.textContent = texts.failed + e.message;
    });
  }

  items.forEach(function (li, i) {
    li.addEventListener("focusin", function () { current = i; });
    var form = li.querySelector("form.code-form");
    form.addEventListener("change", function () { save(li); });
    form.addEventListener("submit", function (ev) { ev.preventDefault(); save(li); });
  });

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    var t = ev.target;
    if (t && (t.tagName === "SELECT" || t.tagName === "TEXTAREA" ||
        (t.tagName === "INPUT" && t.type !== "radio" && t.type !== "checkbox"))) { return; }
    var li = items[current];
    if (!li) { return; }
    var key = ev.key;
    if (key === "j") { focusItem(current + 1); }
    else if (key === "k") { focusItem(current - 1); }
    else if (key === "p" || key === "n" || key === "0") {
      var value = key === "p" ? "positive" : (key === "n" ? "negative" : "none");
      li.querySelector("input[name=valence][value=" + value + "]").checked = true;
      save(li);
    } else if (/^[1-9]$/.test(key)) {
      var boxes = li.querySelectorAll("input[type=checkbox]");
      var box = boxes[parseInt(key, 10) - 1];
      if (!box) { return; }
      box.checked = !box.checked;
      save(li);
    } else if (key === "s") { save(li); }
    else { return; }
    ev.preventDefault();
  });

  var hash = window.location.hash;
  var start = hash ? items.findIndex(function (li) { return "#" + li.id === hash; }) : -1;
  if (start < 0) { start = items.findIndex(function (li) { return !li.classList.contains("coded"); }); }
  if (start >= 0) { current = start; items.forEach(function (li, j) { li.classList.toggle("current", j === current); }); }
}());
