// Activity heartbeat, shared by online lessons and guarded exams. While the page is visible and the learner
// active (an input within the idle window, or a video playing), it tells the server every N seconds; the
// server's clock decides what counts. After the idle window without input it stops, asks "still studying?"
// and reports the idle time, which is then not counted. Leaving the page (hidden) is reported at once, and
// coming back with a beat. The element carrying `data-heartbeat-url` configures it:
//   data-heartbeat-seconds, data-idle-seconds, data-report-hidden (exam pages) — and holds the CSRF input.
// Answer saves of the exam page ask `window.portalActivity.note()` to count as activity.
(function () {
  "use strict";
  var box = document.querySelector("[data-heartbeat-url]");
  if (!box) return;
  var url = box.getAttribute("data-heartbeat-url");
  var every = (parseInt(box.getAttribute("data-heartbeat-seconds"), 10) || 30) * 1000;
  var idleAfter = (parseInt(box.getAttribute("data-idle-seconds"), 10) || 60) * 1000;
  var csrfInput = box.querySelector("input[name=csrfmiddlewaretoken]");
  var csrf = csrfInput ? csrfInput.value : "";
  var prompt = document.getElementById("idle-prompt");
  var messageBox = document.querySelector("[data-heartbeat-message]");
  var completeButton = document.querySelector("[data-study-complete]");
  var lastInput = Date.now();
  var idle = false;
  var stopped = false;

  function playing() {
    var media = document.querySelectorAll("video, audio");
    for (var i = 0; i < media.length; i++) {
      if (!media[i].paused && !media[i].ended) return true;
    }
    return false;
  }

  function handle(body) {
    if (!body) return;
    if (body.redirect) { stopped = true; window.location.assign(body.redirect); return; }
    if (body.done) { stopped = true; return; }
    if (messageBox && typeof body.message === "string") {
      messageBox.textContent = body.message;
      messageBox.hidden = !body.message;
    }
    if (completeButton && body.ready) completeButton.disabled = false;
  }

  function send(kind, extra) {
    if (stopped) return;
    var data = new FormData();
    data.append("kind", kind);
    data.append("visibility", document.visibilityState);
    if (extra) Object.keys(extra).forEach(function (key) { data.append(key, extra[key]); });
    fetch(url, {
      method: "POST", body: data, credentials: "same-origin", keepalive: true,
      headers: {"X-CSRFToken": csrf, "Accept": "application/json"}
    }).then(function (response) {
      return response.json();
    }).then(handle).catch(function () { /* the next beat tries again */ });
  }

  function showPrompt() {
    idle = true;
    send("idle", {idle_seconds: Math.round((Date.now() - lastInput) / 1000)});
    if (prompt) { prompt.hidden = false; var b = prompt.querySelector("button"); if (b) b.focus(); }
  }

  function resume() {
    lastInput = Date.now();
    if (!idle) return;
    idle = false;
    if (prompt) prompt.hidden = true;
    if (document.visibilityState === "visible") send("beat");
  }

  function note() {
    if (idle) { resume(); return; }
    lastInput = Date.now();
  }

  ["pointerdown", "keydown", "wheel", "touchstart", "scroll"].forEach(function (name) {
    window.addEventListener(name, function () { if (!idle) lastInput = Date.now(); }, {passive: true, capture: true});
  });
  if (prompt) {
    var button = prompt.querySelector("button");
    if (button) button.addEventListener("click", resume);
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      send("hidden");
    } else if (idle) {
      resume();  // switching back to the page is the learner's own action
    } else {
      lastInput = Date.now();
      send("beat");
    }
  });

  document.querySelectorAll("video").forEach(function (video) {
    video.addEventListener("ended", function () { send("video_ended"); });
  });

  setInterval(function () {
    if (stopped || idle || document.visibilityState !== "visible") return;
    if (playing()) lastInput = Date.now();
    if (Date.now() - lastInput >= idleAfter) { showPrompt(); return; }
    send("beat");
  }, every);

  window.portalActivity = {note: note};
  if (document.visibilityState === "visible") send("beat");
})();
