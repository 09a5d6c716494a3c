// launch starts Debian's Chromium (never a downloaded browser) for the
// browser checks, shut off from everything but the test server on
// 127.0.0.1. Shared by run.mjs and livereload.mjs.

import { chromium } from 'playwright-core';

export function launch(executablePath) {
  return chromium.launch({
    executablePath,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic',
      // Belt and braces: only the test server resolves, so a stray request
      // can never leave the machine even if a check forgot to stop it.
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
    // ...and anything not on loopback goes to a proxy that is not there
    // (this also catches IP-address URLs, which skip the resolver).
    proxy: { server: 'http://127.0.0.1:9', bypass: '127.0.0.1' },
  });
}
