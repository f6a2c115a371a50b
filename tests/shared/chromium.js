// How every browser test starts the system Chromium (Debian's package; no
// browser is ever downloaded). As root it needs --no-sandbox; the network
// flags keep it from calling out of this offline machine.
export const CHROMIUM = "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-dev-shm-usage",
];
