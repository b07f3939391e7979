// In-app sign-in inside DingTalk (免登): ask the DingTalk client for an auth code and post it to the portal.
(function () {
  "use strict";
  var form = document.getElementById("dingtalk-inapp");
  var fallback = document.getElementById("dingtalk-inapp-fallback");
  function showFallback() {
    fallback.hidden = false;
  }
  if (!form || !window.dd || !window.dd.env || window.dd.env.platform === "notInDingTalk") {
    showFallback();
    return;
  }
  window.dd.ready(function () {
    window.dd.runtime.permission.requestAuthCode({
      corpId: form.dataset.corpId,
      clientId: form.dataset.clientId,
      onSuccess: function (result) {
        form.elements.code.value = result.code;
        form.submit();
      },
      onFail: showFallback,
    });
  });
  if (window.dd.error) {
    window.dd.error(showFallback);
  }
})();
