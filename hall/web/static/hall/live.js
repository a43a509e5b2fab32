// Hall live state: a snapshot first, then events in sequence order.
// A gap in the sequence or a reconnect asks the server for a fresh snapshot,
// so a screen that lost its connection shows it and recovers by itself.

/**
 * Connect to a Socket.IO namespace and keep a screen's state current.
 * @param {object} opts
 * @param {string} opts.namespace  e.g. "/display"
 * @param {object} [opts.auth]     Socket.IO auth payload, e.g. {token}
 * @param {(snap: object) => void} opts.onSnapshot  replace the whole state
 * @param {(name: string, data: object) => void} opts.onEvent  apply one event
 * @param {(online: boolean) => void} [opts.onStatus]  connection shown/hidden
 */
export function connectLive({ namespace, auth, onSnapshot, onEvent, onStatus }) {
  const socket = io(namespace, { auth: auth || {}, transports: ["websocket", "polling"] });
  let seq = null; // null until the first snapshot arrives
  const status = onStatus || (() => {});

  socket.on("connect", () => status(true));
  socket.on("disconnect", () => { seq = null; status(false); });
  socket.on("connect_error", () => status(false));
  socket.on("snapshot", (snap) => { seq = snap.seq; onSnapshot(snap); });
  socket.onAny((name, data) => {
    if (name === "snapshot") return;
    if (!data || typeof data.seq !== "number") { onEvent(name, data); return; }
    if (seq === null || data.seq <= seq) return; // before the snapshot, or already in it
    if (data.seq > seq + 1) { seq = null; socket.emit("snapshot"); return; } // missed something
    seq = data.seq;
    if (name !== "hall.seq") onEvent(name, data);
  });
  return socket;
}

/** Show or hide the "connection lost" banner element. */
export function bindStatusBanner(el) {
  return (online) => { el.hidden = online; document.body.classList.toggle("offline", !online); };
}

/** The page's token: from ?token= in its URL (kept in memory only). */
export function pageToken() {
  return new URLSearchParams(location.search).get("token") || "";
}

/** The page's language as the server names it, "zh_CN" or "en": the server writes it into <html lang>. */
export function pageLang() {
  return /^en\b/i.test(document.documentElement.lang || "") ? "en" : "zh_CN";
}

/**
 * Call the hall's REST API with the page's token and language; a refusal throws an Error whose
 * message is the server's localized_message (the page's language), falling back to the English message.
 * The English text stays on err.englishMessage, the code on err.code, the HTTP status on err.status.
 */
export async function api(method, path, body) {
  const headers = { "Accept": "application/json" };
  const token = pageToken();
  if (token) headers["Authorization"] = "Bearer " + token;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const url = new URL(path, location.href);
  if (!url.searchParams.has("lang")) url.searchParams.set("lang", pageLang());
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body),
                                 credentials: "same-origin" });
  if (res.status === 204) return null;
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    const error = data.error || {};
    const err = new Error(error.localized_message || error.message || res.statusText);
    err.code = error.code; err.status = res.status; err.englishMessage = error.message;
    throw err;
  }
  return data;
}

/** Format an estimated wait in seconds as minutes, or "—" when it cannot be justified. */
export function formatWait(seconds, t) {
  if (seconds === null || seconds === undefined) return "—";
  const minutes = Math.max(1, Math.round(seconds / 60));
  return (t && t.minutes ? t.minutes : "{n} 分钟").replace("{n}", minutes);
}
