// The HTTP client of the endpoint benchmarks: keep-alive connections
// (one http.Agent per server), `concurrency` workers each sending its next
// request as soon as the previous one answered, requests spread round-robin
// over the servers given. The same client measures the bare Node server and
// ours, in the same run, so their ratio is what the server adds.
import http from "node:http";

/**
 * Sends requests for `seconds` (after `warmup` seconds not counted) and
 * returns { requests, seconds, rps, p50, p99 } (latencies in ms, from the
 * request written to the last byte of the answer). `next(i)` gives the i-th
 * request as { body, check?(status, text) }; a check that throws ends the run.
 * Runs at least `minRequests` counted requests (slow modes), at most `maxSeconds`.
 */
export async function load({ urls, concurrency, seconds, warmup = 0.5, next, minRequests = 0, maxSeconds = 60, agents }) {
  const own = !agents;
  agents ??= urls.map(() => new http.Agent({ keepAlive: true, maxSockets: concurrency }));
  const targets = urls.map((u, k) => ({ url: new URL("/includes/api.php", u), agent: agents[k] }));
  let sent = 0;
  let counted = 0;
  let failure;
  const latencies = [];
  const started = performance.now();
  const warmEnd = started + warmup * 1000;
  let measureStart;
  let measureEnd;
  const done = () => {
    const now = performance.now();
    if (now < warmEnd) return false;
    const min = (measureStart ?? now) + seconds * 1000;
    return failure !== undefined || (now >= min && counted >= minRequests) || now - (measureStart ?? now) > maxSeconds * 1000;
  };
  async function worker() {
    while (!done()) {
      const i = sent++;
      const target = targets[i % targets.length];
      const request = next(i);
      const t = performance.now();
      const { status, text } = await post(target, request.body);
      const end = performance.now();
      try {
        request.check?.(status, text);
      } catch (error) {
        failure ??= error;
        break;
      }
      if (t >= warmEnd) {
        measureStart ??= t;
        measureEnd = end;
        latencies.push(end - t);
        counted++;
      }
    }
  }
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    if (own) for (const a of agents) a.destroy();
  }
  if (failure) throw failure;
  latencies.sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  const span = (measureEnd - measureStart) / 1000;
  return { requests: counted, seconds: span, rps: counted / span, p50: q(0.5), p99: q(0.99) };
}

/** One form-encoded POST; resolves with the status and the whole answer. */
function post(target, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(target.url, {
      method: "POST",
      agent: target.agent,
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": Buffer.byteLength(body) },
    }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** PHP's http_build_query of a flat params object (arrays as `k[0]=a&k[1]=b`), as a WHMCS client sends it. */
export function phpForm(params) {
  const enc = (s) => encodeURIComponent(s).replace(/%20/g, "+");
  const parts = [];
  for (const [k, v] of Object.entries(params)) {
    if (Array.isArray(v)) v.forEach((x, i) => parts.push(`${enc(`${k}[${i}]`)}=${enc(String(x))}`));
    else parts.push(`${enc(k)}=${enc(String(v))}`);
  }
  return parts.join("&");
}
