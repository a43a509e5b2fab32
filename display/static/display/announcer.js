// Spoken calls on the hall screen: each call said twice, one announcement after the other.
// The browser's Mandarin voice (speechSynthesis) when it has one; otherwise, or with
// ?voice=server, the server's WAV. Audio stays silent until someone taps the screen once.

const REPEATS = 2;
const GAP_MS = 700;
const MAX_PENDING = 8;       // a burst of calls never leaves the hall minutes behind
const SAFETY_MS = 15000;     // a voice that never reports its end does not stop the queue

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function withTimeout(start) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, SAFETY_MS);
    start(() => { clearTimeout(timer); resolve(); });
  });
}

function mandarinVoice() {
  if (!("speechSynthesis" in window)) return null;
  const voices = speechSynthesis.getVoices();
  return voices.find((v) => /^zh[-_]CN/i.test(v.lang)) || voices.find((v) => /^(zh|cmn)\b/i.test(v.lang)) || null;
}

/**
 * Create the announcer.
 * @param {object} opts
 * @param {string} opts.token  the screen's token, for the server WAV
 * @param {boolean} opts.forceServer  always use the server's voice (?voice=server)
 * @param {HTMLElement} opts.overlay  the "tap to enable voice" overlay
 */
export function createAnnouncer({ token, forceServer, overlay }) {
  const pending = [];
  let enabled = false;
  let busy = false;
  let voice = null;

  function mode() {
    voice = forceServer ? null : mandarinVoice();
    const m = voice ? "browser" : "server";
    document.body.dataset.voice = m;
    return m;
  }
  mode();
  if ("speechSynthesis" in window) speechSynthesis.addEventListener?.("voiceschanged", mode);

  function sayInBrowser(text) {
    return withTimeout((done) => {
      const u = new SpeechSynthesisUtterance(text);
      u.lang = "zh-CN"; u.voice = voice; u.rate = 0.9;
      u.onend = done; u.onerror = done;
      speechSynthesis.speak(u);
    });
  }

  function playWav(call) {
    const url = `/display/voice/${encodeURIComponent(call.number)}/${encodeURIComponent(call.window)}.wav` +
      (token ? `?token=${encodeURIComponent(token)}` : "");
    return withTimeout((done) => {
      const audio = new Audio(url);
      audio.onended = done; audio.onerror = done;
      audio.play().catch(done);
    });
  }

  async function drain() {
    if (busy || !enabled) return;
    busy = true;
    while (pending.length) {
      const call = pending.shift();
      const useBrowser = mode() === "browser";
      for (let i = 0; i < REPEATS; i++) {
        if (useBrowser) await sayInBrowser(call.text); else await playWav(call);
        await sleep(GAP_MS);
      }
      document.body.dataset.announced = String(Number(document.body.dataset.announced || 0) + 1);
    }
    busy = false;
  }

  overlay.hidden = false;
  overlay.addEventListener("click", () => {
    enabled = true;
    overlay.hidden = true;
    // The tap unlocks audio for the page: start both outputs once, silently.
    if ("speechSynthesis" in window) { const u = new SpeechSynthesisUtterance(" "); u.volume = 0; speechSynthesis.speak(u); }
    drain();
  }, { once: true });

  return {
    /** Queue one call ({number, window, text}) to be spoken twice. */
    announce(call) {
      if (!call || !call.text) return;
      pending.push(call);
      while (pending.length > MAX_PENDING) pending.shift();
      drain();
    },
  };
}
