// Quiz page: a visible countdown and per-answer autosave. The server is the authority on time and grades;
// this script only shows the clock, saves answers as they change, and submits when the time is up.
(function () {
  "use strict";
  var form = document.getElementById("quiz-form");
  if (!form) return;
  var status = document.getElementById("quiz-save-status");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var answerUrl = form.getAttribute("data-answer-url");
  var chains = {};
  var submitting = false;

  function say(text) { if (status) status.textContent = text; }

  function save(fieldset) {
    var slot = fieldset.getAttribute("data-slot");
    var versionInput = fieldset.querySelector(".item-version");
    chains[slot] = (chains[slot] || Promise.resolve()).then(function () {
      var data = new FormData();
      fieldset.querySelectorAll("input, select, textarea").forEach(function (el) {
        if (!el.name || el.classList.contains("item-version")) return;
        if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
        data.append(el.name, el.value);
      });
      data.append("slot", slot);
      data.append("version", versionInput.value);
      data.append("visibility", document.visibilityState);
      if (window.portalActivity) window.portalActivity.note();
      return fetch(answerUrl, {
        method: "POST", body: data, credentials: "same-origin",
        headers: {"X-CSRFToken": csrf, "Accept": "application/json"}
      }).then(function (response) {
        return response.json().then(function (body) {
          if (body.ok) { versionInput.value = body.version; say(form.getAttribute("data-saved") || "✓"); }
          else if (body.closed) { say(body.error); window.location.reload(); }
          else { say(body.error); }
        });
      }).catch(function () { say("…"); });
    });
  }

  form.querySelectorAll(".quiz-item").forEach(function (fieldset) {
    var timer = null;
    fieldset.addEventListener("change", function () { save(fieldset); });
    fieldset.addEventListener("input", function (event) {
      if (event.target.tagName !== "TEXTAREA" && event.target.type !== "text") return;
      clearTimeout(timer);
      timer = setTimeout(function () { save(fieldset); }, 800);
    });
  });
  form.addEventListener("submit", function () { submitting = true; });

  var box = document.getElementById("quiz-timer");
  if (!box) return;
  var shown = document.getElementById("quiz-countdown");
  var endsAt = Date.now() + parseInt(box.getAttribute("data-remaining"), 10) * 1000;
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    shown.textContent = (h ? h + ":" + pad(m) : m) + ":" + pad(s);
    if (left <= 60) box.classList.add("warn");
    if (left === 0) {
      clearInterval(handle);
      if (!submitting) { submitting = true; form.submit(); }
    }
  }
  var handle = setInterval(tick, 1000);
  tick();
})();
