// The window's queue: waiting per service and the next tickets in calling order, refreshed on events.
const REFRESH_DELAY_MS = 250;

export function createQueue(ctx) {
  const { t } = ctx;
  const $ = (id) => document.getElementById(id);
  let timer = null;
  let shownFor = null;

  async function load() {
    const w = ctx.myWindow();
    if (!w) return;
    let q;
    try { q = await ctx.api("GET", `/api/v1/windows/${w.id}/queue`); } catch { return; }
    $("q-services").replaceChildren(...Object.entries(q.waiting).map(([id, n]) => {
      const li = document.createElement("li");
      li.innerHTML = "<span></span><b></b>";
      li.querySelector("span").textContent = ctx.serviceName(Number(id));
      li.querySelector("b").textContent = n;
      li.classList.toggle("none", n === 0);
      return li;
    }));
    const next = q.next.map((n) => {
      const li = document.createElement("li");
      li.innerHTML = "<b></b><span class=svc></span><span class=tags></span><time></time>";
      li.querySelector("b").textContent = n.number;
      li.querySelector(".svc").textContent = ctx.serviceName(n.service_id);
      li.querySelector(".tags").textContent = [n.priority ? t.priority : "", n.transferred_here ? t.transferred_here : ""]
        .filter(Boolean).join(" · ");
      li.querySelector("time").textContent = ctx.clockTime(n.issued_at);
      return li;
    });
    if (!next.length) { const li = document.createElement("li"); li.className = "empty"; li.textContent = t.nobody_waiting; next.push(li); }
    $("q-next").replaceChildren(...next);
  }

  function soon() { clearTimeout(timer); timer = setTimeout(load, REFRESH_DELAY_MS); }

  return {
    render() {
      const w = ctx.myWindow();
      if (w && w.id !== shownFor) { shownFor = w.id; soon(); }
      if (!w) shownFor = null;
    },
    reload: soon,
    onEvent(name) { if (name.startsWith("ticket") || name === "window.opened") soon(); },
  };
}
