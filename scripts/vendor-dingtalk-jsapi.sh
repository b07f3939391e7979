#!/usr/bin/env bash
# Rebuild static/vendor/dingtalk-jsapi/ — the DingTalk client script of the in-app sign-in (免登), served by the
# portal itself, never from a CDN. From the npm registry: dingtalk-jsapi (MIT) at a pinned version, bundled for
# the browser by esbuild into one file that exposes window.dd with the few APIs the portal calls
# (dd.env, dd.ready, dd.error, dd.runtime.permission.requestAuthCode). Run with `make vendor-js`; commit the
# result. Needs node and npm.
set -euo pipefail
DINGTALK_JSAPI=3.2.9
ESBUILD=0.25.12
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/static/vendor/dingtalk-jsapi"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --no-save --no-audit --no-fund "dingtalk-jsapi@$DINGTALK_JSAPI" "esbuild@$ESBUILD" >/dev/null
cat > entry.js <<'JS'
var dd = require("dingtalk-jsapi/entry/union");
var requestAuthCode = require("dingtalk-jsapi/api/runtime/permission/requestAuthCode").default;
window.dd = {
  env: dd.env,
  ready: dd.ready,
  error: dd.error,
  runtime: { permission: { requestAuthCode: requestAuthCode } },
};
JS
./node_modules/.bin/esbuild entry.js --bundle --minify --format=iife --target=es2017 --legal-comments=eof \
  --outfile=dingtalk.min.js --log-level=warning
mkdir -p "$out"
{
  echo "/*! dingtalk-jsapi $DINGTALK_JSAPI (MIT, see LICENSE) with promise-polyfill" \
    "$(node -p 'require("./node_modules/promise-polyfill/package.json").version') (MIT)," \
    "bundled by scripts/vendor-dingtalk-jsapi.sh */"
  cat dingtalk.min.js
} > "$out/dingtalk.min.js"
# dingtalk-jsapi ships no licence file; its package.json says "license": "MIT".
cat > "$out/LICENSE" <<TXT
dingtalk-jsapi $DINGTALK_JSAPI — https://www.npmjs.com/package/dingtalk-jsapi
Licence: MIT (declared in the package's package.json; the package ships no licence file).
Author: junlong.hjl (DingTalk)

MIT License

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated
documentation files (the "Software"), to deal in the Software without restriction, including without limitation
the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and
to permit persons to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial portions of
the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO
THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF
CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS
IN THE SOFTWARE.

----------------------------------------------------------------------------------------------------------------
Bundled dependency: promise-polyfill — https://www.npmjs.com/package/promise-polyfill

TXT
cat node_modules/promise-polyfill/LICENSE >> "$out/LICENSE"
echo "Wrote $out/dingtalk.min.js ($(wc -c < "$out/dingtalk.min.js") bytes) and its LICENSE"
