// The trainer's check-in screen: refresh the QR code and the list of the present every few seconds.
(function () {
  var live = document.getElementById("session-live");
  if (!live) return;
  var url = live.getAttribute("data-live-url");
  function refresh() {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null) live.innerHTML = html; })
      .catch(function () {});
  }
  setInterval(refresh, 5000);
})();
